"""The static input of one request in tokens, and how cache breakpoints split it (best / worst case)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pytest_tokenbudget.core.catalog import TOOL_DATE, ModelInfo
from pytest_tokenbudget.core.text import plural
from pytest_tokenbudget.lint.analysis.prompt import Block, ToolOverhead, prefix_tokens, request_blocks, tool_overhead
from pytest_tokenbudget.lint.analysis.values import OpenDict, Text, Unknown, volatile_parts
from pytest_tokenbudget.lint.types import CallSite

__all__ = ["PromptShape", "prompt_shape"]

_MEDIA_TYPES = frozenset({"image", "document", "file", "image_url", "input_audio", "container_upload"})


@dataclass(frozen=True)
class PromptShape:
    """Token split of one request's static input (see :func:`_prompt_shape`)."""

    total: int
    lower_bound: bool
    unknowns: tuple[str, ...]
    notes: tuple[str, ...]
    read_best: int = 0
    write5_best: int = 0
    write1h_best: int = 0
    write5_worst: int = 0
    write1h_worst: int = 0

    @property
    def uncached_best(self) -> int:
        return max(self.total - self.read_best - self.write5_best - self.write1h_best, 0)

    @property
    def uncached_worst(self) -> int:
        return max(self.total - self.write5_worst - self.write1h_worst, 0)


def _dynamic_parts(value: Any, counts: dict[str, int]) -> None:
    """Count the unresolved pieces of ``value``: f-string holes, unknown values, open dicts."""
    if isinstance(value, Unknown):
        counts["unresolved value"] = counts.get("unresolved value", 0) + 1
    elif isinstance(value, Text):
        if value.holes:
            counts["f-string/format hole"] = counts.get("f-string/format hole", 0) + len(value.holes)
    elif isinstance(value, dict):
        if isinstance(value, OpenDict):
            counts["dict with unresolved ** keys"] = counts.get("dict with unresolved ** keys", 0) + 1
        for k, v in value.items():
            if k != "cache_control":
                _dynamic_parts(v, counts)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _dynamic_parts(v, counts)

def _section_unknowns(call: CallSite) -> list[str]:
    out: list[str] = []
    for section in ("tools", "system", "messages"):
        if not call.has(section):
            if call.open_kwargs:
                out.append(f"{section}: may be passed through **kwargs (not resolved)")
            continue
        value = call.args[section]
        if isinstance(value, Unknown):
            out.append(f"{section}: not resolved (a runtime value)")
            continue
        counts: dict[str, int] = {}
        _dynamic_parts(value, counts)
        if counts:
            out.append(f"{section}: " + ", ".join(plural(n, what) for what, n in counts.items()))
    return out

def _media_unknowns(blocks: Sequence[Block]) -> list[str]:
    out = []
    for b in blocks:
        v = b.value
        if isinstance(v, dict) and v.get("type") in _MEDIA_TYPES:
            where = b.section if b.message_index is None else f"messages[{b.message_index}]"
            out.append(f"{where}: {v.get('type')} content is not estimated")
    return out

def _ttl(value: Any) -> tuple[str, bool]:
    """(ttl, known) of a cache_control value."""
    if isinstance(value, dict):
        ttl = value.get("ttl", "5m")
        if ttl in ("5m", "1h"):
            return ttl, True
        return "5m", False
    return "5m", not isinstance(value, Unknown)

