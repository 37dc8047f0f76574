"""What a ``for`` loop's body says about its passes (for :mod:`.loopjudge`): whether it ends a
search (a ``break`` or ``return`` on what it computed) and whether its passes send one identical
request (``for i in range(n)`` whose index never reaches the call: timing or sampling runs).
"""

from __future__ import annotations

import ast

__all__ = ["exits", "repeats"]


def exits(loop: ast.For | ast.AsyncFor) -> bool:
    """A ``return``, or a ``break`` of this loop (not of a nested one), that ends a search: not one
    in an ``except`` handler (``except KeyboardInterrupt: break``, an abort), nor one under an
    ``if`` that tests nothing the loop computes (``if test_first_row: break``, a run-wide switch)."""
    made = {n.id for st in loop.body for n in ast.walk(st) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    made |= {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}
    stack: list[tuple[ast.AST, bool]] = [(s, False) for s in loop.body]
    while stack:
        node, nested = stack.pop()
        if isinstance(node, ast.Return) or (isinstance(node, ast.Break) and not nested):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ExceptHandler)):
            continue
        if isinstance(node, ast.If) and not any(isinstance(n, ast.Name) and n.id in made for n in ast.walk(node.test)) \
                and all(isinstance(st, (ast.Break, ast.Expr, ast.Assign, ast.AugAssign)) for st in node.body):
            stack.extend((c, nested) for c in node.orelse)
            continue
        inner = nested or isinstance(node, (ast.For, ast.AsyncFor, ast.While))
        stack.extend((c, inner) for c in ast.iter_child_nodes(node))
    return False


def repeats(loop: ast.For | ast.AsyncFor, call: ast.Call) -> bool:
    """``for i in range(n)`` whose index (nor anything the body derives from it) never reaches the call."""
    if not (isinstance(loop.iter, ast.Call) and isinstance(loop.iter.func, ast.Name) and loop.iter.func.id == "range"):
        return False
    derived = {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}
    for st in ast.walk(ast.Module(body=loop.body, type_ignores=[])):
        if isinstance(st, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and st.value is not None \
                and _names(st.value) & derived:
            targets = st.targets if isinstance(st, ast.Assign) else [st.target]
            derived |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return not _names(call) & derived


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
