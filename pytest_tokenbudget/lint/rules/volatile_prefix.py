"""Which values of a request lie inside its cached prefix (for TB104, ``caching.VolatileCachedPrefix``).

The prefix runs from the tools through the system blocks and the messages up to the last
``cache_control`` marker (with automatic caching, everything but the last message). Tools the linter
cannot enumerate (``cached = list(tools)`` from a caller, a registry's schemas) do not hide the
rest: they come first, so a marker on a system block still caches the system text before it, and a
per-call value there still rewrites the cache on every request. The blocks from the system onward
are then read on their own; a marker that might sit on an unknown tool is never needed for a finding.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from pytest_tokenbudget.lint.analysis.prompt import request_blocks
from pytest_tokenbudget.lint.analysis.values import Unknown
from pytest_tokenbudget.lint.types import CallSite

__all__ = ["cached_prefix_values"]


def cached_prefix_values(call: CallSite) -> list[Any]:
    """The values sent before the last cache breakpoint ([] when the call sets none, or none is known)."""
    out = _scope(call)
    tools = call.get("tools", None)
    unknown_tools = tools is not None and (not isinstance(tools, list) or any(isinstance(t, Unknown) for t in tools))
    if out is None and unknown_tools:
        out = _scope(dataclasses.replace(call, args={k: v for k, v in call.args.items() if k != "tools"}))
    if out is None:
        return []
    for key in ("tools", "system"):  # tools / system resolved to a bare volatile unknown are not in the block list
        v = call.get(key, None)
        if v is not None and not isinstance(v, (list, str)):
            out.append(v)
    return out


def _scope(call: CallSite) -> list[Any] | None:
    blocks = request_blocks(call)
    if blocks.marked:
        return [b.value for b in blocks.items[: blocks.marked[-1] + 1]]
    if blocks.top_level_cache:
        # automatic caching moves the breakpoint forward each turn: the last message may vary
        last_msg = max((b.message_index for b in blocks.items if b.message_index is not None), default=None)
        return [b.value for b in blocks.items if b.message_index is None or b.message_index != last_msg]
    return None
