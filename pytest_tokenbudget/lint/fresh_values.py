"""Values a loop's body makes afresh on each pass through a function of the project.

``for i in range(30): messages, answer = arithmetic.construct_prompt(3, 4)`` sends thirty different
questions when ``construct_prompt`` (in this module or another) builds its return value from random
draws: thirty independent items, not one identical request sent thirty times (a timing or sampling
run, :func:`.loopbody.repeats`). A function is fresh when a value it returns derives from a random
draw (:func:`.draws.draws`) or from a call of another fresh function, followed two functions deep;
a draw that never reaches the return (a retry's jitter) does not count.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from pytest_tokenbudget.lint.astwalk import walk
from pytest_tokenbudget.lint.callnames import resolve_function, tree_of
from pytest_tokenbudget.lint.draws import drawn_names, draws
from pytest_tokenbudget.lint.loopbody import repeats
from pytest_tokenbudget.lint.project import active

__all__ = ["repeats_here"]

_DEPTH = 2  # functions followed below the loop's own call
_NOT_PROJECT = frozenset({"append", "extend", "format", "join", "get", "strip", "replace", "items"})  # (no lookup)


def repeats_here(loop: ast.For | ast.AsyncFor, request: ast.Call) -> bool:
    """:func:`.loopbody.repeats` for a loop of the file being checked, with the project's functions
    that return fresh values counted as draws."""
    act = active()
    tree = tree_of(act[0], act[1]) if act is not None else None
    if act is None or tree is None:
        return repeats(loop, request)
    return repeats(loop, request, _fresh(act[0], act[1], tree, 0, {}))


def _fresh(project: Any, path: str, tree: ast.Module, depth: int, seen: dict[int, bool]) -> Callable[[ast.Call], bool]:
    def fresh(call: ast.Call) -> bool:
        if draws(call):
            return True
        if depth >= _DEPTH or isinstance(call.func, ast.Attribute) and call.func.attr in _NOT_PROJECT:
            return False
        hit = resolve_function(project, path, tree, call.func, {})
        if hit is None:
            return False
        file, fn, _ = hit
        if id(fn) not in seen:
            seen[id(fn)] = False  # (recursion: not fresh while it is being read)
            inner = tree_of(project, file)
            seen[id(fn)] = inner is not None and _returns_drawn(fn, _fresh(project, file, inner, depth + 1, seen))
        return seen[id(fn)]

    return fresh


def _returns_drawn(fn: ast.AST, fresh: Callable[[ast.Call], bool]) -> bool:
    """A ``return`` of ``fn`` gives a draw, or a name the function derives from one."""
    derived = drawn_names(fn, fresh)
    return any(isinstance(n, ast.Return) and n.value is not None and any(
        isinstance(m, ast.Name) and m.id in derived or isinstance(m, ast.Call) and fresh(m) for m in walk(n.value))
        for n in walk(fn))
