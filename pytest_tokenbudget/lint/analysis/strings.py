"""Strings the resolver builds: literal values, f-strings, ``str.format`` and ``sep.join`` with
their unknown fields kept as holes (mixed into :class:`.resolve.Resolver`)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import libcst as cst

from pytest_tokenbudget.lint.analysis.scopes import Scope
from pytest_tokenbudget.lint.analysis.values import DAILY, UNKNOWN, Hole, Text, Unknown, container_text
from pytest_tokenbudget.lint.analysis.volatile import formatted_field

__all__ = ["TextOps", "map_text", "replace_text", "string_value"]

_FSTRING_TEXT = re.compile(
    r"\{\{|\}\}|\\(?:\n|[\\'\"abfnrtv]|[0-7]{1,3}|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|N\{[^{}]*\})")

_SIMPLE_ESCAPES = {"\n": "", "\\": "\\", "'": "'", '"': '"', "a": "\a", "b": "\b", "f": "\f", "n": "\n",
                   "r": "\r", "t": "\t", "v": "\v"}


def string_value(node: cst.BaseString) -> Any:
    """The literal's value (UNKNOWN for bytes). A literal with no escape to decode is its text between
    the quotes; libcst's ``evaluated_value`` runs :func:`ast.literal_eval` (a parse, and a garbage
    cycle of closures) for each of the ~19,000 literals a run over a large tree reads."""
    if isinstance(node, cst.SimpleString):
        prefix = node.prefix.lower()
        body = node.value[len(node.prefix) + len(node.quote):-len(node.quote)]
        if "b" not in prefix and "\r" not in body and ("r" in prefix or "\\" not in body):
            return body
    try:
        v = node.evaluated_value
    except Exception:
        return UNKNOWN
    return v if isinstance(v, str) else UNKNOWN


def _spec_text(spec: Any) -> Any:
    """An f-string field's format spec as text (None when it has none, UNKNOWN when it has fields)."""
    if not spec:
        return None
    return "".join(p.value for p in spec) if all(isinstance(p, cst.FormattedStringText) for p in spec) else UNKNOWN


def _fstring_text(raw: str, prefix: str) -> str:
    """The value of one static part of an f-string, as Python evaluates it: ``{{`` / ``}}`` are
    braces and, unless the prefix has ``r``, backslash escapes are decoded (an unknown escape keeps
    its backslash, as in Python)."""
    is_raw = "r" in prefix.lower()

    def one(m: re.Match[str]) -> str:
        tok = m.group(0)
        if tok in ("{{", "}}"):
            return tok[0]
        if is_raw:
            return tok
        body = tok[1:]
        if body in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[body]
        if body[0] in "xuU":
            return chr(int(body[1:], 16)) if int(body[1:], 16) <= 0x10FFFF else tok
        if body[0] == "N":
            try:
                return unicodedata.lookup(body[2:-1])
            except KeyError:
                return tok
        return chr(int(body, 8))

    return _FSTRING_TEXT.sub(one, raw)

def map_text(t: Text, fn) -> Any:
    """Apply a whole-string transform (dedent) to a Text, keeping its holes in place."""
    marker = "\x00"
    holes = [p for p in t.parts if isinstance(p, Hole)]
    joined = "".join(p if isinstance(p, str) else marker for p in t.parts)
    if marker in "".join(p for p in t.parts if isinstance(p, str)):
        return t
    done = fn(joined)
    pieces = done.split(marker)
    out: list[Any] = []
    for i, piece in enumerate(pieces):
        out.append(piece)
        if i < len(holes):
            out.append(Unknown(holes[i].volatile, holes[i].node))
    return Text.join(*out)


def _declared(node: Any, scope: Scope, value: Any, passed: Any = ()) -> str | Text | None:
    """An unknown field whose declaration bounds it (a ``Literal`` or a label default:
    :mod:`.short_fields`), as a hole with options or a size bound. ``passed`` holds the
    ``(id(function scope), parameter)`` keys a caller gives a value (a resolver's ``overrides``):
    a label default says nothing of what a caller passes instead."""
    if node is None or not isinstance(value, Unknown) or value.volatile:
        return None
    from pytest_tokenbudget.lint.analysis.short_fields import field_value

    found = field_value(node, scope, passed)
    return found if isinstance(found, (str, Text)) else None


