"""Stop sequences a project configures beside the values a call does read.

Real code keeps request settings together: a pydantic ``BaseSettings`` or a dataclass with
``model``, ``max_tokens`` and ``stop_sequences``; a config dict; a config module of constants. A
call that reads ``settings.model`` and ``settings.max_tokens`` but never ``settings.stop_sequences``
drops a stop sequence its author configured. :func:`configured_stops` finds such a value: for each
object the call reads an argument from (``settings.model`` -> ``settings``; ``CONFIG["model"]`` ->
``CONFIG``; ``config.MODEL`` -> the module ``config``), it resolves the same object's stop-sequence
member (``stop_sequences`` / ``STOP_SEQUENCES`` / ``stop_sequence``; ``stop`` for the OpenAI-style
API) with the call's own resolver and project index. Only a fully known string or list of strings
counts; a ``default_factory``, an environment variable without a default or a computed value stays
unknown (silent).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import libcst as cst

from pytest_tokenbudget.lint.analysis.values import is_complete

__all__ = ["ConfiguredStops", "configured_stops", "MEMBER_NAMES", "read_forms"]

MEMBER_NAMES = ("stop_sequences", "STOP_SEQUENCES", "stop_sequence", "STOP_SEQUENCE")
_OPENAI_NAMES = ("stop", "STOP")
_EMPTY = cst.Module(body=[])


@dataclass(frozen=True)
class ConfiguredStops:
    expr: str  # how the call would read it: ``settings.stop_sequences`` / ``CONFIG["stop_sequences"]``
    member: str  # the member's name
    stops: tuple[str, ...]
    value: Any  # the resolved value (its origin, when it comes from another module, is known to crossref)


def _containers(call: Any) -> list[tuple[Any, bool]]:
    """(object node, read by subscript) for each argument read as ``obj.attr`` / ``obj["key"]``."""
    out: list[tuple[Any, bool]] = []
    seen: set[str] = set()
    for name, node in call.arg_nodes.items():
        if name in ("messages", "system", "tools") or node is None:
            continue
        if isinstance(node, cst.Attribute):
            obj, by_key = node.value, False
        elif isinstance(node, cst.Subscript) and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index) \
                and isinstance(node.slice[0].slice.value, cst.SimpleString):
            obj, by_key = node.value, True
        else:
            continue
        code = _EMPTY.code_for_node(obj)
        if code not in seen:
            seen.add(code)
            out.append((obj, by_key))
    return out


def _member(obj: Any, name: str, by_key: bool) -> Any:
    if by_key:
        return cst.Subscript(value=obj, slice=[cst.SubscriptElement(cst.Index(cst.SimpleString(f'"{name}"')))])
    return cst.Attribute(value=obj, attr=cst.Name(name))


def _stops(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, str) and value:
        return (value,)
    if isinstance(value, (list, tuple)) and value and is_complete(value) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def configured_stops(call: Any) -> ConfiguredStops | None:
    """The stop sequences configured on an object ``call`` reads other arguments from, or None."""
    if call.scope is None or call.has("stop_sequences") or call.has("stop"):
        return None
    from pytest_tokenbudget.lint.analysis.resolve import Resolver

    resolver = Resolver()
    names = MEMBER_NAMES + (_OPENAI_NAMES if call.sdk == "openai" else ())
    for obj, by_key in _containers(call):
        for name in names:
            node = _member(obj, name, by_key)
            value = resolver.expr(node, call.scope)
            stops = _stops(value)
            if stops is not None:
                return ConfiguredStops(_EMPTY.code_for_node(node), name, stops, value)
    return None


def read_forms(member: str) -> tuple[str, ...]:
    """Texts that read ``member`` somewhere (``x.stop_sequences``, ``cfg["stop_sequences"]``,
    ``cfg.get("stop_sequences")``, ``from config import STOP_SEQUENCES``, ``stop=STOP_SEQUENCES``):
    a project that says none of them never passes the configured value to any call."""
    return (f".{member}", f'["{member}"]', f"['{member}']", f'get("{member}"', f"get('{member}'",
            f"import {member}", f", {member}", f"({member}", f"={member}", f"= {member}")
