"""A request dict built step by step: ``params = {...}; params["system"] = SYSTEM; create(**params)``.

Wrappers often start from a dict of the fixed fields and set the rest by key, some under an ``if``
(``if tools: params["tools"] = tools``). When the dict's only mutations are such item assignments
(:attr:`..scopes.Scope.mutated` says ``{"setitem"}``), each constant key counts as set, with the value
it is given (a key set twice: the last assignment in the text); a computed key leaves the dict open.

A helper's returns are request items too: a request written ``create(model=..., system=BLOCKS,
**self._thinking_kwargs())``, where the helper returns ``{}`` on one branch and ``{"thinking": {...}}``
on another, can add nothing but ``thinking``: the request is not open (the caching rules may weigh
its marked prefix, a rule may still say ``cache_control`` is missing). A key only some returns name
reads as unknown (it may be absent); a key every return names with the same value keeps it. The
helper is a method of the caller's class called on ``self`` or a function of the caller's module,
each of whose ``return`` statements is a dict the resolver reads (a literal, ``dict(...)``, a local
dict set by key); its parameters read as unknown. Anything else (an imported helper, a return of
another kind, a generator) leaves the request open, as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import reduce
from typing import Any

import libcst as cst

from pytest_tokenbudget.lint.analysis.method_helpers import own_method
from pytest_tokenbudget.lint.analysis.scopes import Scope, lookup
from pytest_tokenbudget.lint.analysis.values import UNKNOWN, common_value

__all__ = ["returned_items", "set_items"]

Items = tuple[dict[str, tuple[Any, Any]], bool]


def set_items(resolver: Any, name: str, value: Any, where: Any, depth: int) -> tuple[dict, bool] | None:
    """``{key: (value, node)}`` and the open flag of the dict ``name`` bound to ``value`` in ``where``,
    with its item assignments applied; None when the dict itself is not known."""
    base = resolver.dict_items(value, where, depth + 1)
    if base is None or where.node is None:
        return None
    items, is_open = dict(base[0]), base[1]
    found = where.__dict__.setdefault("subscript_assigns", {})
    if name not in found:
        found[name] = list(_subscript_assigns(where.node, name))
    for keys, val in found[name]:
        path = [resolver.expr(k, where, depth + 1) for k in keys]
        if not isinstance(path[0], str):
            return items, True
        value = resolver.expr(val, where, depth + 1)
        if len(path) > 1:
            value = _set_in(items.get(path[0], (UNKNOWN,))[0], path[1:], value)
        items[path[0]] = (value, val)
    return items, is_open


def _set_in(base: Any, path: list[Any], value: Any) -> Any:
    """``base`` with ``base[k1][k2]... = value`` applied (``kwargs["output_config"]["format"] = ...``):
    a copy of the known dicts on the way, or unknown where a dict or a key is not known."""
    if not isinstance(base, dict) or getattr(base, "open", False) or not isinstance(path[0], str):
        return UNKNOWN
    inner = value if len(path) == 1 else _set_in(base.get(path[0], UNKNOWN), path[1:], value)
    return {**base, path[0]: inner}


class _SubscriptAssigns(cst.CSTVisitor):
    def __init__(self, name: str) -> None:
        self.name, self.found = name, []  # type: ignore[var-annotated]

    def visit_Assign(self, node: cst.Assign) -> None:
        for t in node.targets:
            keys: list[Any] = []
            sub = t.target
            while isinstance(sub, cst.Subscript) and len(sub.slice) == 1 and isinstance(sub.slice[0].slice, cst.Index):
                keys.insert(0, sub.slice[0].slice.value)  # params["output_config"]["format"]: two keys
                sub = sub.value
            if keys and isinstance(sub, cst.Name) and sub.value == self.name:
                self.found.append((keys, node.value))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False


def _subscript_assigns(fn: Any, name: str) -> Iterator[tuple[Any, Any]]:
    """(key nodes, value node) of every ``name[key] = value`` (or ``name[k1][k2] = value``) in a
    function (not in nested ones)."""
    visitor = _SubscriptAssigns(name)
    fn.body.visit(visitor)
    yield from visitor.found


def returned_items(resolver: Any, node: cst.Call, scope: Scope, depth: int) -> Items | None:
    """The ``{key: (value, node)}`` items and the "open" flag of what ``node`` returns, or None."""
    helper = own_method(node.func, scope) or _module_function(node.func, scope)
    returns = _returns(helper.node) if helper is not None and helper.node.asynchronous is None else None
    if not returns:
        return None
    each: list[Items] = []
    for r in returns:
        items = resolver.dict_items(r, helper, depth + 1)
        if items is None:
            return None
        each.append(items)
    known = [items for items, _ in each]
    out: dict[str, tuple[Any, Any]] = {}
    for key in dict.fromkeys(k for items in known for k in items):
        pairs = [items[key] for items in known if key in items]
        value = reduce(common_value, [v for v, _ in pairs]) if len(pairs) == len(known) else UNKNOWN
        out[key] = (value, pairs[0][1])
    return out, any(is_open for _, is_open in each)


def _module_function(func: Any, scope: Scope) -> Scope | None:
    """The scope of a ``def`` bound once at the top of the caller's module that ``func`` names."""
    found = lookup(func.value, scope) if isinstance(func, cst.Name) else None
    if found is None or found[0].parent is not None or len(found[1]) != 1 or found[1][0].kind != "def":
        return None
    fn = found[1][0].scope
    return fn if fn is not None and isinstance(fn.node, cst.FunctionDef) else None


def _returns(fn: cst.FunctionDef) -> list[cst.BaseExpression] | None:
    """The expressions of ``fn``'s own ``return`` statements (not a nested def's), or None when one
    returns nothing or ``fn`` is a generator (an ``async def`` is not looked at)."""
    out: list[cst.BaseExpression] = []
    todo: list[cst.CSTNode] = [fn.body]
    while todo:
        n = todo.pop()
        if isinstance(n, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        if isinstance(n, cst.Yield) or isinstance(n, cst.Return) and n.value is None:
            return None
        if isinstance(n, cst.Return):
            out.append(n.value)  # type: ignore[arg-type]
        else:
            todo.extend(reversed(n.children))  # (in source order)
    return out
