"""Token usage as the APIs report it, read into one exact shape.

Usage is read from responses, never re-tokenised. Anthropic's ``input_tokens`` excludes cache
tokens; OpenAI-style ``prompt_tokens`` includes cached ones (subtracted here). Counts that are not
whole numbers >= 0 raise :class:`MalformedUsageError`: a wrong count is never taken as zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

__all__ = ["MalformedUsageError", "Usage", "merge_message_delta", "usage_from_response", "as_mapping"]


class MalformedUsageError(ValueError):
    """A usage object with missing, negative or non-integer token counts."""


@dataclass(frozen=True)
class Usage:
    """Billable quantities of one API call (or a sum of calls)."""

    input_tokens: int = 0  # uncached input (Anthropic's meaning)
    cache_write_5m_tokens: int = 0
    cache_write_1h_tokens: int = 0
    cache_read_tokens: int = 0
    output_tokens: int = 0
    web_search_requests: int = 0
    web_fetch_requests: int = 0
    service_tier: str | None = None
    speed: str | None = None
    inference_geo: str | None = None
    compaction: tuple[Usage, ...] = ()  # beta usage.iterations of type "compaction", billed on top

    @property
    def cache_write_tokens(self) -> int:
        return self.cache_write_5m_tokens + self.cache_write_1h_tokens

    @property
    def prompt_tokens(self) -> int:
        """All input: uncached + cache writes + cache reads (what a prompt-length tier counts)."""
        return self.input_tokens + self.cache_write_tokens + self.cache_read_tokens

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.output_tokens

    def __add__(self, other: Usage) -> Usage:
        """Field-wise sum; the per-call labels (tier, speed, geo) are kept only when both agree."""
        if not isinstance(other, Usage):
            return NotImplemented
        counts = {f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self) if f.type == "int"}
        labels = {k: getattr(self, k) if getattr(self, k) == getattr(other, k) else None
                  for k in ("service_tier", "speed", "inference_geo")}
        return Usage(**counts, **labels, compaction=self.compaction + other.compaction)


def as_mapping(obj: Any) -> Mapping[str, Any]:
    """A plain mapping from a dict or an SDK (pydantic) usage object."""
    if isinstance(obj, Mapping):
        return obj
    dump = getattr(obj, "model_dump", None)
    if callable(dump):
        return dump()
    if hasattr(obj, "__dict__"):
        return {k: v for k, v in vars(obj).items() if not k.startswith("_")}
    raise MalformedUsageError(f"usage must be a mapping or an SDK usage object, not {type(obj).__name__}")


def _count(m: Mapping[str, Any], key: str, *, required: bool = False) -> int:
    v = m.get(key)
    if v is None:
        if required:
            raise MalformedUsageError(f"usage has no {key!r} (got keys: {', '.join(sorted(m)) or 'none'})")
        return 0
    if isinstance(v, bool) or not isinstance(v, int):
        raise MalformedUsageError(f"usage {key!r} must be a whole number of tokens, got {v!r}")
    if v < 0:
        raise MalformedUsageError(f"usage {key!r} must not be negative, got {v}")
    return v


def _label(m: Mapping[str, Any], key: str) -> str | None:
    v = m.get(key)
    return v if isinstance(v, str) else None


def _anthropic(m: Mapping[str, Any], *, nested: bool = False) -> Usage:
    written = _count(m, "cache_creation_input_tokens")
    split = m.get("cache_creation") or {}
    if not isinstance(split, Mapping):
        split = as_mapping(split)
    w5 = _count(split, "ephemeral_5m_input_tokens")
    w1 = _count(split, "ephemeral_1h_input_tokens")
    if split and written and w5 + w1 != written:
        raise MalformedUsageError(
            f"usage cache_creation split ({w5} 5m + {w1} 1h) does not add up to "
            f"cache_creation_input_tokens ({written})"
        )
    if not (w5 or w1):
        w5 = written  # an unsplit cache write is the default 5-minute TTL
    tools = m.get("server_tool_use") or {}
    if not isinstance(tools, Mapping):
        tools = as_mapping(tools)
    compaction: tuple[Usage, ...] = ()
    if not nested:
        iterations = m.get("iterations") or ()
        compaction = tuple(
            _anthropic(it, nested=True)
            for it in (i if isinstance(i, Mapping) else as_mapping(i) for i in iterations)
            if it.get("type") == "compaction"
        )
    return Usage(
        input_tokens=_count(m, "input_tokens", required=True),
        cache_write_5m_tokens=w5,
        cache_write_1h_tokens=w1,
        cache_read_tokens=_count(m, "cache_read_input_tokens"),
        output_tokens=_count(m, "output_tokens", required=True),
        web_search_requests=_count(tools, "web_search_requests"),
        web_fetch_requests=_count(tools, "web_fetch_requests"),
        service_tier=_label(m, "service_tier"),
        speed=_label(m, "speed"),
        inference_geo=_label(m, "inference_geo"),
        compaction=compaction,
    )


def _openai(m: Mapping[str, Any], prompt_key: str, completion_key: str, details_key: str) -> Usage:
    prompt = _count(m, prompt_key, required=True)
    details = m.get(details_key) or {}
    if not isinstance(details, Mapping):
        details = as_mapping(details)
    cached = _count(details, "cached_tokens")
    if cached > prompt:
        raise MalformedUsageError(f"usage cached_tokens ({cached}) exceeds {prompt_key} ({prompt})")
    return Usage(
        input_tokens=prompt - cached,
        cache_read_tokens=cached,
        output_tokens=_count(m, completion_key, required=True),
        service_tier=_label(m, "service_tier"),
    )


def usage_from_response(obj: Any) -> Usage:
    """Read a usage block: Anthropic Messages, OpenAI chat completions or OpenAI Responses."""
    if isinstance(obj, Usage):
        return obj
    m = as_mapping(obj)
    if "prompt_tokens" in m or "completion_tokens" in m:
        return _openai(m, "prompt_tokens", "completion_tokens", "prompt_tokens_details")
    if "input_tokens_details" in m or "total_tokens" in m:
        return _openai(m, "input_tokens", "output_tokens", "input_tokens_details")
    return _anthropic(m)


_DELTA_OPTIONAL = ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens", "server_tool_use",
                   "output_tokens_details", "iterations")


def merge_message_delta(current: Mapping[str, Any] | None, delta: Mapping[str, Any]) -> dict[str, Any]:
    """Fold a streamed ``message_delta`` usage into the ``message_start`` usage.

    Delta counts are cumulative: ``output_tokens`` overwrites, and each optional count overwrites
    only when present, so the ``message_start`` value survives an omitted field (never summed).
    """
    merged = dict(current or {})
    if "output_tokens" in delta:
        merged["output_tokens"] = delta["output_tokens"]
    for key in _DELTA_OPTIONAL:
        if delta.get(key) is not None:
            merged[key] = delta[key]
    return merged
