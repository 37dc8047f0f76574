"""A list a helper builds step by step and returns: ``system=self._build_system_blocks()``.

A helper that assembles the request's system blocks writes ``blocks = [{"type": "text", "text":
PROMPT}]``, then ``blocks.append({... "text": SCHEMA, "cache_control": ...})`` and ``return blocks``.
The resolver keeps a list grown by appends as ending in an unknown item, so the request's blocks
(and the JSON ask or cache breakpoint in them) went unseen. :func:`built_list` follows the helper's
body in order, at its top level only: the literal, each ``append`` / ``extend([...])``, then the
``return``. The one rebinding allowed is the key filter ``blocks = [{k: v for k, v in b.items()
if ...} for b in blocks]`` (dropping ``None`` markers when caching is off): the blocks stay the
same blocks. Anything else touching the name (a loop, a branch appending, another assignment)
leaves the list unknown, so every block counted is one the helper always sends.
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from pytest_tokenbudget.lint.analysis.values import UNKNOWN

__all__ = ["built_list"]

_MAX_STATEMENTS = 200


def built_list(resolver: Any, body: list[Any], name: str, scope: Any, depth: int) -> Any:
    """The list ``name`` the statements ``body`` build and return, its items resolved in
    ``scope``; UNKNOWN when the building is not straight-line literal + appends."""
    items: list[Any] | None = None
    for stmt in body[:_MAX_STATEMENTS]:
        if items is None:
            items = _literal(stmt, name)
            if items is None and _mentions(stmt, name):
                return UNKNOWN
            continue
        grown = _appended(stmt, name)
        if grown is not None:
            items.extend(grown)
        elif _returns(stmt, name):
            return [resolver.expr(node, scope, depth + 1) for node in items]
        elif _mentions(stmt, name) and not _key_filter(stmt, name):
            return UNKNOWN
    return UNKNOWN


def _literal(stmt: Any, name: str) -> list[Any] | None:
    """The element nodes of ``name = [a, b]`` (no starred element), else None."""
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return None
    st = stmt.body[0]
    value = st.value if isinstance(st, (cst.Assign, cst.AnnAssign)) else None
    targets = [t.target for t in st.targets] if isinstance(st, cst.Assign) else \
        [st.target] if isinstance(st, cst.AnnAssign) else []
    if len(targets) != 1 or not isinstance(targets[0], cst.Name) or targets[0].value != name \
            or not isinstance(value, cst.List) or not all(isinstance(e, cst.Element) for e in value.elements):
        return None
    return [e.value for e in value.elements]


def _appended(stmt: Any, name: str) -> list[Any] | None:
    """The nodes ``name.append(x)`` / ``name.extend([x, y])`` adds, else None."""
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1 or not isinstance(stmt.body[0], cst.Expr):
        return None
    call = stmt.body[0].value
    if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute) \
            or not isinstance(call.func.value, cst.Name) or call.func.value.value != name \
            or len(call.args) != 1 or call.args[0].star or call.args[0].keyword is not None:
        return None
    arg = call.args[0].value
    if call.func.attr.value == "append":
        return [arg]
    if call.func.attr.value == "extend" and isinstance(arg, (cst.List, cst.Tuple)) \
            and all(isinstance(e, cst.Element) for e in arg.elements):
        return [e.value for e in arg.elements]
    return None


def _returns(stmt: Any, name: str) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Return) \
        and isinstance(stmt.body[0].value, cst.Name) and stmt.body[0].value.value == name


def _key_filter(stmt: Any, name: str) -> bool:
    """``[if ...:] name = [{k: v for k, v in b.items() if ...} for b in name]``: the same blocks."""
    if isinstance(stmt, cst.If) and stmt.orelse is None and isinstance(stmt.body, cst.IndentedBlock) \
            and len(stmt.body.body) == 1 and not _mentions(stmt.test, name):
        stmt = stmt.body.body[0]
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1 or not isinstance(stmt.body[0], cst.Assign):
        return False
    st = stmt.body[0]
    comp = st.value
    if len(st.targets) != 1 or not isinstance(st.targets[0].target, cst.Name) or st.targets[0].target.value != name \
            or not isinstance(comp, cst.ListComp) or comp.for_in.inner_for_in is not None or comp.for_in.ifs \
            or not isinstance(comp.for_in.iter, cst.Name) or comp.for_in.iter.value != name \
            or not isinstance(comp.for_in.target, cst.Name) or not isinstance(comp.elt, cst.DictComp):
        return False
    inner = comp.elt
    it = inner.for_in.iter
    return isinstance(inner.key, cst.Name) and isinstance(inner.value, cst.Name) \
        and isinstance(it, cst.Call) and isinstance(it.func, cst.Attribute) and it.func.attr.value == "items" \
        and isinstance(it.func.value, cst.Name) and it.func.value.value == comp.for_in.target.value


class _Finder(cst.CSTVisitor):
    def __init__(self, name: str) -> None:
        self.name, self.found = name, False

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == self.name:
            self.found = True


def _mentions(node: Any, name: str) -> bool:
    finder = _Finder(name)
    node.visit(finder)
    return finder.found

