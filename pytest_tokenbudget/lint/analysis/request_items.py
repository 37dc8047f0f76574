"""A request dict built step by step: ``params = {...}; params["system"] = SYSTEM; create(**params)``.

Wrappers often start from a dict of the fixed fields and set the rest by key, some under an ``if``
(``if tools: params["tools"] = tools``). When the dict's only mutations are such item assignments
(:attr:`..scopes.Scope.mutated` says ``{"setitem"}``), each constant key counts as set, with the value
it is given (a key set twice: the last assignment in the text); a computed key leaves the dict open.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import libcst as cst

__all__ = ["set_items"]


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
    for target, val in found[name]:
        key = resolver.expr(target, where, depth + 1)
        if not isinstance(key, str):
            return items, True
        items[key] = (resolver.expr(val, where, depth + 1), val)
    return items, is_open


class _SubscriptAssigns(cst.CSTVisitor):
    def __init__(self, name: str) -> None:
        self.name, self.found = name, []  # type: ignore[var-annotated]

    def visit_Assign(self, node: cst.Assign) -> None:
        for t in node.targets:
            sub = t.target
            if isinstance(sub, cst.Subscript) and isinstance(sub.value, cst.Name) and sub.value.value == self.name \
                    and len(sub.slice) == 1 and isinstance(sub.slice[0].slice, cst.Index):
                self.found.append((sub.slice[0].slice.value, node.value))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False


def _subscript_assigns(fn: Any, name: str) -> Iterator[tuple[Any, Any]]:
    """(key node, value node) of every ``name[key] = value`` in a function (not in nested ones)."""
    visitor = _SubscriptAssigns(name)
    fn.body.visit(visitor)
    yield from visitor.found
