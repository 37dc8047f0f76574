"""A loop over a collection its function cuts to a handful on the path that runs (TB401, for :mod:`.callers`).

A scheduled job fetches its backlog and keeps the first item unless told otherwise::

    def process_articles(self, limit=None):
        articles = self.get_unprocessed_articles()
        if limit:
            articles = articles[:limit]
        else:
            articles = articles[:1]              # one article per run by default
        for article in articles: ...

The loop's collection is the slice that reaches it: the statement just before the loop that
assigns the name on every path (a plain assignment, or an ``if`` whose both branches do). Each
slice ``x[:N]`` with a constant ``N`` of at most :data:`.loopsize.HANDFUL` is a handful; a branch
``if limit: x = x[:limit]`` runs only when ``limit`` is given, so when every project caller leaves
``limit`` unset (its default is falsy) that branch does not count. Every branch that runs must be a
handful: then the loop is not batch work. Anything else (a cut by a value a caller passes, no
caller in sight, an earlier assignment that may still reach the loop) keeps it a batch candidate.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from pytest_tokenbudget.lint.astwalk import block_of, walk
from pytest_tokenbudget.lint.loopsize import HANDFUL

__all__ = ["cut_to_a_handful"]

Cut = tuple[ast.expr | None, str | None]  # (the slice's upper bound, the parameter guarding its branch)
ValuesOf = Callable[[str], list[Any] | None]  # parameter -> every caller's value (None: no caller)


def _cut(st: ast.stmt, name: str) -> ast.expr | None | bool:
    """The upper bound of ``name = name[:N]`` (False: another assignment of ``name``; None: not one)."""
    if not (isinstance(st, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in st.targets)):
        return None
    v = st.value
    if isinstance(v, ast.Subscript) and isinstance(v.slice, ast.Slice) and v.slice.lower is None \
            and v.slice.step is None and v.slice.upper is not None:
        return v.slice.upper
    return False


def _last_cut(block: list[ast.stmt], name: str) -> ast.expr | None | bool:
    for st in reversed(block):
        found = _cut(st, name)
        if found is not None:
            return found
    return None


def _reaching(block: list[ast.stmt], index: int, name: str) -> list[Cut] | None:
    """The cuts of ``name`` that reach ``block[index]`` (see the module doc), else None."""
    for st in reversed(block[:index]):
        found = _cut(st, name)
        if found is False:
            return None
        if found is not None:
            return [(found, None)]  # type: ignore[list-item]
        if isinstance(st, ast.If) and st.orelse:
            body, orelse = _last_cut(st.body, name), _last_cut(st.orelse, name)
            if body is None and orelse is None:
                continue
            if body in (None, False) or orelse in (None, False):
                return None
            guard = st.test.id if isinstance(st.test, ast.Name) else None
            return [(body, guard), (orelse, None)]  # type: ignore[list-item]
        if any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store) for n in walk(st)):
            return None
    return None


def _unset(values: list[Any] | None) -> bool:
    """Every caller leaves the parameter falsy (unset, None, 0)."""
    return values is not None and bool(values) and all(v is None or v == 0 or v is False for v in values)


def cut_to_a_handful(loop: ast.For | ast.AsyncFor, parents: dict[int, ast.AST], values_of: ValuesOf) -> bool:
    """The loop's collection is cut to a handful on every path that runs (see the module doc)."""
    it = loop.iter
    while isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id in ("enumerate", "tqdm") \
            and it.args:
        it = it.args[0]
    found = block_of(loop, parents)
    cuts = _reaching(found[0], found[1], it.id) if isinstance(it, ast.Name) and found else None
    if not cuts:
        return False
    for bound, guard in cuts:
        if guard is not None and isinstance(bound, ast.Name) and bound.id == guard and _unset(values_of(guard)):
            continue  # ``if limit: x = x[:limit]`` with no caller passing a limit: never runs
        if not (isinstance(bound, ast.Constant) and type(bound.value) is int and 0 < bound.value <= HANDFUL):
            return False
    return True
