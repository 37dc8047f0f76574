"""Prompt helpers for rules: the request as ordered blocks (tools -> system -> messages).

Prompt caching covers "tools, system, and messages (in that order) up to and including the block
designated with cache_control", so rules about caching reason over this block sequence:
:func:`request_blocks` lists it, :func:`static_prefix` measures the fully static prefix, and
:func:`breakpoints` finds the ``cache_control`` markers.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_tokenbudget.core.tokens import estimate_tokens
from pytest_tokenbudget.lint.types import CallSite
from pytest_tokenbudget.lint.analysis.values import (OpenDict, Text, Unknown, is_complete, iter_texts, static_text,
                                                     volatile_parts)

if TYPE_CHECKING:
    from pytest_tokenbudget.core.catalog import ModelInfo

__all__ = ["Block", "Blocks", "caches", "request_blocks", "sends_tools", "static_prefix", "prefix_tokens",
           "instruction_text", "final_instruction_text", "tool_json", "ToolOverhead", "tool_overhead"]

_SKIP_KEYS = frozenset({"cache_control", "type", "role"})


@dataclass
class Block:
    """One cacheable unit: a tool, a system block, or a message content block."""

    section: str  # "tools" | "system" | "messages"
    value: Any
    complete: bool  # fully static
    cache_control: bool | None  # True: marked; False: definitely not; None: cannot tell
    message_index: int | None = None
    role: str | None = None
    opaque: bool = False  # tools the linter cannot see (request_blocks(opaque_tools=True))

    @property
    def text(self) -> str:
        """What the model reads of the block: a tool definition as its JSON (keys, types and all:
        the API renders tools as JSON schema), any other block as its text."""
        if self.section == "tools" and isinstance(self.value, dict):
            return tool_json(self.value)
        return "".join(iter_texts(self.value, skip_keys=_SKIP_KEYS))


def _static(value: Any) -> Any:
    """``value`` with only what is known: a text's static parts; an unknown value is null."""
    if isinstance(value, (str, Text)):
        return static_text(value)
    if isinstance(value, dict):
        return {str(k): _static(v) for k, v in value.items() if k != "cache_control"}
    if isinstance(value, (list, tuple)):
        return [_static(v) for v in value if not isinstance(v, Unknown)]
    if isinstance(value, Unknown) or not isinstance(value, (int, float, bool)) and value is not None:
        return None
    return value


def tool_json(tool: dict[Any, Any]) -> str:
    """A tool definition as the JSON the API renders into the prompt (static parts only)."""
    return json.dumps(_static(tool), ensure_ascii=False)


@dataclass
class Blocks:
    """The request's blocks; ``complete`` is False when some part of the sequence is unknown
    (an unresolved ``messages`` / ``tools`` / ``system``, ``*history`` ...): blocks after
    ``items`` may exist and may carry ``cache_control``."""

    items: list[Block]
    complete: bool
    top_level_cache: bool | None  # the top-level cache_control= argument

    @property
    def may_have_cache_control(self) -> bool:
        if self.top_level_cache is not False or not self.complete:
            return True
        return any(b.cache_control is not False for b in self.items)

    @property
    def marked(self) -> list[int]:
        """Indexes of blocks that definitely carry cache_control."""
        return [i for i, b in enumerate(self.items) if b.cache_control]


def _cc(block: Any) -> bool | None:
    if isinstance(block, dict):
        if "cache_control" in block:
            v = block["cache_control"]
            return None if isinstance(v, Unknown) else v is not None
        return None if isinstance(block, OpenDict) else False
    if isinstance(block, (str, Text)):
        return False
    return None


def _content_blocks(section: str, content: Any, out: list[Block], *, index: int | None, role: str | None) -> bool:
    """Append blocks of one content value; False if the structure is unknown."""
    if isinstance(content, (str, Text)):
        out.append(Block(section, content, isinstance(content, str), False, index, role))
        return True
    if isinstance(content, list):
        for item in content:
            if isinstance(item, Unknown):
                return False
            out.append(Block(section, item, is_complete(item), _cc(item), index, role))
        return True
    if isinstance(content, Unknown) and section == "messages":
        # An unresolved message content is taken to be the user's text (no marker). Documented
        # assumption: a content block list built elsewhere with cache_control is not seen (TB101 asks
        # whether the function building the request marks a list: ..marker_neighbours.marked_where_built).
        out.append(Block(section, content, False, False, index, role))
        return True
    return False


