"""Fix builders: libcst replacements (:class:`~..types.FixSpec`) for the TB101, TB204 and TB205 rules.

Each builder takes the :class:`~.types.CallSite` a rule is reporting on and returns a
:class:`FixSpec`, or ``None`` when the code is not in a shape the fix can rewrite without guessing
(a value behind ``**kwargs``, a batch ``params`` dict, a list built elsewhere ...). Rules attach
the result to their :class:`~.types.Report` (``fix=...``); the engine turns it into text edits and
:mod:`.edits` applies them. Formatting and comments are kept: only the replaced nodes change, and
an inserted argument copies the separators (commas, line breaks, indentation) of its neighbours.

Applicability (ruff's meaning: "unsafe" may change what the program does):

* TB205 add ``stop_sequences=['</tag>']``: **unsafe** - the response text no longer contains the
  closing tag (and nothing after it), so code that searches for ``</tag>`` in the reply changes.
* TB101 ``system="..."`` -> ``[{"type": "text", "text": ..., "cache_control": {"type":
  "ephemeral"}}]``: safe (same prompt, now cached). When the system prompt is not a string (or the
  static prefix runs into the messages), the top-level ``cache_control={"type": "ephemeral"}``
  (automatic caching, anthropic SDK >= 2.x): **unsafe**, as older SDKs reject the argument.
* TB204 lower ``max_tokens`` to the short-answer limit: **unsafe** (a longer answer is cut off).

libcst is imported at the top of this module: rules import it inside ``check``, when a fix
is built, so that warm runs served from the cache never load libcst.
"""

from __future__ import annotations

from typing import Any

import libcst as cst
from libcst._nodes.internal import CodegenState

from pytest_tokenbudget.lint.types import CallSite, FixSpec
from pytest_tokenbudget.lint.analysis.values import Text

__all__ = ["stop_sequence_fix", "lower_max_tokens_fix", "cache_control_fix", "add_keyword"]

_EPHEMERAL = '{"type": "ephemeral"}'


def _expr(code: str) -> cst.BaseExpression:
    return cst.parse_expression(code)


def _call_node(call: CallSite) -> cst.Call | None:
    """The call whose keywords can be edited (not a batch ``params`` dict)."""
    if call.batch or not isinstance(call.node, cst.Call):
        return None
    return call.node


def _has_block_indent(node: Any) -> bool:
    if isinstance(node, cst.ParenthesizedWhitespace) and node.indent:
        return True
    return any(_has_block_indent(c) for c in node.children)


_WHITESPACE_NODES = (cst.SimpleWhitespace, cst.ParenthesizedWhitespace, cst.TrailingWhitespace, cst.Newline,
                     cst.Comment, cst.EmptyLine)


class _IndentRecorder(CodegenState):
    """Renders a node and notes, for every line break that takes the block's indentation, the first
    node written after it and the text (the line's own extra indentation) emitted before that node."""

    def __init__(self) -> None:
        super().__init__(default_indent="    ", default_newline="\n")
        self.mark: int | None = None
        self.found: list[tuple[Any, str]] = []

    def add_indent_tokens(self) -> None:
        super().add_indent_tokens()
        self.mark = len(self.tokens)

    def before_codegen(self, node: Any) -> None:
        if self.mark is not None and not isinstance(node, _WHITESPACE_NODES):
            self.found.append((node, "".join(self.tokens[self.mark:])))
            self.mark = None


def _block_indent(node: Any, call: CallSite) -> str | None:
    """The indentation of the block ``node`` sits in, measured on a line that starts inside it."""
    rec = _IndentRecorder()
    try:
        node._codegen(rec)
    except Exception:  # pragma: no cover - libcst internals
        return None
    for first, extra in rec.found:
        try:
            col = call.range(first).column
        except Exception:
            continue
        n = col - 1 - len(extra)
        if n >= 0 and not extra.strip():
            return " " * n
    return None


class _Absolute(cst.CSTTransformer):
    """Make every line break's indentation absolute, so the node renders right on its own."""

    def __init__(self, indent: str) -> None:
        self.indent = indent

    def leave_ParenthesizedWhitespace(self, original: Any, updated: Any) -> Any:
        if not updated.indent:
            return updated
        return updated.with_changes(indent=False,
                                    last_line=cst.SimpleWhitespace(self.indent + updated.last_line.value))


def _standalone(old: Any, new: Any, call: CallSite) -> Any:
    """``new`` (replacing ``old``) made to render with the right indentation out of its block.

    The engine renders a replacement node by itself, where libcst no longer knows the block's
    indentation; multi-line replacements get it written in. None when it cannot be measured.
    """
    if getattr(new, "lpar", None):
        new = new.with_changes(lpar=[], rpar=[])  # the old node's parentheses stay in the source
    if not _has_block_indent(new):
        return new
    indent = _block_indent(old, call)
    if indent is None:
        return None
    return new.visit(_Absolute(indent))


def _separator(between: Any, opening: Any) -> cst.Comma:
    """A comma followed by the whitespace the list already uses between items (comments dropped)."""
    ws = between if between is not None else opening
    if isinstance(ws, cst.ParenthesizedWhitespace):
        ws = ws.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[])
    elif not isinstance(ws, cst.SimpleWhitespace) or between is None:
        ws = cst.SimpleWhitespace(" ")
    return cst.Comma(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=ws)


