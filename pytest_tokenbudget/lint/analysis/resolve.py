"""Scopes and argument resolution: an expression -> a value or "unknown" (see :mod:`.values`).

What resolves: literals (numbers with ``_``, strings, implicit concatenation, bytes excluded),
names bound once in the enclosing function / module (or bound several times to the same value),
function parameters to their default, class attributes (``self.X`` / ``Class.X``), ``**{...}``
and dict variables, ``dict(...)``, ``+`` of strings and of numbers, ``*``/``//`` of numbers,
f-strings and ``str.format`` (static parts kept, unknown fields become holes), ``%`` formatting,
``textwrap.dedent`` / ``inspect.cleandoc`` / ``.strip()``, ``sep.join([...])``,
``json.dumps(<known>)``, constant subscripts of known dicts and lists.

Names that are mutated (``x.append``, ``x[k] = v``, ``x.update``) stop being fully known: a list
keeps its known prefix plus one unknown tail item, anything else becomes unknown. Calls of the
time / uuid / random family resolve to an :class:`~.values.Unknown` marked ``volatile``.

Client tracing uses the same machinery: ``anthropic.Anthropic(...)`` resolves to a
:class:`ClientRef`; names, ``self.attr`` and annotated parameters follow it.
"""

from __future__ import annotations

import inspect
import json
import re
import textwrap
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from pytest_tokenbudget.lint.analysis.values import UNKNOWN, Hole, OpenDict, Text, Unknown, is_complete

__all__ = ["Scope", "ImportRef", "ClientRef", "ClassRef", "Resolver", "Binding", "ANTHROPIC_CLIENTS",
           "OPENAI_CLIENTS"]

ANTHROPIC_CLIENTS = frozenset({
    "Anthropic", "AsyncAnthropic", "AnthropicBedrock", "AsyncAnthropicBedrock", "AnthropicVertex",
    "AsyncAnthropicVertex", "AnthropicFoundry", "AsyncAnthropicFoundry", "AnthropicAWS", "AsyncAnthropicAWS",
    "AnthropicGoogleCloud", "AsyncAnthropicGoogleCloud", "AnthropicBedrockMantle", "AsyncAnthropicBedrockMantle",
    "Client", "AsyncClient",
})
OPENAI_CLIENTS = frozenset({
    "OpenAI", "AsyncOpenAI", "AzureOpenAI", "AsyncAzureOpenAI", "BedrockOpenAI", "AsyncBedrockOpenAI",
    "Client", "AsyncClient",
})

# Calls whose result differs on every call: interpolating them into a cached prefix defeats caching.
_VOLATILE_EXACT = frozenset({
    "time.time", "time.time_ns", "time.monotonic", "time.monotonic_ns", "time.perf_counter",
    "time.perf_counter_ns", "time.strftime", "time.ctime", "time.localtime", "time.gmtime", "time.asctime",
    "datetime.datetime.now", "datetime.datetime.utcnow", "datetime.datetime.today", "datetime.date.today",
    "uuid.uuid1", "uuid.uuid4", "os.urandom", "os.getpid",
})
_VOLATILE_MODULES = ("random.", "secrets.")
_TEXT_METHODS_IDENTITY = frozenset({"strip", "lstrip", "rstrip"})

_MAX_DEPTH = 25


@dataclass(frozen=True)
class ImportRef:
    """An imported module or object, by qualified name (``anthropic.Anthropic``, ``textwrap.dedent``)."""

    qualname: str

    def attr(self, name: str) -> ImportRef:
        return ImportRef(f"{self.qualname}.{name}")

    @property
    def root(self) -> str:
        return self.qualname.split(".", 1)[0]

    @property
    def last(self) -> str:
        return self.qualname.rsplit(".", 1)[-1]


@dataclass(frozen=True)
class ClientRef:
    """An instance of an Anthropic or OpenAI SDK client."""

    sdk: str
    variant: str
    is_async: bool
    has_timeout: bool = False


@dataclass(frozen=True, eq=False)
class ClassRef:
    """A class defined in this file (for ``Class.ATTR`` lookups)."""

    scope: Scope


def client_class(ref: ImportRef) -> tuple[str, str] | None:
    """(sdk, class name) when ``ref`` names an SDK client class."""
    if ref.root == "anthropic" and ref.last in ANTHROPIC_CLIENTS:
        return "anthropic", ref.last
    if ref.root == "openai" and ref.last in OPENAI_CLIENTS:
        return "openai", ref.last
    return None


