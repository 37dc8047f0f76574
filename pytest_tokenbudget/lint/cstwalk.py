"""A read-only libcst traversal that does not rebuild the tree.

``CSTNode.visit`` is written for transformers: for every node it visits, it builds a new copy of
the node from its visited children (a dataclass construction and validation per node), even for a
:class:`libcst.CSTVisitor`, which then throws the copy away. On the analysis's visitors that copy
is most of the time of a lint run. :func:`install` replaces ``CSTNode.visit`` with a traversal
that calls the same visitor methods in the same order and builds nothing, for visitors where that
is exactly equivalent:

* a :class:`libcst.CSTVisitor` (never a transformer, whose result is the rebuilt tree);
* whose class defines no attribute hooks of its own (``visit_<Node>_<field>`` /
  ``leave_<Node>_<field>``; libcst's no-op stubs do not count) and does not override ``on_visit_attribute`` / ``on_leave_attribute`` (those are skipped);

any other visitor, and every visitor not defined by this package (another libcst user in the same
process), goes through libcst's own ``visit``. The children of a node are visited in
libcst's order: the order in which the node's ``_visit_and_replace_children`` names its fields
(read once per node class from the field-name constants of its code, which are in source order).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import libcst as cst

__all__ = ["TRIVIA", "children", "contains", "install", "installed", "uninstall", "visit_order"]

_OURS: list[tuple[str, ...]] = [("pytest_tokenbudget.",)]  # modules whose visitors walk fast (see install)
_ORDER: dict[type, tuple[str, ...]] = {}
_PLAIN: dict[type, bool] = {}
_ORIGINAL_VISIT = cst.CSTNode.visit
_BASE_VISIT_ATTR = cst.CSTVisitor.on_visit_attribute
_BASE_LEAVE_ATTR = cst.CSTVisitor.on_leave_attribute
_BASE_ON_VISIT = cst.CSTVisitor.on_visit
_BASE_ON_LEAVE = cst.CSTVisitor.on_leave


def visit_order(cls: type) -> tuple[str, ...]:
    """The fields of node class ``cls`` that libcst visits, in its visiting order."""
    order = _ORDER.get(cls)
    if order is None:
        names = {f.name for f in dataclasses.fields(cls)}
        seen: list[str] = []
        for const in cls._visit_and_replace_children.__code__.co_consts:  # type: ignore[attr-defined]
            if isinstance(const, str) and const in names and const not in seen:
                seen.append(const)
        order = _ORDER[cls] = tuple(seen)
    return order


def children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """``node.children`` without rebuilding ``node`` (same nodes, same order)."""
    out: list[cst.CSTNode] = []
    for name in visit_order(type(node)):
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            out.append(value)
        elif isinstance(value, (tuple, list)):
            out.extend(c for c in value if isinstance(c, cst.CSTNode))
    return out


def contains(tree: Any, target: Any) -> bool:
    """``target`` is ``tree`` or one of its descendants (by identity; a node that is not libcst's has none)."""
    return tree is target or isinstance(tree, cst.CSTNode) and any(contains(c, target) for c in children(tree))


def _plain(visitor_cls: type) -> bool:
    """Whether the fast traversal is exactly equivalent for visitors of this class."""
    plain = _PLAIN.get(visitor_cls)
    if plain is None:
        plain = (issubclass(visitor_cls, cst.CSTVisitor)
                 and visitor_cls.on_visit_attribute is _BASE_VISIT_ATTR
                 and visitor_cls.on_leave_attribute is _BASE_LEAVE_ATTR
                 and not any(_attribute_hook(name) and getattr(visitor_cls, name) is not getattr(cst.CSTVisitor, name, None)
                             for name in dir(visitor_cls)))
        _PLAIN[visitor_cls] = plain
    return plain


def _attribute_hook(name: str) -> bool:
    for prefix in ("visit_", "leave_"):
        if name.startswith(prefix):
            rest = name[len(prefix):]
            return "_" in rest and rest[:1].isupper()
    return False


def _kind(t: type) -> int:
    """1: a node, 2: a sequence of nodes, 0: anything else (a string, None, a sentinel)."""
    k = _KIND.get(t)
    if k is None:
        k = _KIND[t] = 1 if issubclass(t, cst.CSTNode) else 2 if issubclass(t, (tuple, list)) else 0
    return k


_KIND: dict[type, int] = {}
_HOOKS: dict[type, dict[type, tuple[Any, Any, tuple[str, ...]]]] = {}
_VISITED_KIND: dict[type, dict[type, int]] = {}  # per visitor class: _kind, with the trivia it skips as 0


def _trivia() -> frozenset[type]:
    """Whitespace, comments, operators and brackets: nodes holding only each other (and strings),
    about two thirds of a module's nodes."""
    from libcst._nodes import op, whitespace

    found = {c for m in (op, whitespace) for c in vars(m).values()
             if isinstance(c, type) and issubclass(c, cst.CSTNode) and c.__module__ == m.__name__}
    found.update((cst.LeftParen, cst.RightParen, cst.LeftSquareBracket, cst.RightSquareBracket,
                  cst.LeftCurlyBrace, cst.RightCurlyBrace))
    return frozenset(found)


TRIVIA = _trivia()


def _visited_kinds(visitor_cls: type) -> dict[type, int]:
    """The kind table of a visitor class: a visitor with no hook on any trivia class is not walked
    into trivia (none of its hooks could be called there); one with such a hook walks everything."""
    kinds = _VISITED_KIND.get(visitor_cls)
    if kinds is None:
        hooked = any(getattr(visitor_cls, f"{p}_{c.__name__}", None) is not getattr(cst.CSTVisitor, f"{p}_{c.__name__}", None)
                     for c in TRIVIA for p in ("visit", "leave"))
        kinds = _VISITED_KIND[visitor_cls] = {} if hooked else dict.fromkeys(TRIVIA, 0)
    return kinds


def _hooks(visitor_cls: type, node_cls: type) -> tuple[Any, Any, tuple[str, ...]]:
    """(visit function, leave function, visited fields) of a visitor class for a node class; a
    hook that is libcst's no-op stub counts as none."""
    name = node_cls.__name__
    found = []
    for hook in (f"visit_{name}", f"leave_{name}"):
        fn = getattr(visitor_cls, hook, None)
        found.append(None if fn is None or fn is getattr(cst.CSTVisitor, hook, None) else fn)
    return found[0], found[1], visit_order(node_cls)


def _visit(self: Any, visitor: Any) -> Any:
    vcls = type(visitor)
    if not vcls.__module__.startswith(_OURS[0]) or not _plain(vcls) or any(k.startswith(("visit_", "leave_", "on_")) for k in getattr(visitor, "__dict__", ())):
        return _ORIGINAL_VISIT(self, visitor)
    if vcls.on_visit is _BASE_ON_VISIT and vcls.on_leave is _BASE_ON_LEAVE:
        table = _HOOKS.get(vcls)
        if table is None:
            table = _HOOKS[vcls] = {}
        _walk_hooks(self, visitor, vcls, table, _visited_kinds(vcls))
    else:
        _walk(self, visitor)
    return self


def _walk_hooks(node: Any, visitor: Any, vcls: type, table: dict[type, tuple[Any, Any, tuple[str, ...]]],
                kinds: dict[type, int]) -> None:
    """The traversal for visitors that keep libcst's ``on_visit`` / ``on_leave`` (dispatch to
    ``visit_<Node>`` / ``leave_<Node>``), with the lookups cached per node class (``kinds``: the
    visitor's :func:`_visited_kinds`, trivia it has no hook for are not entered)."""
    cls = type(node)
    entry = table.get(cls)
    if entry is None:
        entry = table[cls] = _hooks(vcls, cls)
    visit_fn, leave_fn, order = entry
    if visit_fn is None or visit_fn(visitor, node) is not False:
        for name in order:
            value = getattr(node, name)
            k = kinds.get(type(value))
            if k is None:
                k = kinds[type(value)] = _kind(type(value))
            if k == 1:
                _walk_hooks(value, visitor, vcls, table, kinds)
            elif k == 2:
                for child in value:
                    if kinds.get(type(child), 1):
                        _walk_hooks(child, visitor, vcls, table, kinds)
    if leave_fn is not None:
        leave_fn(visitor, node)


def _walk(node: Any, visitor: Any) -> None:
    if visitor.on_visit(node):
        cls = type(node)
        order = _ORDER.get(cls) or visit_order(cls)
        for name in order:
            value = getattr(node, name)
            if isinstance(value, cst.CSTNode):
                _walk(value, visitor)
            elif isinstance(value, (tuple, list)):
                for child in value:
                    _walk(child, visitor)
    visitor.on_leave(node)


def install(modules: tuple[str, ...] = ("pytest_tokenbudget.",)) -> None:
    """Make ``CSTNode.visit`` use the non-rebuilding traversal (idempotent) for the visitors defined
    in ``modules`` (name prefixes); every other visitor keeps libcst's own ``visit``."""
    _OURS[0] = modules
    cst.CSTNode.visit = _visit  # type: ignore[method-assign,assignment]


def uninstall() -> None:
    """Give ``CSTNode.visit`` back to libcst."""
    cst.CSTNode.visit = _ORIGINAL_VISIT  # type: ignore[method-assign]


def installed() -> bool:
    return cst.CSTNode.visit is _visit