def _tool_blocks(tools: Any, items: list[Block], opaque: bool, smallest: bool = False) -> bool:
    """Append the tool blocks; False when the tools cannot be listed. With ``opaque``, an unresolved
    tool list (or ``*more`` in one) is one block the linter cannot see, and the request goes on.
    With ``smallest``, one of several known lists counts as the smallest of them (a lower bound)."""
    for t in tools if isinstance(tools, list) else [tools]:
        if smallest and isinstance(tools, list) and (least := _smallest_tools(t)):
            items.extend(Block("tools", one, is_complete(one), _cc(one)) for one in least)
            continue
        if isinstance(t, Unknown) or not isinstance(tools, list):
            if not opaque:
                return False
            marks = {_cc(one) for o in _tool_options(t) for one in o}  # one of several known lists
            items.append(Block("tools", t, False, (None if None in marks else True in marks) if marks else None,
                               opaque=True))
            continue
        items.append(Block("tools", t, is_complete(t), _cc(t)))
    return True


def request_blocks(call: CallSite, *, opaque_tools: bool = False, smallest_tools: bool = False) -> Blocks:
    """The call's tools, system and messages as an ordered block list.

    An unresolved tool list (``tools=get_tools()``) ends the list, unless ``opaque_tools``: then it is
    one :attr:`Block.opaque` block and the system and messages after it are still listed (TB101
    takes the tool list to be the same on every call, as tool definitions almost always are).
    ``smallest_tools``: a tool list picked between known lists lists the smallest (the estimate's
    lower bound).
    """
    items: list[Block] = []
    top = call.get("cache_control", None)
    top_level: bool | None = None if isinstance(top, Unknown) else (top is not None)
    extra = call.get("extra_body", None)
    if isinstance(extra, dict) and "cache_control" in extra:
        top_level = True
    elif extra is not None and not isinstance(extra, dict):
        top_level = None if top_level is False else top_level
    elif isinstance(extra, OpenDict) and top_level is False:
        top_level = None
    tools = call.get("tools", None)
    if tools is not None and not _tool_blocks(tools, items, opaque_tools, smallest_tools):
        return Blocks(items, False, top_level)
    system = call.get("system", None)
    if system is not None and not _content_blocks("system", system, items, index=None, role="system"):
        return Blocks(items, False, top_level)
    messages = call.get("messages", None)
    if messages is None:
        return Blocks(items, not call.open_kwargs, top_level)
    if not isinstance(messages, list):
        return Blocks(items, False, top_level)
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or isinstance(m, OpenDict):
            return Blocks(items, False, top_level)
        role = m.get("role")
        role_s = role if isinstance(role, str) else None
        if "cache_control" in m:  # a marker on the message itself (not valid API, but be safe)
            return Blocks(items, False, top_level)
        if not _content_blocks("messages", m.get("content"), items, index=i, role=role_s):
            return Blocks(items, False, top_level)
    return Blocks(items, not any(b.opaque and b.cache_control is None for b in items), top_level)


def caches(blocks: Blocks, wrapper: Blocks | None = None) -> bool:
    """Whether a request may write the cache. ``wrapper`` is the wrapper's own view of a request
    whose values a caller gives (:mod:`.callerargs`): where the wrapper sets a marker from a
    parameter (``**({"cache_control": ...} if cache_system else {})``: a block that may carry one) and
    this caller's request carries none on any block it shows, the caller switched caching off; the
    request parts neither view shows (a history) are taken to follow the same switch."""
    if blocks.marked or blocks.top_level_cache:
        return True
    if wrapper is not None and blocks.top_level_cache is False and blocks.items \
            and any(b.cache_control is None for b in wrapper.items) \
            and all(b.cache_control is False for b in blocks.items):
        return False
    return blocks.may_have_cache_control


def static_prefix(blocks: Blocks) -> list[Block]:
    """The leading blocks that are fully static (identical on every call). Tool definitions are
    taken to be the same on every call, as they almost always are (built once, with a setting or
    two filled in): an opaque tool block is left out (its size is not known), and a tool with a
    run-time value inside (``"default": self.timeout``) counts by its static parts, unless the
    value changes on every call (the time, a uuid)."""
    out = []
    for b in blocks.items:
        if b.opaque:  # one of several known tool lists: the smallest counts (a lower bound)
            out.extend(Block("tools", t, is_complete(t), _cc(t)) for t in _smallest_tools(b.value))
            continue
        if not b.complete and not (b.section == "tools" and not any(volatile_parts(b.value))):
            break
        out.append(b)
    return out


def _tool_options(value: Any) -> list[tuple[Any, ...]]:
    """The options of a tool list's :class:`.values.Alternatives` tail when every option is a list of
    tool definitions (counted by their static parts, as a tool with a setting inside is); else []."""
    options = list(getattr(value, "options", ()))
    return options if all(isinstance(t, dict) and not any(volatile_parts(t)) for o in options for t in o) else []


def _smallest_tools(value: Any) -> tuple[Any, ...]:
    """The smallest of :func:`_tool_options` (``()`` for any other unknown)."""
    return min(_tool_options(value), key=lambda o: sum(len(tool_json(t)) for t in o), default=())