def prompt_shape(call: CallSite, info: ModelInfo | None) -> PromptShape:
    """Static input tokens of ``call`` and how caching splits them in the best and worst case."""
    blocks = request_blocks(call, smallest_tools=True)  # one of several tool lists: the smallest (a lower bound)
    items = blocks.items
    overhead = tool_overhead(info, call)  # added when tools are sent
    total = prefix_tokens(items, overhead)
    unknowns = _section_unknowns(call)
    unknowns += _media_unknowns(items)
    notes: list[str] = []
    tool_unknowns, tool_notes = _tool_notes(call.get("tools", None), items, overhead, info)
    unknowns += tool_unknowns
    notes += tool_notes
    lower = bool(unknowns) or not blocks.complete
    if not blocks.complete and not unknowns:
        unknowns.append("part of the prompt could not be resolved")
    base = dict(total=total, lower_bound=lower, unknowns=tuple(unknowns))

    # ---- cache breakpoints
    marks: list[tuple[int, str]] = []
    for i, b in enumerate(items):
        if b.cache_control and isinstance(b.value, dict):
            ttl, ok = _ttl(b.value.get("cache_control"))
            if not ok:
                notes.append(f"cache_control ttl of block {i + 1} not resolved: priced as 5m")
            marks.append((i, ttl))
    if any(b.cache_control is None for b in items):
        notes.append("some blocks may carry cache_control (not resolved): priced as not marked")
    if blocks.top_level_cache and items:
        ttl, ok = _ttl(call.get("cache_control", None))
        if not ok:
            notes.append("top-level cache_control ttl not resolved: priced as 5m")
        marks.append((len(items) - 1, ttl))
        notes.append("automatic caching (top-level cache_control): best case reads the whole known prompt")
    elif blocks.top_level_cache is None:
        notes.append("top-level cache_control not resolved: priced as not cached")
    if not marks:
        return PromptShape(**base, notes=tuple(notes))
    if call.sdk == "openai":
        notes.append("cache_control ignored: the OpenAI-compatible endpoint does not support prompt caching")
        return PromptShape(**base, notes=tuple(notes))
    if len({i for i, _ in marks}) > 4:
        notes.append("more than 4 cache breakpoints: the API rejects the request (TB103)")
    last = max(i for i, _ in marks)
    prefix_items = items[: last + 1]
    cached = prefix_tokens(prefix_items, overhead)
    prefix_static = all(b.complete for b in prefix_items)
    minimum = info.min_cacheable if info is not None else None
    if info is not None and minimum is None:
        notes.append(f"minimum cacheable length of {info.id} is not in the catalog: assumed cacheable")
    if minimum is not None and cached < minimum:
        if prefix_static:
            notes.append(f"cached prefix (~{cached:,} tokens) is below the {minimum:,}-token minimum of "
                         f"{info.id if info else 'the model'}: the API does not cache it (TB102)")
            return PromptShape(**base, notes=tuple(notes))
        notes.append(f"cached prefix is ≥ {cached:,} tokens; it is cached only if its dynamic parts reach "
                     f"the {minimum:,}-token minimum (best case assumes they do)")
    first_volatile = next((i for i, b in enumerate(prefix_items) if any(True for _ in volatile_parts(b.value))),
                          None)
    readable = [i for i, _ in marks if first_volatile is None or i < first_volatile]
    read_upto = max(readable) if readable else None
    read = prefix_tokens(items[: read_upto + 1], overhead) if read_upto is not None else 0
    if first_volatile is not None:
        notes.append("a value that changes on every call sits in the cached prefix: it is re-written, "
                     "never read, after it (TB104)")
    hour_marks = [i for i, ttl in marks if ttl == "1h"]
    hour_tokens = prefix_tokens(items[: max(hour_marks) + 1], overhead) if hour_marks else 0
    write_best = cached - read
    hour_best = max(hour_tokens - read, 0) if write_best else 0
    return PromptShape(**base, notes=tuple(notes), read_best=read, write1h_best=hour_best,
                   write5_best=write_best - hour_best, write1h_worst=hour_tokens,
                   write5_worst=cached - hour_tokens)


def _tool_notes(tools: Any, items: Sequence[Block], overhead: ToolOverhead,
                info: ModelInfo | None) -> tuple[list[str], list[str]]:
    """What the estimate counted for the tools the request sends, and what it could not count."""
    unknowns: list[str] = []
    notes: list[str] = []
    if not isinstance(tools, list) or not tools:
        return unknowns, notes
    if overhead.system is None or not any(b.section == "tools" for b in items):
        unknowns.append("tools: the tool-use system prompt the API adds (hundreds of tokens) is not counted")
    else:
        notes.append(f"the tool-use system prompt the API adds for {info.id} ({overhead.system:,} tokens) "  # type: ignore[union-attr]
                     "is counted")
    counted = overhead.defined(items)
    notes += [f"the {kind} tool's own definition the API adds for {info.id} ({n:,} tokens) is counted"  # type: ignore[union-attr]
              for kind, n in counted]
    unknowns += [f"tools: the definition the API adds for {t['type']} is not counted" for t in tools
                 if isinstance(t, dict) and isinstance(t.get("type"), str) and TOOL_DATE.search(t["type"])
                 and t["type"] not in {kind for kind, _ in counted}]
    if any(isinstance(t, dict) and isinstance(t.get("type"), str) and t["type"].startswith("web_search")
           for t in tools):
        notes.append("web search is billed on top: $10 per 1,000 searches (not in these figures)")
    return unknowns, notes
