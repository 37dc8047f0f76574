"""Which callers' requests reach a request written under an ``if``.

A wrapper often picks the request by its arguments: plangeberg/intake's ``call_anthropic`` streams
when ``max_tokens > 2048`` (``use_stream = stream if stream is not None else (max_tokens > 2048)``;
``if use_stream: client.messages.stream(...) else: client.messages.create(...)``). Its extraction
caller (``max_tokens=8192``, a 1,700-token prompt) only ever reaches the stream; its dedup caller
(``max_tokens=1024``, a short prompt) only the ``create``. Read without the branch, each request
seemed to send both prompts, and the ``create`` got the extraction prompt's TB101.

:func:`guards` lists the ``if`` tests around a request in its function, each with the truth the
request needs; :func:`reachable` drops a caller's variant (:mod:`.callerargs`) when, with that caller's
values bound, a test is known to go the other way. :func:`compared` evaluates ``a < b``, ``x is None``
and the like on known constants, so that such tests (and ``a if x is None else b``) can be known.
Anything not known keeps the variant.
"""

from __future__ import annotations

import operator
from typing import Any

import libcst as cst

from pytest_tokenbudget.lint.analysis.values import UNKNOWN, Unknown
from pytest_tokenbudget.lint.cstwalk import children

__all__ = ["compared", "guards", "negated", "reachable"]

_OPS = {cst.Equal: operator.eq, cst.NotEqual: operator.ne, cst.LessThan: operator.lt, cst.GreaterThan: operator.gt,
        cst.LessThanEqual: operator.le, cst.GreaterThanEqual: operator.ge, cst.Is: operator.is_,
        cst.IsNot: operator.is_not}
_CONSTANTS = (bool, int, float, str, type(None))
_MAX_DEPTH = 60


def guards(fn: Any, call: Any) -> list[tuple[Any, bool]]:
    """(test, the truth the request needs) of each ``if`` / ``elif`` between ``fn``'s body and ``call``
    (not through a nested function or class: its own body runs when it is called), and of each
    ``if`` before it in a block whose body returns or raises (the request runs when it is not taken)."""
    path = _path_to(fn.body, call, 0) if fn is not None and hasattr(fn, "body") else None
    out: list[tuple[Any, bool]] = []
    for node, inner in zip(path or (), (path or ())[1:]):
        if isinstance(node, cst.If) and inner is not node.test:
            out.append((node.test, inner is node.body))
        elif isinstance(node, cst.IndentedBlock):  # `if use_stream: ... return ...` before it: not taken
            for st in node.body[:node.body.index(inner)] if inner in node.body else ():
                if isinstance(st, cst.If) and st.orelse is None and _leaves(st.body):
                    out.append((st.test, False))
    return out


def _leaves(block: Any) -> bool:
    """The block always ends the function or raises: its last statement is a ``return`` / ``raise``,
    or a ``with`` whose block does (``with client.messages.stream(...) as s: return ...``)."""
    last = block.body[-1] if isinstance(block, cst.IndentedBlock) and block.body else None
    if isinstance(last, cst.SimpleStatementLine):
        return any(isinstance(small, (cst.Return, cst.Raise)) for small in last.body)
    return isinstance(last, cst.With) and _leaves(last.body)


def _path_to(node: Any, target: Any, depth: int) -> list[Any] | None:
    if node is target:
        return [node]
    if depth > _MAX_DEPTH or depth and isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
        return None
    for child in children(node):
        found = _path_to(child, target, depth + 1)
        if found is not None:
            return [node, *found]
    return None


def reachable(resolver: Any, scope: Any, tests: list[tuple[Any, bool]]) -> bool:
    """False when one of ``tests`` (from :func:`guards`) is known, with ``resolver``'s bindings, to
    have the other truth than the request needs."""
    for test, wanted in tests:
        value = resolver.expr(test, scope)
        if isinstance(value, _CONSTANTS) and bool(value) != wanted:
            return False
    return True


def negated(resolver: Any, node: cst.UnaryOperation, scope: Any, depth: int) -> Any:
    """``not x`` for a known constant ``x``: a bool; else UNKNOWN."""
    value = resolver.expr(node.expression, scope, depth + 1)
    return not value if isinstance(value, _CONSTANTS) else UNKNOWN


def compared(resolver: Any, node: cst.Comparison, scope: Any, depth: int) -> Any:
    """``a < b < c``, ``x is None``, ``n == 3`` on known constants: a bool; anything else: UNKNOWN."""
    left = resolver.expr(node.left, scope, depth + 1)
    for target in node.comparisons:
        op = _OPS.get(type(target.operator))
        right = resolver.expr(target.comparator, scope, depth + 1)
        if op is None or isinstance(left, Unknown) or isinstance(right, Unknown) \
                or not isinstance(left, _CONSTANTS) or not isinstance(right, _CONSTANTS):
            return UNKNOWN
        try:
            if not op(left, right):
                return False
        except TypeError:  # (3 < "a")
            return UNKNOWN
        left = right
    return True
