"""``self.model`` set in several methods of its class: every id it can hold.

``__init__`` sets ``self.model = "claude-a"`` and ``change_model(model)`` lets a caller's value through
only when it is in a written-out collection (``if model in VALID_MODELS: self.model = model``): the
request on ``self.model`` sends one of ``claude-a`` and VALID_MODELS' ids, and the model rules judge each
(:mod:`.model_sources`). An assignment that cannot be pinned (a parameter let through unchecked, a value
read at run time) leaves the attribute's choices unknown.
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from pytest_tokenbudget.lint.analysis.resolve import Resolver
from pytest_tokenbudget.lint.analysis.scopes import Binding, Scope, lookup
from pytest_tokenbudget.lint.cstwalk import contains

__all__ = ["every_assignment"]


def every_assignment(bindings: list[Binding], resolver: Resolver) -> tuple[Any, ...] | None:
    """``self.model`` set in several methods: each assignment's id, a parameter let through only when
    it is in a written-out collection (``if model in VALID_MODELS: self.model = model``) counting as
    each of its strings; None when one assignment cannot be pinned."""
    out: list[Any] = []
    for b in bindings:
        if b.kind != "assign" or b.scope is None:
            return None
        found = lookup(b.node.value, b.scope) if isinstance(b.node, cst.Name) else None
        if found is not None and [x.kind for x in found[1]] == ["param"] and found[0] is b.scope:
            allowed = _allowed(b.node, b.scope, resolver)
            if allowed is None:
                return None
            out.extend(allowed)
            continue
        got = resolver.expr(b.node, b.scope)
        if not isinstance(got, str):
            return None
        out.append(got)
    return tuple(dict.fromkeys(out))


def _allowed(value: cst.Name, fn: Scope, resolver: Resolver) -> list[str] | None:
    """The strings of ``X`` in the ``if value in X:`` whose body assigns ``value`` (in method ``fn``)."""
    guard = _MembershipGuard(value)
    fn.node.visit(guard)
    items = _members(guard.collection, fn, resolver) if guard.collection is not None else None
    return items if items and all(isinstance(i, str) for i in items) else None


def _members(x: cst.BaseExpression, scope: Scope, resolver: Resolver) -> list[Any] | None:
    """The items of a written-out collection: a literal set, list, tuple or dict (its keys), or a name
    assigned one once (``valid = {"a", "b"}``)."""
    found = lookup(x.value, scope) if isinstance(x, cst.Name) else None
    if found is not None and len(found[1]) == 1 and found[1][0].kind == "assign":
        return _members(found[1][0].node, found[0], resolver)
    if isinstance(x, (cst.Set, cst.List, cst.Tuple)):
        return [resolver.expr(e.value, scope) for e in x.elements]
    got = resolver.expr(x, scope)
    return list(got) if isinstance(got, (list, tuple, dict)) else None


class _MembershipGuard(cst.CSTVisitor):
    """Finds ``X`` of ``if name in X:`` whose body assigns the node ``value`` (``self.model = name``)."""

    def __init__(self, value: cst.Name) -> None:
        self.value = value
        self.collection: cst.BaseExpression | None = None

    def visit_If(self, node: cst.If) -> None:
        test = node.test
        if isinstance(test, cst.Comparison) and isinstance(test.left, cst.Name) \
                and test.left.value == self.value.value and len(test.comparisons) == 1 \
                and isinstance(test.comparisons[0].operator, cst.In) and contains(node.body, self.value):
            self.collection = test.comparisons[0].comparator