@dataclass(frozen=True, eq=False)
class Binding:
    """One way a name gets a value in a scope.

    kind: ``assign`` (node = the value expression), ``aug`` (``+=``, node = the value),
    ``import`` (ref = ImportRef), ``param`` (node = the libcst Param), ``def`` (function),
    ``class`` (scope = its ClassScope), ``with`` (node = the context manager expression),
    ``other`` (loop targets, unpacking, except, walrus ...: unknown).
    """

    kind: str
    node: Any = None
    ref: ImportRef | None = None
    scope: Scope | None = None


@dataclass(eq=False)
class Scope:
    """A module, class, function, lambda or comprehension scope."""

    kind: str
    parent: Scope | None
    name: str = ""
    node: Any = None
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    mutated: dict[str, set[str]] = field(default_factory=dict)  # name -> {"append", "setitem", ...}
    globals_: set[str] = field(default_factory=set)
    nonlocals: set[str] = field(default_factory=set)
    # class scopes: attributes assigned as ``self.x = ...`` in its methods
    self_attrs: dict[str, list[Binding]] = field(default_factory=dict)
    # function scopes: the class a method belongs to, and its ``self`` parameter name
    owner_class: Scope | None = None
    self_name: str | None = None
    is_async: bool = False

    def bind(self, name: str, binding: Binding) -> None:
        self.bindings.setdefault(name, []).append(binding)

    def module(self) -> Scope:
        s = self
        while s.parent is not None:
            s = s.parent
        return s

    def qualname(self) -> str | None:
        """``func`` / ``Class.method`` for function scopes (innermost function), else None."""
        s: Scope | None = self
        while s is not None and s.kind not in ("function", "lambda"):
            s = s.parent
        if s is None:
            return None
        names = []
        t: Scope | None = s
        while t is not None and t.kind != "module":
            if t.kind in ("function", "class", "lambda"):
                names.append(t.name)
            t = t.parent
        return ".".join(reversed(names))


def _lookup(name: str, scope: Scope) -> tuple[Scope, list[Binding]] | None:
    """LEGB lookup (class bodies are skipped from inner functions, as in Python)."""
    s: Scope | None = scope
    first = True
    while s is not None:
        if name in s.globals_:
            s = s.module()
            first = False
            continue
        if (first or s.kind != "class") and name in s.bindings and name not in s.nonlocals:
            return s, s.bindings[name]
        first = False
        s = s.parent
    return None


def _string_value(node: cst.BaseString) -> Any:
    try:
        v = node.evaluated_value
    except Exception:
        return UNKNOWN
    return v if isinstance(v, str) else UNKNOWN


_FSTRING_TEXT = re.compile(
    r"\{\{|\}\}|\\(?:\n|[\\'\"abfnrtv]|[0-7]{1,3}|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|N\{[^{}]*\})")
_SIMPLE_ESCAPES = {"\n": "", "\\": "\\", "'": "'", '"': '"', "a": "\a", "b": "\b", "f": "\f", "n": "\n",
                   "r": "\r", "t": "\t", "v": "\v"}


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


