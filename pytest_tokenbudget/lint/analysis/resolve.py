"""Argument resolution: an expression -> a value or "unknown" (see :mod:`.values`).

What resolves: literals (numbers with ``_``, strings, implicit concatenation, bytes excluded),
names bound once in the enclosing function / module (or bound several times to the same value; at a
request, the assignment that reaches it: :mod:`.reaching`),
function parameters to their default, class attributes (``self.X`` / ``Class.X``), ``**{...}``
and dict variables, ``dict(...)``, ``+`` of strings and of numbers, ``*``/``//`` of numbers,
f-strings and ``str.format`` (static parts kept, unknown fields become holes), ``%`` formatting,
``textwrap.dedent`` / ``inspect.cleandoc`` / ``.strip()``, ``sep.join([...])``,
``json.dumps(<known>)``, constant subscripts and slices of known dicts and lists, a model setting's fallback.

Names that are mutated (``x.append``, ``x.update``) stop being fully known: a list keeps its known
prefix plus one unknown tail item, a request dict set by key is read with its keys (:mod:`.request_items`),
anything else becomes unknown, except a module's list its loops fill from known data (:mod:`.mutations`).
Calls of the time / uuid / random family resolve to an :class:`~.values.Unknown` marked ``volatile``.

Client tracing uses the same machinery: ``anthropic.Anthropic(...)`` resolves to a :class:`ClientRef`."""

from __future__ import annotations

import dataclasses
from typing import Any

import libcst as cst

from pytest_tokenbudget.lint.analysis import crossref
from pytest_tokenbudget.lint.analysis.decided import UNDECIDED, decided_branch, default_client
from pytest_tokenbudget.lint.analysis.function_tools import function_tool
from pytest_tokenbudget.lint.analysis.class_attrs import constructed_default, inherited_attribute
from pytest_tokenbudget.lint.analysis.method_helpers import method_call, property_value
from pytest_tokenbudget.lint.analysis.mutations import after_mutation
from pytest_tokenbudget.lint.analysis.library_calls import library_call
from pytest_tokenbudget.lint.analysis.reaching import NOT_REACHED, reached_value
from pytest_tokenbudget.lint.analysis.rebinding import appended, rebound, without_fallbacks
from pytest_tokenbudget.lint.analysis.request_items import returned_items, set_items
from pytest_tokenbudget.lint.analysis.scopes import (Binding, ClassRef, ClientRef, ImportRef, Position, Scope,
                                                     client_class, entered, factory_client, method_scope, lookup,
                                                     merged_value,
                                                     sets_timeout, typed_dict_name)
from pytest_tokenbudget.lint.analysis.strings import TextOps, replace_text, string_value
from pytest_tokenbudget.lint.analysis.volatile import VOLATILE_METHODS, volatile_method
from pytest_tokenbudget.lint.analysis.values import (NOT_A_MAPPING, UNKNOWN, OpenDict, Text, Unknown, any_entry,
                                                     common_value, enum_value, is_complete, loop_ids, mapping_get,
                                                     sliced, unpacked)

__all__ = ["Resolver"]

_TEXT_METHODS_IDENTITY, _MAX_DEPTH = frozenset({"strip", "lstrip", "rstrip"}), 25
_CONSTANTS = {"True": True, "False": False, "None": None}
_FALLBACK_NODES = (cst.Call, cst.BinaryOperation, cst.BooleanOperation, cst.Attribute, cst.ListComp)  # for .evaluate


