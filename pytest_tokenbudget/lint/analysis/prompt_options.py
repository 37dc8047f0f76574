"""A request text that is one of several candidates, each asking the same thing (for TB501).

A prompt built by a method with two returns (``if markers: return f"...Return ONLY valid
JSON..." else: return "...Format the output as JSON..."``) resolves to a
:class:`~.values.Text` whose hole carries the candidates as ``options`` (:func:`.values.choice`);
the static text around the hole is only what every candidate shares, often nothing.
:func:`every_option` answers whether some such choice in the request's system prompt or user
messages satisfies a test in *every* candidate: then the request asks it whichever is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from pytest_tokenbudget.lint.analysis.values import Hole, Text
from pytest_tokenbudget.lint.types import CallSite

__all__ = ["every_option"]

_ROLES = frozenset({"user", "system"})


def every_option(call: CallSite, test: Callable[[str], bool]) -> bool:
    """Whether a choice of texts in the request passes ``test`` in each of its candidates."""
    for value in _texts(call):
        for hole in _choices(value, 0):
            texts = [_static(o) for o in hole.options]
            if texts and all(test(t) for t in texts):
                return True
    return False


def _texts(call: CallSite) -> Iterator[Any]:
    yield from _content(call.get("system", None))
    messages = call.get("messages", None)
    if isinstance(messages, (list, tuple)):
        for msg in messages:
            if isinstance(msg, dict) and isinstance(msg.get("role"), str) and msg["role"] in _ROLES:
                yield from _content(msg.get("content"))


def _content(content: Any) -> Iterator[Any]:
    if isinstance(content, Text):
        yield content
    elif isinstance(content, (list, tuple)):
        for block in content:
            if isinstance(block, dict) and isinstance(block.get("text"), Text):
                yield block["text"]


def _choices(value: Any, depth: int) -> Iterator[Hole]:
    if not isinstance(value, Text) or depth > 4:
        return
    for part in value.parts:
        if isinstance(part, Hole) and part.options:
            yield part
            for option in part.options:
                yield from _choices(option, depth + 1)


def _static(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Text):
        return "".join(p for p in value.parts if isinstance(p, str))
    return ""