class Resolver:
    """Resolves expressions to values in a given scope (memoised per (name, scope))."""

    def __init__(self) -> None:
        self._memo: dict[tuple[int, str], Any] = {}
        self._active: set[tuple[int, str]] = set()

    # ----------------------------------------------------------------- names
    def lookup(self, name: str, scope: Scope) -> tuple[Scope, list[Binding]] | None:
        return _lookup(name, scope)

    def name(self, name: str, scope: Scope, depth: int = 0) -> Any:
        found = _lookup(name, scope)
        if found is None:
            if name == "True":
                return True
            if name == "False":
                return False
            if name == "None":
                return None
            if name in ("dict", "str", "list", "int", "len", "sorted", "tuple"):
                return ImportRef(f"builtins.{name}")
            return UNKNOWN
        where, bindings = found
        key = (id(where), name)
        if key in self._memo:
            return self._memo[key]
        if key in self._active or depth > _MAX_DEPTH:
            return UNKNOWN
        self._active.add(key)
        try:
            value = self._bindings_value(bindings, where, depth)
            value = self._apply_mutation(value, where.mutated.get(name))
        finally:
            self._active.discard(key)
        self._memo[key] = value
        return value

    def _bindings_value(self, bindings: list[Binding], where: Scope, depth: int) -> Any:
        plain = [b for b in bindings if b.kind != "aug"]
        augs = [b for b in bindings if b.kind == "aug"]
        if len(plain) != 1:
            if plain and all(b.kind == "assign" for b in plain) and not augs:
                values = [self.expr(b.node, where, depth + 1) for b in plain]
                if all(is_complete(v) for v in values) and all(v == values[0] for v in values):
                    return values[0]
            return UNKNOWN
        b = plain[0]
        if b.kind == "assign":
            value = self.expr(b.node, where, depth + 1)
        elif b.kind == "import":
            value = b.ref
        elif b.kind == "param":
            value = self._param(b.node, where, depth)
        elif b.kind == "class":
            value = ClassRef(b.scope) if b.scope is not None else UNKNOWN
        elif b.kind == "with":
            v = self.expr(b.node, where, depth + 1)
            value = v if isinstance(v, ClientRef) else UNKNOWN
        else:
            value = UNKNOWN
        if augs:
            if isinstance(value, (str, Text)):
                return Text.join(value, UNKNOWN)
            return UNKNOWN
        return value

    def _param(self, param: cst.Param, where: Scope, depth: int) -> Any:
        # An annotation naming an SDK client traces the client; otherwise the default value.
        if param.annotation is not None:
            client = self._annotation_client(param.annotation.annotation, where, depth)
            if client is not None:
                return client
        if param.default is not None:
            outer = where.parent or where
            return self.expr(param.default, outer, depth + 1)
        return UNKNOWN

    def _annotation_client(self, node: cst.BaseExpression, scope: Scope, depth: int) -> ClientRef | None:
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
            return self._annotation_client(node.left, scope, depth) or self._annotation_client(node.right, scope, depth)
        if isinstance(node, cst.Subscript):  # Optional[Anthropic]
            for el in node.slice:
                if isinstance(el.slice, cst.Index):
                    found = self._annotation_client(el.slice.value, scope, depth)
                    if found:
                        return found
            return None
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            text = _string_value(node)
            if isinstance(text, str):
                try:
                    return self._annotation_client(cst.parse_expression(text), scope, depth)
                except Exception:
                    return None
            return None
        ref = self.expr(node, scope, depth + 1)
        if isinstance(ref, ImportRef):
            cc = client_class(ref)
            if cc:
                return ClientRef(cc[0], cc[1], cc[1].startswith("Async"))
        return None

    def _apply_mutation(self, value: Any, ops: set[str] | None) -> Any:
        if not ops:
            return value
        if isinstance(value, list) and ops <= {"append", "extend"}:
            return [*value, UNKNOWN]
        if isinstance(value, (ClientRef, ImportRef, ClassRef)):
            return value
        return UNKNOWN

    # ----------------------------------------------------------------- expressions
    def expr(self, node: Any, scope: Scope, depth: int = 0) -> Any:
        """The value of ``node`` evaluated in ``scope``."""
        if depth > _MAX_DEPTH or node is None:
            return UNKNOWN
        try:
            return self._expr(node, scope, depth)
        except RecursionError:  # pragma: no cover - pathological nesting
            return UNKNOWN

    def _expr(self, node: Any, scope: Scope, depth: int) -> Any:
        if isinstance(node, cst.SimpleString):
            return _string_value(node)
        if isinstance(node, cst.ConcatenatedString):
            return Text.join(self.expr(node.left, scope, depth + 1), self.expr(node.right, scope, depth + 1))
        if isinstance(node, cst.FormattedString):
            return self._fstring(node, scope, depth)
        if isinstance(node, cst.Integer):
            try:
                return int(node.evaluated_value)
            except Exception:
                return UNKNOWN
        if isinstance(node, cst.Float):
            try:
                return float(node.evaluated_value)
            except Exception:
                return UNKNOWN
        if isinstance(node, cst.Name):
            return self.name(node.value, scope, depth)
        if isinstance(node, (cst.List, cst.Tuple)):
            items: list[Any] = []
            for el in node.elements:
                if isinstance(el, cst.StarredElement):
                    inner = self.expr(el.value, scope, depth + 1)
                    if isinstance(inner, (list, tuple)):
                        items.extend(inner)
                    else:
                        items.append(Unknown(node=el))
                else:
                    items.append(self.expr(el.value, scope, depth + 1))
            return items
        if isinstance(node, cst.Dict):
            return self._dict(node, scope, depth)
        if isinstance(node, cst.Attribute):
            return self._attribute(node, scope, depth)
        if isinstance(node, cst.Call):
            return self._call(node, scope, depth)
        if isinstance(node, cst.BinaryOperation):
            return self._binop(node, scope, depth)
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
            v = self.expr(node.expression, scope, depth + 1)
            return -v if isinstance(v, (int, float)) and not isinstance(v, bool) else UNKNOWN
        if isinstance(node, cst.Subscript):
            return self._subscript(node, scope, depth)
        if isinstance(node, cst.Await):
            return self.expr(node.expression, scope, depth + 1)
        return UNKNOWN

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
                elif isinstance(v, Unknown):
                    parts.append(Unknown(v.volatile, part.expression))
                elif isinstance(v, Text):
                    parts.append(v)
                else:
                    parts.append(Unknown(None, part.expression))
        return Text.join(*parts) if parts else ""

    def _dict(self, node: cst.Dict, scope: Scope, depth: int) -> Any:
        out: dict[Any, Any] = {}
        is_open = False
        for el in node.elements:
            if isinstance(el, cst.StarredDictElement):
                inner = self.expr(el.value, scope, depth + 1)
                if isinstance(inner, dict):
                    out.update(inner)
                    is_open = is_open or isinstance(inner, OpenDict)
                else:
                    is_open = True
                continue
            key = self.expr(el.key, scope, depth + 1)
            if not isinstance(key, (str, int)):
                is_open = True
                continue
            out[key] = self.expr(el.value, scope, depth + 1)
        return OpenDict(out) if is_open else out

    def _attribute(self, node: cst.Attribute, scope: Scope, depth: int) -> Any:
        attr = node.attr.value
        base_node = node.value
        # self.attr inside a method: attributes set in the class's methods, else class-body values
        if isinstance(base_node, cst.Name):
            fn = _function_scope(scope)
            if fn is not None and fn.owner_class is not None and base_node.value == fn.self_name \
                    and _lookup(base_node.value, scope) == (fn, fn.bindings.get(base_node.value, [])):
                cls = fn.owner_class
                if attr in cls.self_attrs:
                    bindings = cls.self_attrs[attr]
                    if len(bindings) == 1 or all(b.kind == "assign" for b in bindings):
                        v = self._bindings_value(bindings, bindings[0].scope or fn, depth + 1)
                        if attr in cls.bindings and not isinstance(v, ClientRef):
                            return UNKNOWN
                        return v
                    return UNKNOWN
                if attr in cls.bindings:
                    return self._bindings_value(cls.bindings[attr], cls, depth + 1)
                return UNKNOWN
        base = self.expr(base_node, scope, depth + 1)
        if isinstance(base, ImportRef):
            return base.attr(attr)
        if isinstance(base, ClassRef):
            cls = base.scope
            if attr in cls.bindings and attr not in cls.self_attrs:
                return self._bindings_value(cls.bindings[attr], cls, depth + 1)
        return UNKNOWN

    def _call(self, node: cst.Call, scope: Scope, depth: int) -> Any:
        func = node.func
        # Methods on string values: "...".format(...), "sep".join([...]), .strip()
        if isinstance(func, cst.Attribute):
            method = func.attr.value
            if method in ("format", "join", *_TEXT_METHODS_IDENTITY, "with_options", "copy"):
                base = self.expr(func.value, scope, depth + 1)
                if method == "with_options" or method == "copy":
                    if isinstance(base, ClientRef):
                        return ClientRef(base.sdk, base.variant, base.is_async,
                                         base.has_timeout or _sets_timeout(node))
                    return UNKNOWN
                if isinstance(base, (str, Text)):
                    if method == "format":
                        return self._format(base, node, scope, depth)
                    if method == "join":
                        return self._join(base, node, scope, depth)
                    if isinstance(base, str) and not node.args:
                        return getattr(base, method)()
                    return base  # strip() of a Text: close enough for an estimate
        target = self.expr(func, scope, depth + 1)
        if not isinstance(target, ImportRef):
            return UNKNOWN
        q = target.qualname
        cc = client_class(target)
        if cc is not None:
            return ClientRef(cc[0], cc[1], cc[1].startswith("Async"), _sets_timeout(node))
        if q in _VOLATILE_EXACT or q.startswith(_VOLATILE_MODULES):
            return Unknown(volatile=f"{q}()", node=node)
        if q.endswith(".strftime") and (q.startswith("datetime.") or q.startswith("time.")):
            return Unknown(volatile=f"{q}()", node=node)
        if q in ("textwrap.dedent", "inspect.cleandoc") and len(node.args) == 1:
            v = self.expr(node.args[0].value, scope, depth + 1)
            fn = textwrap.dedent if q == "textwrap.dedent" else inspect.cleandoc
            if isinstance(v, str):
                return fn(v)
            if isinstance(v, Text):
                return _map_text(v, fn)
            return v if isinstance(v, Unknown) else UNKNOWN
        if q == "builtins.dict":
            out: dict[str, Any] = {}
            is_open = False
            for i, a in enumerate(node.args):
                if a.keyword is not None:
                    out[a.keyword.value] = self.expr(a.value, scope, depth + 1)
                elif i == 0 and a.star == "":
                    inner = self.expr(a.value, scope, depth + 1)
                    if isinstance(inner, dict):
                        out.update(inner)
                        is_open = isinstance(inner, OpenDict)
                    else:
                        is_open = True
                else:
                    is_open = True
            return OpenDict(out) if is_open else out
        if q == "builtins.str" and len(node.args) == 1:
            v = self.expr(node.args[0].value, scope, depth + 1)
            if isinstance(v, (str, int)) and not isinstance(v, bool):
                return str(v)
            return v if isinstance(v, (Unknown, Text)) else UNKNOWN
        if q == "json.dumps" and node.args:
            v = self.expr(node.args[0].value, scope, depth + 1)
            if is_complete(v):
                try:
                    return json.dumps(v)
                except (TypeError, ValueError):
                    return UNKNOWN
            return Unknown(volatile=_first_volatile(v))
        return UNKNOWN

    def _format(self, template: str | Text, node: cst.Call, scope: Scope, depth: int) -> Any:
        pos = [self.expr(a.value, scope, depth + 1) for a in node.args if a.keyword is None and not a.star]
        kw = {a.keyword.value: self.expr(a.value, scope, depth + 1) for a in node.args if a.keyword is not None}
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
                    out.append(value if isinstance(value, Unknown) else UNKNOWN)
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

    def _binop(self, node: cst.BinaryOperation, scope: Scope, depth: int) -> Any:
        op = node.operator
        left = self.expr(node.left, scope, depth + 1)
        if isinstance(op, cst.Modulo) and isinstance(left, (str, Text)):
            right = self.expr(node.right, scope, depth + 1)
            if isinstance(left, str) and is_complete(right) and not isinstance(right, dict):
                try:
                    return left % (tuple(right) if isinstance(right, list) else right)
                except (TypeError, ValueError, KeyError):
                    return UNKNOWN
            # keep the static text around the %-fields, holes for the fields
            static = left.static if isinstance(left, Text) else left
            return Text.join(static, UNKNOWN)
        right = self.expr(node.right, scope, depth + 1)
        num = (int, float)
        if isinstance(op, cst.Add):
            if isinstance(left, (str, Text)) or isinstance(right, (str, Text)):
                if isinstance(left, (str, Text, Unknown)) and isinstance(right, (str, Text, Unknown)):
                    return Text.join(left, right)
                return UNKNOWN
            if isinstance(left, list) and isinstance(right, list):
                return left + right
            if isinstance(left, list) and isinstance(right, Unknown):
                return [*left, UNKNOWN]
        if isinstance(left, num) and isinstance(right, num) and not isinstance(left, bool) \
                and not isinstance(right, bool):
            try:
                if isinstance(op, cst.Add):
                    return left + right
                if isinstance(op, cst.Subtract):
                    return left - right
                if isinstance(op, cst.Multiply):
                    return left * right
                if isinstance(op, cst.FloorDivide):
                    return left // right
                if isinstance(op, cst.Power) and abs(right) < 64:
                    return left ** right
            except (ZeroDivisionError, OverflowError):
                return UNKNOWN
        if isinstance(op, cst.Multiply) and isinstance(left, str) and isinstance(right, int) and 0 <= right < 10_000:
            return left * right
        return UNKNOWN

    def _subscript(self, node: cst.Subscript, scope: Scope, depth: int) -> Any:
        if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
            return UNKNOWN
        base = self.expr(node.value, scope, depth + 1)
        key = self.expr(node.slice[0].slice.value, scope, depth + 1)
        if isinstance(base, dict) and isinstance(key, (str, int)) and key in base:
            return base[key]
        if isinstance(base, list) and isinstance(key, int) and not isinstance(key, bool) \
                and all(not isinstance(v, Unknown) for v in base):
            try:
                return base[key]
            except IndexError:
                return UNKNOWN
        return UNKNOWN

    # ----------------------------------------------------------------- helpers for callsites
    def dict_items(self, node: Any, scope: Scope, depth: int = 0) -> tuple[dict[str, tuple[Any, Any]], bool] | None:
        """A dict expression as ``{key: (value, value_node)}`` plus an "open" flag, or None.

        Follows names bound once to a dict literal / ``dict(...)`` call; ``**`` inside merges.
        """
        if depth > _MAX_DEPTH:
            return None
        if isinstance(node, cst.Name):
            found = _lookup(node.value, scope)
            if found is None:
                return None
            where, bindings = found
            if len(bindings) != 1 or bindings[0].kind != "assign" or where.mutated.get(node.value):
                return None
            return self.dict_items(bindings[0].node, where, depth + 1)
        if isinstance(node, cst.Dict):
            out: dict[str, tuple[Any, Any]] = {}
            is_open = False
            for el in node.elements:
                if isinstance(el, cst.StarredDictElement):
                    inner = self.dict_items(el.value, scope, depth + 1)
                    if inner is None:
                        is_open = True
                    else:
                        out.update(inner[0])
                        is_open = is_open or inner[1]
                    continue
                key = self.expr(el.key, scope, depth + 1)
                if isinstance(key, str):
                    out[key] = (self.expr(el.value, scope, depth + 1), el.value)
                else:
                    is_open = True
            return out, is_open
        if isinstance(node, cst.Call):
            target = self.expr(node.func, scope, depth + 1)
            if isinstance(target, ImportRef) and (target.qualname == "builtins.dict" or _typed_dict_name(target)):
                return self.call_kwargs(node, scope, depth + 1)
            if isinstance(node.func, cst.Name) and _typed_dict_name(ImportRef(node.func.value)) \
                    and not isinstance(target, ClassRef):
                return self.call_kwargs(node, scope, depth + 1)
        return None

    def call_kwargs(self, node: cst.Call, scope: Scope, depth: int = 0) -> tuple[dict[str, tuple[Any, Any]], bool]:
        """A call's keyword arguments as ``{name: (value, node)}`` and whether ``*``/``**`` leave it open."""
        out: dict[str, tuple[Any, Any]] = {}
        is_open = False
        for a in node.args:
            if a.keyword is not None:
                out[a.keyword.value] = (self.expr(a.value, scope, depth + 1), a.value)
            elif a.star == "**":
                inner = self.dict_items(a.value, scope, depth + 1)
                if inner is None:
                    is_open = True
                else:
                    out.update(inner[0])
                    is_open = is_open or inner[1]
            elif a.star == "*":
                is_open = True
            else:
                # a positional argument where the SDK takes keywords only: the dict(...) form
                inner = self.dict_items(a.value, scope, depth + 1)
                if inner is None:
                    is_open = True
                else:
                    out.update(inner[0])
                    is_open = is_open or inner[1]
        return out, is_open


def _typed_dict_name(ref: ImportRef) -> bool:
    """SDK param TypedDicts used as constructors: ``MessageCreateParamsNonStreaming(...)``, ``Request(...)``."""
    last = ref.last
    return last.endswith("Param") or last.endswith("Params") or last == "Request"


def _sets_timeout(node: cst.Call) -> bool:
    return any((a.keyword is not None and a.keyword.value == "timeout") or a.star for a in node.args)


def _function_scope(scope: Scope) -> Scope | None:
    s: Scope | None = scope
    while s is not None and s.kind not in ("function", "lambda"):
        s = s.parent
    return s


def _first_volatile(v: Any) -> str | None:
    from pytest_tokenbudget.lint.analysis.values import volatile_parts

    for part in volatile_parts(v):
        return part.volatile
    return None


def _map_text(t: Text, fn) -> Any:
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


def iter_name_refs(node: Any) -> Iterator[str]:
    """Every ``Name`` read inside an expression (for loop feed-back analysis)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, cst.Name):
            yield n.value
        elif isinstance(n, cst.CSTNode):
            stack.extend(n.children)
