"""The one assignment of a name that reaches a request, when the function assigns it several times.

The resolver reads a name by all its assignments in a scope at once: ``prompt = f"...JSON..."``
before the request and ``prompt = f"Select company (1-{n})"`` for an ``input()`` later in the same
function give "one of two texts", whose common part is empty; ``model_used = "claude-3-opus-..."``
in the Claude branch and ``model_used = "gpt-4"`` in the OpenAI one give "one of two ids". At a
request, only the assignment that reaches it counts: the latest one before it in a block that
encloses it (:func:`reaching`). Anything that makes that unsure keeps the scope-wide reading: an
assignment in a branch between it and the request (``if cond: model = B``), one after the request
inside a loop around both (the next pass reads it), or an assignment that is not a plain ``=``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pytest_tokenbudget.lint.analysis.scopes import Binding, Position

__all__ = ["NOT_REACHED", "reached_value", "reaching"]

NOT_REACHED = object()


def reached_value(resolver: Any, where: Any, bindings: Sequence[Binding], depth: int) -> Any:
    """The value of the assignment that reaches the request the resolver is reading the arguments
    of (``resolver._use``: its scope and position), read from that assignment's own place; else
    NOT_REACHED (another scope, a mutated name, no single reaching assignment)."""
    use = resolver._use
    if use is None or where is not use[0] or (b := reaching(bindings, use[1])) is None:
        return NOT_REACHED
    resolver._use = (where, b.at)
    try:
        return resolver.expr(b.node, where, depth + 1)
    finally:
        resolver._use = use


def reaching(bindings: Sequence[Binding], use: Position) -> Binding | None:
    """The plain assignment of ``bindings`` (one name's, in one scope) that reaches ``use``; None
    when there are fewer than two or which one reaches is not certain (module doc)."""
    if len(bindings) < 2 or any(b.kind != "assign" or b.at is None for b in bindings):
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
