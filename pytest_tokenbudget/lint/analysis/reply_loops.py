"""A loop over one reply's parts: ``for block in response.content:`` after ``response =
client.messages.create(...)``.

Such a loop goes through the content blocks (tool calls, text) of a request the code already
made; a request inside it is the next turn of that conversation (a tool result sent back), not
one of many independent items, so it is never batch work (TB401). The check is on the loop's
iterable: an attribute of a reply (``.content``, ``.tool_calls``, ``.choices``) whose name the
enclosing code assigned from an SDK request (``.create(...)`` / ``.parse(...)``).
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from pytest_tokenbudget.lint.analysis.scopes import Scope, lookup
from pytest_tokenbudget.lint.loopbody import REPLY_PARTS, REQUEST_METHODS

__all__ = ["over_a_reply"]



def over_a_reply(iterable: Any, scope: Scope | None) -> bool:
    """``iterable`` (a loop's, libcst) is a part of a reply ``scope`` assigned from an SDK request."""
    while isinstance(iterable, cst.Subscript):  # response.choices[0].message.tool_calls
        iterable = iterable.value
    if not isinstance(iterable, cst.Attribute) or scope is None:
        return False
    base: Any = iterable
    while isinstance(base, (cst.Attribute, cst.Subscript)):
        parts = base.attr.value if isinstance(base, cst.Attribute) else ""
        if parts in REPLY_PARTS and isinstance(base.value, cst.Name):
            found = lookup(base.value.value, scope)
            return found is not None and any(_is_request(b.node) for b in found[1] if b.kind == "assign")
        base = base.value
    return False


def _is_request(node: Any) -> bool:
    while isinstance(node, cst.Await):
        node = node.expression
    return isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) \
        and node.func.attr.value in REQUEST_METHODS
