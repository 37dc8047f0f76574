"""The import and assignment statements of an :mod:`ast` tree, found by walking statements only.

The caller search asks of many files (every file the word index names) whether they import a
function, and how they re-bind it. Imports and assignments are statements, and a statement only
sits in the body of the module, of another statement, of an ``except`` handler or of a ``case``;
walking those (a tenth of a tree's nodes) finds them all, instead of ``ast.walk`` over every
expression. The walk is breadth-first in field order, like ``ast.walk``, so the nodes come in the
order ``ast.walk`` gives them. Answers are kept per tree while the tree lives (a weak mapping:
the cache never keeps a tree alive after the project index drops it).
"""

from __future__ import annotations

import ast
import weakref
from dataclasses import dataclass, field

__all__ = ["Statements", "statements_of"]

_HOLDERS = (ast.stmt, ast.excepthandler, ast.match_case)


@dataclass
class Statements:
    imports: list[ast.Import | ast.ImportFrom] = field(default_factory=list)
    assigns: list[ast.Assign] = field(default_factory=list)


_SEEN: weakref.WeakKeyDictionary[ast.AST, Statements] = weakref.WeakKeyDictionary()


def statements_of(tree: ast.AST) -> Statements:
    """The ``import`` / ``from ... import`` and ``=`` statements anywhere in ``tree`` (in functions,
    classes, ``if`` / ``try`` / ``with`` blocks ...), in :func:`ast.walk` order."""
    hit = _SEEN.get(tree)
    if hit is not None:
        return hit
    out = Statements()
    queue: list[ast.AST] = [tree]
    i = 0
    while i < len(queue):
        node = queue[i]
        i += 1
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            out.imports.append(node)
            continue
        if isinstance(node, ast.Assign):
            out.assigns.append(node)
            continue  # an assignment holds no statement
        for name in node._fields:
            value = getattr(node, name, None)
            if type(value) is list:
                queue.extend(v for v in value if isinstance(v, _HOLDERS))
    _SEEN[tree] = out
    return out