class TextOps:
    """The string-building half of the resolver; ``self._expr`` is the resolver's evaluator."""

    def _expr(self, node: Any, scope: Scope, depth: int) -> Any:  # pragma: no cover - provided by Resolver
        raise NotImplementedError

    def _project_call(self, target: Any, node: cst.Call, scope: Scope, depth: int, local: str | None = None) -> Any:
        """A project function's value for this call (``local``: one defined in this file): its pinned
        arguments decide its branches or fill its template (:mod:`.helper_args`)."""
        from pytest_tokenbudget.lint.analysis.helper_args import called_with

        return called_with(target, node, lambda n: self.expr(n, scope, depth + 1), local)

    def _fstring(self, node: cst.FormattedString, scope: Scope, depth: int) -> Any:
        parts: list[Any] = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                parts.append(_fstring_text(part.value, node.prefix))
            elif isinstance(part, cst.FormattedStringExpression):
                v = self.expr(part.expression, scope, depth + 1)
                if part.conversion is None and part.format_spec is None and isinstance(v, (str, int)) \
                        and not isinstance(v, bool):
                    parts.append(str(v))
                elif formatted_field(v, _spec_text(part.format_spec)) is DAILY:
                    parts.append(DAILY)  # f"{today}", f"{now:%Y-%m-%d}": the same all day
                elif isinstance(v, Unknown):
                    parts.append(_declared(part.expression, scope, v, getattr(self, "overrides", ()))
                                 or Unknown(v.volatile, part.expression))
                elif isinstance(v, Text):
                    parts.append(v)
                elif part.format_spec is None and part.conversion in (None, "s", "r") \
                        and (shown := container_text(v)) is not None:
                    parts.append(shown)
                else:
                    parts.append(Unknown(None, part.expression))
        return Text.join(*parts) if parts else ""

    def _format(self, template: str | Text, node: cst.Call, scope: Scope, depth: int) -> Any:
        pos = [self.expr(a.value, scope, depth + 1) for a in node.args if a.keyword is None and not a.star]
        kw = {a.keyword.value: self.expr(a.value, scope, depth + 1) for a in node.args if a.keyword is not None}
        kw_nodes = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
        if any(a.star for a in node.args):
            kw_open = True
        else:
            kw_open = False
        parts = template.parts if isinstance(template, Text) else (template,)
        out: list[Any] = []
        auto = 0
        import string

        fmt = string.Formatter()
        for p in parts:
            if not isinstance(p, str):
                out.append(Unknown(p.volatile, p.node))
                continue
            try:
                parsed = list(fmt.parse(p))
            except ValueError:
                return Text.join(UNKNOWN)
            for literal, fname, spec, conv in parsed:
                out.append(literal)
                if fname is None:
                    continue
                key = fname.split(".", 1)[0].split("[", 1)[0]
                if key == "":
                    value = pos[auto] if auto < len(pos) else UNKNOWN
                    auto += 1
                elif key.isdigit():
                    i = int(key)
                    value = pos[i] if i < len(pos) else UNKNOWN
                else:
                    value = kw.get(key, UNKNOWN)
                if kw_open and key not in kw:
                    value = UNKNOWN
                simple = key == fname and not spec and not conv
                if simple and isinstance(value, (str, int)) and not isinstance(value, bool):
                    out.append(str(value))
                elif isinstance(value, Text) and simple:
                    out.append(value)
                else:
                    bounded = _declared(kw_nodes.get(key), scope, value, getattr(self, "overrides", ())) if simple else None
                    out.append(bounded or (value if isinstance(value, Unknown) else UNKNOWN))
        return Text.join(*out)

    def _join(self, sep: str | Text, node: cst.Call, scope: Scope, depth: int) -> Any:
        if len(node.args) != 1 or not isinstance(sep, str):
            return UNKNOWN
        items = self.expr(node.args[0].value, scope, depth + 1)
        if not isinstance(items, list):
            return Text.join(UNKNOWN)
        pieces: list[Any] = []
        for i, it in enumerate(items):
            if i:
                pieces.append(sep)
            pieces.append(it if isinstance(it, (str, Text, Unknown)) else UNKNOWN)
        return Text.join(*pieces) if pieces else ""


def replace_text(base: str | Text, old: str, new: Any) -> str | Text:
    """``base.replace(old, new)`` on static text; an unknown ``new`` becomes a hole."""
    if not isinstance(new, (str, Text, Unknown)):
        new = UNKNOWN
    items: list[Any] = []
    for part in (base.parts if isinstance(base, Text) else (base,)):
        if not isinstance(part, str):
            items.append(Text((part,)))
            continue
        for i, piece in enumerate(part.split(old)):
            items.extend((new, piece) if i else (piece,))
    return Text.join(*items)