class Resolver(TextOps):
    """Resolves expressions to values in a given scope (memoised per (name, scope))."""

    def __init__(self) -> None:
        self._memo: dict[tuple[int, str], Any] = {}
        self._active: set[tuple[int, str]] = set()
        self._use: tuple[Scope, Position] | None = None  # the request whose arguments are read (.reaching)

    # ----------------------------------------------------------------- names
    def lookup(self, name: str, scope: Scope) -> tuple[Scope, list[Binding]] | None:
        return lookup(name, scope)

    def name(self, name: str, scope: Scope, depth: int = 0) -> Any:
        found = lookup(name, scope)
        if found is None:
            if name in _CONSTANTS:
                return _CONSTANTS[name]
            if name in ("dict", "str", "list", "int", "len", "sorted", "tuple"):
                return ImportRef(f"builtins.{name}")
            return UNKNOWN
        where, bindings = found
        if self._use is not None and not where.mutated.get(name) and depth <= _MAX_DEPTH \
                and (reached := reached_value(self, where, bindings, depth)) is not NOT_REACHED:
            return reached
        key = (id(where), name)
        if key in self._memo:
            return self._memo[key]
        if key in self._active or depth > _MAX_DEPTH:
            return UNKNOWN
        self._active.add(key)
        use = self._use  # (a name bound once reads the names in its value from its own place: the memo holds)
        self._use = (where, bindings[0].at) if len(bindings) == 1 and bindings[0].at is not None else None
        try:
            value = rebound(self, name, bindings, where, depth)  # (a prompt = prompt.replace(...) chain folded)
            value = after_mutation(value, where.mutated.get(name), where.parent is None and name,
                                   (where.qualname(), name) if where.kind == "function" else None)
        finally:
            self._active.discard(key)
            self._use = use
        self._memo[key] = value
        return value

    def _bindings_value(self, bindings: list[Binding], where: Scope, depth: int) -> Any:
        plain = without_fallbacks(self, [b for b in bindings if b.kind != "aug"], where, depth)
        augs = [b for b in bindings if b.kind == "aug"]
        if len(plain) != 1:
            if plain and all(b.kind == "assign" for b in plain) and not augs:
                values = [self._from_its_place(b, where, depth) for b in plain]
                if all(is_complete(v) for v in values) and all(v == values[0] for v in values):
                    return values[0]
                return merged_value(values, where.kind == "module")  # a client, or one of the texts
            return UNKNOWN
        b = plain[0]
        if b.kind in ("assign", "item"):  # (item: one name of system, user = build(x))
            value = unpacked(self.expr(b.node, where, depth + 1), b.index)
        elif b.kind == "import":
            value = crossref.imported(b.ref)
        elif b.kind == "param":
            value = self._param(b.node, where, depth)
        elif b.kind == "class":
            value = ClassRef(b.scope) if b.scope is not None else UNKNOWN
        elif b.kind == "with":
            value = entered(self.expr(b.node, where, depth + 1))
        elif b.kind == "loop":  # for m in ("claude-a", "claude-b"): one of the ids; any other loop: unknown
            value = loop_ids(self.expr(b.node, where, depth + 1))
        else:  # a @beta_tool function is the tool definition the SDK sends for it
            value = function_tool(self, b.node, where) if b.kind == "def" else UNKNOWN
        return appended(self, value, augs, where, depth) if augs else value  # prompt += "Reply in JSON."

    def _from_its_place(self, binding: Binding, where: Scope, depth: int) -> Any:
        """One of a name's assigned values, its own names read as they stand there (``with open(p) as
        f: prompt = f.read()`` reads the ``f`` of that ``with``, however often the module rebinds ``f``)."""
        use = self._use
        self._use = (where, binding.at) if binding.at is not None else None
        try:
            return self.expr(binding.node, where, depth + 1)
        finally:
            self._use = use

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
            return next((found for el in node.slice if isinstance(el.slice, cst.Index)
                         and (found := self._annotation_client(el.slice.value, scope, depth))), None)
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            text = string_value(node)
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
        value = self._expr1(node, scope, depth)
        if value is UNKNOWN and isinstance(node, _FALLBACK_NODES):
            return crossref.fallback(node, lambda n: self.name(n, scope, depth + 1),  # (self.x: this resolver's)
                                     crossref.self_chains(self, scope, depth + 1))
        return value

    def _expr1(self, node: Any, scope: Scope, depth: int) -> Any:
        if isinstance(node, cst.SimpleString):
            return string_value(node)
        if isinstance(node, cst.ConcatenatedString):
            return Text.join(self.expr(node.left, scope, depth + 1), self.expr(node.right, scope, depth + 1))
        if isinstance(node, cst.FormattedString):
            return self._fstring(node, scope, depth)
        if isinstance(node, (cst.Integer, cst.Float)):
            try:
                return node.evaluated_value  # int or float
            except Exception:
                return UNKNOWN
        if isinstance(node, cst.IfExp):  # A if c else B: the branch a pinned test picks, else what both share
            picked = decided_branch(self, node, scope, depth)
            return picked if picked is not UNDECIDED else common_value(
                self.expr(node.body, scope, depth + 1), self.expr(node.orelse, scope, depth + 1))
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
        if isinstance(node, cst.BooleanOperation):  # client or anthropic.Anthropic()
            return default_client(self, node, scope, depth)
        return UNKNOWN

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
            fn = method_scope(scope)  # a closure inside a method sees the method's self
            if fn is not None and fn.owner_class is not None and base_node.value == fn.self_name \
                    and lookup(base_node.value, scope) == (fn, fn.bindings.get(base_node.value, [])):
                cls = fn.owner_class
                if attr in cls.self_attrs:
                    bindings = cls.self_attrs[attr]
                    if len(bindings) == 1 or all(b.kind == "assign" for b in bindings):
                        v = self._bindings_value(bindings, bindings[0].scope or fn, depth + 1)
                        if attr in cls.bindings and not isinstance(v, ClientRef):
                            return UNKNOWN
                        return v
                    return UNKNOWN
                if attr in cls.bindings and (prop := property_value(self, node, scope, depth)) is not UNKNOWN:
                    return prop  # a @property of one return
                if attr in cls.bindings:
                    return self._bindings_value(cls.bindings[attr], cls, depth + 1)
                return inherited_attribute(self, cls, attr, depth + 1)  # a base class's body
        if isinstance(base_node, cst.Name) and (via := crossref.imported_member(lookup(base_node.value, scope), attr)):
            return via[0]  # settings.model, settings imported: its own lookup knows where the field is written
        base = self.expr(base_node, scope, depth + 1)
        if isinstance(base, ImportRef) or enum_value(attr, isinstance(base_node, cst.Attribute), base):
            return crossref.imported(base.attr(attr)) if isinstance(base, ImportRef) else base  # (Model.SONNET.value)
        if isinstance(base, ClassRef):
            cls = base.scope
            if attr in cls.bindings and attr not in cls.self_attrs:
                return self._bindings_value(cls.bindings[attr], cls, depth + 1)
        if isinstance(base, dict) and not isinstance(base, OpenDict):
            return base.get(attr, UNKNOWN)  # config.system_prompt of a caller's Config(...): .field_objects
        return constructed_default(self, base_node, attr, scope, depth) if base is UNKNOWN else UNKNOWN

    def _replace(self, base: Any, node: cst.Call, scope: Scope, depth: int) -> Any:
        """``base.replace(old, new)``: the static text with ``new`` (a hole when unknown) for ``old``."""
        old = self.expr(node.args[0].value, scope, depth + 1)
        if not isinstance(base, (str, Text)) or not isinstance(old, str) or not old:
            return UNKNOWN
        return replace_text(base, old, self.expr(node.args[1].value, scope, depth + 1))

    def _call(self, node: cst.Call, scope: Scope, depth: int) -> Any:
        func = node.func
        # Methods on string values: "...".format(...), "sep".join([...]), .strip()
        if isinstance(func, cst.Attribute):
            method = func.attr.value
            if method == "replace" and len(node.args) == 2:  # prompt templates: .replace("{{x}}", x) chains
                return self._replace(self.expr(func.value, scope, depth + 1), node, scope, depth)
            if method == "get" and 0 < len(node.args) < 3 and (got := mapping_get(self.expr(func.value, scope, depth), [
                    self.expr(a.value, scope, depth + 1) for a in node.args])) is not NOT_A_MAPPING:
                return got  # a known dict's entry (values.choice), cfg.get("MODEL", "claude-...")'s fallback
            if method in VOLATILE_METHODS and (kept := volatile_method(self.expr(func.value, scope, depth + 1), method, [
                    self.expr(a.value, scope, depth + 1) for a in node.args])) is not None:  # now.strftime("%H:%M")
                return kept
            if method in ("format", "join", *_TEXT_METHODS_IDENTITY, "with_options", "copy"):
                base = self.expr(func.value, scope, depth + 1)
                if method == "with_options" or method == "copy":
                    if isinstance(base, ClientRef):
                        return dataclasses.replace(base, has_timeout=base.has_timeout or sets_timeout(node))
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
            client = factory_client(self, func, scope, depth + 1)  # def make_client(): return Anthropic()
            if client is not UNKNOWN:
                return client
            found = lookup(func.value, scope) if isinstance(func, cst.Name) else None
            if found is not None and found[0].parent is None and [b.kind for b in found[1]] == ["def"]:
                return self._project_call(None, node, scope, depth, func.value)  # a module-level helper
            return method_call(self, node, scope, depth)  # self.helper(x): a one-return method
        value = self._project_call(target, node, scope, depth)  # crossref.called, the arguments bound
        return value if value is not UNKNOWN else library_call(self, target, node, scope, depth)

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
        part = node.slice[0].slice if len(node.slice) == 1 else None
        if isinstance(part, cst.Slice):  # TOOLS[:3]: a known list's items
            return sliced(self.expr(node.value, scope, depth + 1), [None if b is None else self.expr(b, scope, depth + 1)
                                                                    for b in (part.lower, part.upper, part.step)])
        if not isinstance(part, cst.Index):
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
        return any_entry(base, key)  # an unknown key: one of the values (values.choice)

    # ----------------------------------------------------------------- helpers for callsites
    def dict_items(self, node: Any, scope: Scope, depth: int = 0) -> tuple[dict[str, tuple[Any, Any]], bool] | None:
        """A dict expression as ``{key: (value, value_node)}`` plus an "open" flag, or None. Follows
        names bound once to a dict literal / ``dict(...)`` call (then set by key); ``**`` merges."""
        if depth > _MAX_DEPTH:
            return None
        if isinstance(node, cst.Name):
            found = lookup(node.value, scope)
            if found is None:
                return None
            where, bindings = found
            if len(bindings) != 1 or bindings[0].kind != "assign" or where.mutated.get(node.value, {"setitem"}) != {"setitem"}:
                return None
            if where.mutated.get(node.value):  # params["system"] = SYSTEM before create(**params)
                return set_items(self, node.value, bindings[0].node, where, depth)
            return self.dict_items(bindings[0].node, where, depth + 1)
        if isinstance(node, cst.Dict):
            out: dict[str, tuple[Any, Any]] = {}
            is_open = False
            for el in node.elements:
                if isinstance(el, cst.StarredDictElement):
                    is_open = self._merge_unpacked(out, el.value, scope, depth) or is_open
                    continue
                key = self.expr(el.key, scope, depth + 1)
                if isinstance(key, str):
                    out[key] = (self.expr(el.value, scope, depth + 1), el.value)
                else:
                    is_open = True
            return out, is_open
        if isinstance(node, cst.Call):
            target = self.expr(node.func, scope, depth + 1)
            if isinstance(target, ImportRef) and (target.qualname == "builtins.dict" or typed_dict_name(target)):
                return self.call_kwargs(node, scope, depth + 1)
            if isinstance(node.func, cst.Name) and typed_dict_name(ImportRef(node.func.value)) \
                    and not isinstance(target, ClassRef):
                return self.call_kwargs(node, scope, depth + 1)
            return returned_items(self, node, scope, depth)  # **self._thinking_kwargs(): its returns' keys
        return None

    def _merge_unpacked(self, out: dict[str, tuple[Any, Any]], node: Any, scope: Scope, depth: int) -> bool:
        """Add the items of a ``**node`` to ``out``; True when they leave it open (unknown keys)."""
        inner = self.dict_items(node, scope, depth + 1)
        if inner is None:
            return True
        out.update(inner[0])
        return inner[1]

    def call_kwargs(self, node: cst.Call, scope: Scope, depth: int = 0,
                    at: Position | None = None) -> tuple[dict[str, tuple[Any, Any]], bool]:
        """A call's keyword arguments as ``{name: (value, node)}`` and whether ``*``/``**`` leave it
        open; ``at``: the request's place, where a name assigned several times reads the assignment
        that reaches it (:mod:`.reaching`)."""
        outer = self._use
        self._use = (scope, at) if at is not None else outer
        try:
            return self._call_kwargs(node, scope, depth)
        finally:
            self._use = outer

    def _call_kwargs(self, node: cst.Call, scope: Scope, depth: int) -> tuple[dict[str, tuple[Any, Any]], bool]:
        out: dict[str, tuple[Any, Any]] = {}
        is_open = False
        for a in node.args:
            if a.keyword is not None:
                out[a.keyword.value] = (self.expr(a.value, scope, depth + 1), a.value)
            elif a.star == "**":
                is_open = self._merge_unpacked(out, a.value, scope, depth) or is_open
            elif a.star == "*":
                is_open = True
            else:  # a positional argument where the SDK takes keywords only: the dict(...) form
                is_open = self._merge_unpacked(out, a.value, scope, depth) or is_open
        return out, is_open