def add_keyword(node: cst.Call, name: str, value: cst.BaseExpression) -> cst.Call:
    """``node`` with ``name=value`` appended as its last argument, in the call's own layout.

    A one-line call gets ``, name=value``; a call with one argument per line gets a new line with
    the same indentation (the separator is copied from the arguments' commas, without their
    comments), and a trailing comma or the line break before ``)`` stays at the end.
    """
    new_arg = cst.Arg(value=value, keyword=cst.Name(name),
                      equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                            whitespace_after=cst.SimpleWhitespace("")))
    args = list(node.args)
    if not args:
        return node.with_changes(args=[new_arg])
    last = args[-1]
    between = args[-2].comma.whitespace_after if len(args) >= 2 and isinstance(args[-2].comma, cst.Comma) else None
    sep = _separator(between, node.whitespace_before_args)
    args[-1] = last.with_changes(comma=sep, whitespace_after_arg=cst.SimpleWhitespace(""))
    args.append(new_arg.with_changes(comma=last.comma, whitespace_after_arg=last.whitespace_after_arg))
    return node.with_changes(args=args)


def _append_element(node: cst.List, value: cst.BaseExpression) -> cst.List:
    elems = list(node.elements)
    if not elems:
        return node.with_changes(elements=[cst.Element(value)])
    last = elems[-1]
    between = elems[-2].comma.whitespace_after if len(elems) >= 2 and isinstance(elems[-2].comma, cst.Comma) else None
    elems[-1] = last.with_changes(comma=_separator(between, node.lbracket.whitespace_after))
    elems.append(cst.Element(value, comma=last.comma))
    return node.with_changes(elements=elems)


def _quote_of(node: Any) -> str:
    """The quote character the code around ``node`` uses (double quotes when it cannot tell)."""
    if isinstance(node, cst.SimpleString) and node.quote in ('"', "'"):
        return node.quote
    for child in getattr(node, "children", ()):
        q = _quote_of(child)
        if q:
            return q
    return ""


def _string(text: str, like: Any = None) -> cst.SimpleString:
    q = _quote_of(like) or '"'
    if q in text or "\\" in text:
        return cst.SimpleString(repr(text))
    return cst.SimpleString(f"{q}{text}{q}")


def stop_sequence_fix(call: CallSite, closing: str) -> FixSpec | None:
    """TB205: add ``closing`` (e.g. ``"</answer>"``) to the call's stop sequences.

    No ``stop_sequences`` (OpenAI: ``stop``) argument: one is added with ``[closing]``. A list
    literal written in the call: ``closing`` is appended. Anything else: no fix.
    """
    key = "stop" if call.sdk == "openai" else "stop_sequences"
    node = _call_node(call)
    if node is None:
        return None
    desc = f"add {closing!r} to {key}"
    existing = call.arg_nodes.get(key)
    if existing is None:
        if call.has(key) or call.open_kwargs:
            return None  # supplied by ** or written where we cannot edit
        new = _standalone(node, add_keyword(node, key, cst.List([cst.Element(_string(closing, node))])), call)
        return FixSpec(desc, ((node, new),), "unsafe") if new is not None else None
    if isinstance(existing, cst.List) and all(isinstance(e, cst.Element) for e in existing.elements):
        new = _standalone(existing, _append_element(existing, _string(closing, existing)), call)
        return FixSpec(desc, ((existing, new),), "unsafe") if new is not None else None
    return None


def lower_max_tokens_fix(call: CallSite, limit: int) -> FixSpec | None:
    """TB204: replace an integer literal ``max_tokens`` by ``limit`` (unsafe: longer answers are cut)."""
    node = None
    for key in ("max_tokens", "max_completion_tokens"):
        if key in call.arg_nodes:
            node = call.arg_nodes[key]
            break
    if not isinstance(node, cst.Integer):
        return None  # a constant or a parameter: lowering it here would change other callers
    return FixSpec(f"lower max_tokens to {limit}", ((node, cst.Integer(str(limit))),), "unsafe")


def cache_control_fix(call: CallSite, *, prefix_sections: tuple[str, ...] | None = None) -> FixSpec | None:
    """TB101: cache the static prefix.

    ``system`` written as a string (literal, constant, f-string ...) and the prefix not reaching
    into the messages: the system becomes one text block with ``cache_control`` (safe). Otherwise,
    for the Anthropic SDK, a top-level ``cache_control={"type": "ephemeral"}`` argument (automatic
    caching, SDK 2.x; unsafe since older SDKs reject it). ``prefix_sections`` are the sections the
    cacheable prefix spans (``"tools"``, ``"system"``, ``"messages"``), when the rule knows them.
    """
    if call.sdk != "anthropic":
        return None
    system_node = call.arg_nodes.get("system")
    system = call.get("system", None)
    reaches_messages = prefix_sections is not None and "messages" in prefix_sections
    if system_node is not None and isinstance(system, (str, Text)) and not reaches_messages:
        value = _expr('[{"type": "text", "text": __TB_TEXT__, "cache_control": ' + _EPHEMERAL + "}]")
        inner = system_node.with_changes(lpar=[], rpar=[]) if getattr(system_node, "lpar", None) else system_node
        value = _standalone(system_node, value.visit(_Substitute("__TB_TEXT__", inner)), call)
        if value is None:
            return None
        return FixSpec("make the system prompt a cached text block", ((system_node, value),), "safe")
    node = _call_node(call)
    if node is None or call.has("cache_control") or call.open_kwargs:
        return None
    new = _standalone(node, add_keyword(node, "cache_control", _expr(_EPHEMERAL)), call)
    if new is None:
        return None
    return FixSpec("add cache_control={'type': 'ephemeral'} (automatic prompt caching)", ((node, new),), "unsafe")


class _Substitute(cst.CSTTransformer):
    def __init__(self, name: str, replacement: Any) -> None:
        self.name = name
        self.replacement = replacement

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> Any:
        return self.replacement if original.value == self.name else updated
