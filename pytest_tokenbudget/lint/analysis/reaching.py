"""The one assignment of a name that reaches a request, when the function assigns it several times.

The resolver reads a name by all its assignments in a scope at once: ``prompt = f"...JSON..."``
before the request and ``prompt = f"Select company (1-{n})"`` for an ``input()`` later in the same
function give "one of two texts", whose common part is empty; ``model_used = "claude-3-opus-..."``
in the Claude branch and ``model_used = "gpt-4"`` in the OpenAI one give "one of two ids". At a
request, only the assignment that reaches it counts: the latest one before it in a block that
encloses it (:func:`reaching`). Anything that makes that unsure keeps the scope-wide reading: an
assignment in a branch between it and the request (``if cond: model = B``), one after the request
inside a loop around both (the next pass reads it), or an assignment that is not a plain ``=`` (a
``with open(p) as f:`` counts as one: a module that opens many files as ``f`` reads each where it is).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pytest_tokenbudget.lint.analysis.scopes import Binding, Position, entered

__all__ = ["NOT_REACHED", "reached_value", "reaching", "reaching_from"]

NOT_REACHED = object()


def reached_value(resolver: Any, where: Any, bindings: Sequence[Binding], depth: int) -> Any:
    """The value of the assignment that reaches the request the resolver is reading the arguments
    of (``resolver._use``: its scope and position), read from that assignment's own place; else
    NOT_REACHED (another scope, a mutated name, no single reaching assignment). A request in a def
    nested in ``where`` (``def call_anthropic(prompt)`` made in the branch that sets ``model_name``)
    reads at that def's place, when no assignment after it on its own path can change the name."""
    use = resolver._use
    if use is None or (b := reaching_from(use[0], use[1], where, bindings)) is None:
        return NOT_REACHED
    resolver._use = (where, b.at)
    try:
        value = resolver.expr(b.node, where, depth + 1)
    finally:
        resolver._use = use
    return entered(value) if b.kind == "with" else value


def reaching_from(scope: Any, at: Position | None, where: Any, bindings: Sequence[Binding]) -> Binding | None:
    """:func:`reaching` for a request at ``at`` in ``scope`` reading a name of ``where``: the same
    scope (a comprehension in it included), or one enclosing the def that holds the request."""
    if at is not None and not _transparent(scope, where):
        at = _closure_place(scope, where, bindings)
    return None if at is None else reaching(bindings, at)


def _transparent(scope: Any, where: Any) -> bool:
    """``scope`` is ``where``, or a comprehension in it (its loop runs where it stands)."""
    while scope is not where and scope is not None and scope.kind == "comprehension":
        scope = scope.parent
    return scope is where


def _closure_place(scope: Any, where: Any, bindings: Sequence[Binding]) -> Position | None:
    """The place of the def, nested in ``where``, that holds ``scope``; None when there is none or an
    assignment of the name after it stands on its own path (the closure reads the name when called)."""
    while scope is not None and scope.parent is not where:
        scope = scope.parent
    made = [b for b in where.bindings.get(scope.name, []) if b.kind == "def" and b.node is scope.node] \
        if scope is not None and scope.kind == "function" else []
    at = made[0].at if len(made) == 1 else None
    if at is None or any(b.at is None or b.at.order > at.order and at.blocks[:len(b.at.blocks)] == b.at.blocks
                         for b in bindings):
        return None
    return at


def reaching(bindings: Sequence[Binding], use: Position) -> Binding | None:
    """The plain assignment of ``bindings`` (one name's, in one scope) that reaches ``use``; None
    when there are fewer than two or which one reaches is not certain (module doc)."""
    if len(bindings) < 2 or any(b.kind not in ("assign", "with") or b.at is None for b in bindings):
        return None
    before = [b for b in bindings if b.at.order < use.order]  # type: ignore[union-attr]
    enclosing = [b for b in before if use.blocks[:len(b.at.blocks)] == b.at.blocks]  # type: ignore[union-attr]
    if not enclosing:
        return None
    latest = max(enclosing, key=lambda b: b.at.order)  # type: ignore[union-attr]
    if any(b is not latest and b.at.order > latest.at.order for b in before):  # type: ignore[union-attr]
        return None  # (another one between them, in a branch: either may reach)
    after = [b for b in bindings if b.at.order > use.order]  # type: ignore[union-attr]
    return None if any(set(b.at.loops) & set(use.loops) for b in after) else latest  # type: ignore[union-attr]