@dataclass(frozen=True)
class ToolOverhead:
    """What the API adds to a request that sends tools, beyond their JSON: the tool-use system prompt
    (``system``, None when the model's is not published) and, for each Anthropic-defined tool
    (``{"type": "text_editor_20250124", "name": ...}``, a stub), the tool's own definition."""

    system: int | None = None
    model: ModelInfo | None = None

    def tokens(self, blocks: Sequence[Block]) -> int:
        """The tokens added to ``blocks`` (0 when they hold no tool)."""
        if not any(b.section == "tools" for b in blocks):
            return 0
        return (self.system or 0) + sum(n for _, n in self.defined(blocks))

    def defined(self, blocks: Sequence[Block]) -> list[tuple[str, int]]:
        """The Anthropic-defined tools among ``blocks`` whose definition size is known, with that size."""
        if self.model is None:
            return []
        found = []
        for b in blocks:
            kind = b.value.get("type") if b.section == "tools" and isinstance(b.value, dict) else None
            if isinstance(kind, str) and (n := self.model.defined_tool_tokens(kind)):
                found.append((kind, n))
        return found

    def describe(self, blocks: Sequence[Block]) -> str:
        """``"the 346-token tool-use system prompt and the text_editor_20250124 tool's 700-token
        definition"``: what :meth:`tokens` counted, for a message (empty when nothing)."""
        if not any(b.section == "tools" for b in blocks):
            return ""
        parts = [f"the {self.system:,}-token tool-use system prompt"] if self.system else []
        parts += [f"the {kind} tool's {n:,}-token definition" for kind, n in self.defined(blocks)]
        return " and ".join(parts)


def sends_tools(call: CallSite) -> bool:
    """``tools=`` written in the call itself, not chosen by a condition (``tools if tools else NOT_GIVEN``,
    a key set under an ``if``): tools built at run time are then surely sent, and with them the
    tool-use system prompt the API adds."""
    import libcst as cst

    node = call.arg_nodes.get("tools")
    return isinstance(call.node, cst.Call) and not isinstance(node, cst.IfExp) and any(
        a.keyword is not None and a.keyword.value == "tools" for a in call.node.args)


def tool_overhead(info: ModelInfo | None, call: CallSite) -> ToolOverhead:
    """The tool overhead of ``call`` on the model ``info`` (the forced tool-use prompt when
    ``tool_choice`` forces a tool)."""
    if info is None:
        return ToolOverhead()
    return ToolOverhead(info.tool_prompt(forces_tool(call)), info)


def prefix_tokens(blocks: Sequence[Block], overhead: ToolOverhead | None = None) -> int:
    """Estimated tokens of the blocks' text (tiktoken cl100k offline, else chars/4), plus what the
    API adds when the blocks hold a tool (``overhead``: the tool-use system prompt, the definitions
    of Anthropic-defined tools)."""
    if not blocks:
        return 0
    extra = overhead.tokens(blocks) if overhead is not None else 0
    return extra + estimate_tokens("\n".join(b.text for b in blocks))


def forces_tool(call: CallSite) -> bool:
    """``tool_choice`` forces a tool (``{"type": "any"}`` / ``{"type": "tool", ...}``): the API then adds
    a larger tool-use system prompt (the catalog's ``tool-prompt-tokens-forced``)."""
    choice = call.get("tool_choice", None)
    return isinstance(choice, dict) and choice.get("type") in ("any", "tool")


def instruction_text(call: CallSite) -> str:
    """The static text of the system prompt and the user / system messages (what asks the model)."""
    parts: list[str] = []
    system = call.get("system", None)
    if system is not None:
        parts.extend(iter_texts(system, skip_keys=_SKIP_KEYS))
    messages = call.get("messages", None)
    if isinstance(messages, list):
        for m in messages:
            if isinstance(m, dict) and m.get("role") in ("user", "system", "developer"):
                parts.extend(iter_texts(m.get("content"), skip_keys=_SKIP_KEYS))
    return "\n".join(p for p in parts if p)


def final_instruction_text(call: CallSite) -> str:
    """The system prompt and the *last* user message: what the final request asks for (a format asked
    in an earlier turn of the conversation is not what this reply must follow)."""
    parts: list[str] = []
    system = call.get("system", None)
    if system is not None:
        parts.extend(iter_texts(system, skip_keys=_SKIP_KEYS))
    messages = call.get("messages", None)
    if isinstance(messages, list):
        users = [m for m in messages if isinstance(m, dict) and m.get("role") in ("user", "developer")]
        if users:
            parts.extend(iter_texts(users[-1].get("content"), skip_keys=_SKIP_KEYS))
        parts.extend(t for m in messages if isinstance(m, dict) and m.get("role") == "system"
                     for t in iter_texts(m.get("content"), skip_keys=_SKIP_KEYS))
    return "\n".join(p for p in parts if p)
