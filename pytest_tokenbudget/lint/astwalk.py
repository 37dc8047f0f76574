"""The children of an :mod:`ast` node, without :func:`ast.iter_child_nodes`' generators.

The caller searches walk whole functions and trees breadth first (parent maps, assignments, the
calls naming a function); :func:`child_nodes` gives the same nodes in the same order as
:func:`ast.iter_child_nodes`, as a list read straight from the node's fields (about twice as fast
on the millions of nodes a run visits).
"""

from __future__ import annotations

import ast

__all__ = ["child_nodes"]


def child_nodes(node: ast.AST) -> list[ast.AST]:
    """``list(ast.iter_child_nodes(node))``."""
    out: list[ast.AST] = []
    append = out.append
    for name in node._fields:
        child = getattr(node, name, None)
        if isinstance(child, list):
            for item in child:
                if isinstance(item, _AST):
                    append(item)
        elif isinstance(child, _AST):
            append(child)
    return out


_AST = ast.AST
