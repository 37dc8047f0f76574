"""What a template field read from a parameter or a typed attribute can hold, by its declaration.

``_SYSTEM.format(theme=theme)`` with ``theme: Theme = "GRID INDEPENDENCE"`` (``Theme =
Literal["GRID INDEPENDENCE", "NET ZERO", "ROI FIRST"]``), or ``f"Tone: {brief.tone}"`` with
``brief: Brief`` whose class declares ``tone: str = "friendly"``: the value is not known, but its
declaration bounds it, and a rule that must show a prompt is *short* (TB102: a ``cache_control``
marker on a prefix below the minimum) needs exactly that bound:

* a ``Literal[...]`` annotation (written in place or through a module-level alias): the field is
  one of those strings, a hole with ``options`` (what :func:`.values.choice` builds);
* a ``str`` (or unannotated) parameter or class field whose default is a short one-line label
  (at most ``LABEL_CHARS`` characters): a label such as a theme, a tone or a language, a hole
  with ``most`` = ``LABEL_TOKENS`` (:mod:`..declared_fields`). A document or a user's message has no such default.

Only plain reads are bounded: a name that is a parameter of the function reading it, or
``param.attr`` where the parameter is annotated with a class of the same module.
"""

from __future__ import annotations

from collections.abc import Container
from typing import Any

import libcst as cst

from pytest_tokenbudget.lint.analysis.scopes import Scope, lookup
from pytest_tokenbudget.lint.analysis.values import MAX_OPTIONS
from pytest_tokenbudget.lint.declared_fields import declared_text

__all__ = ["field_value"]


def _literal_strings(annotation: Any, scope: Scope, depth: int = 0) -> tuple[str, ...] | None:
    """The strings of ``Literal["a", "b"]`` (``typing.Literal``, or an alias of one in the module)."""
    if isinstance(annotation, cst.Subscript):
        base = annotation.value
        name = base.attr.value if isinstance(base, cst.Attribute) else base.value if isinstance(base, cst.Name) else ""
        if name != "Literal":
            return None
        out = []
        for el in annotation.slice:
            value = el.slice.value if isinstance(el.slice, cst.Index) else None
            if not isinstance(value, cst.SimpleString):
                return None
            out.append(value.evaluated_value)
        return tuple(out) if 0 < len(out) <= MAX_OPTIONS and all(isinstance(v, str) for v in out) else None
    if isinstance(annotation, cst.Name) and depth < 3:
        found = lookup(annotation.value, scope.module())
        if found is None or [b.kind for b in found[1]] != ["assign"]:
            return None
        return _literal_strings(found[1][0].node, scope, depth + 1)
    return None


def _bounded(annotation: Any, default: Any, scope: Scope, passed: bool = False) -> Any:
    literal = _literal_strings(annotation, scope) if annotation is not None else None
    bare = not passed and (annotation is None or (isinstance(annotation, cst.Name) and annotation.value == "str"))
    value = default.evaluated_value if isinstance(default, cst.SimpleString) else None
    return declared_text(literal, value, bare)


def _param(name: str, scope: Scope, passed: Container[tuple[int, str]]) -> tuple[cst.Param, bool] | None:
    """The parameter ``name`` reads, and whether a caller passes it a value (a key of ``passed``)."""
    found = lookup(name, scope)
    if found is None or [b.kind for b in found[1]] != ["param"] or not isinstance(found[1][0].node, cst.Param):
        return None
    return found[1][0].node, (id(found[0]), name) in passed


def _class_field(cls_name: str, attr: str, scope: Scope) -> tuple[Any, Any] | None:
    """(annotation, default) of ``attr: T = default`` in the body of class ``cls_name`` of the module."""
    found = lookup(cls_name, scope.module())
    if found is None or [b.kind for b in found[1]] != ["class"] or not isinstance(found[1][0].node, cst.ClassDef):
        return None
    body = found[1][0].node.body
    for line in body.body if isinstance(body, cst.IndentedBlock) else ():
        for small in getattr(line, "body", ()):
            if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.target.value == attr:
                default = small.value
                if isinstance(default, cst.Call):  # Field("x", ...) / field(default="x")
                    default = next((a.value for a in default.args if a.keyword is None
                                    or a.keyword.value == "default"), None)
                return small.annotation.annotation, default
    return None


def field_value(node: Any, scope: Scope, passed: Container[tuple[int, str]] = ()) -> Any:
    """The bounded value of a template field (see the module docstring), else None. A parameter
    among ``passed`` (``(id(function scope), name)``: a caller gives it a value) keeps only a
    ``Literal`` bound: its label default is not what that caller sends."""
    try:
        if isinstance(node, cst.Name):
            found_param = _param(node.value, scope, passed)
            if found_param is None:
                return None
            param, by_caller = found_param
            return _bounded(param.annotation.annotation if param.annotation else None, param.default, scope,
                            by_caller)
        if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name):
            found_param = _param(node.value.value, scope, passed)
            param = found_param[0] if found_param is not None else None
            ann = param.annotation.annotation if param is not None and param.annotation else None
            if not isinstance(ann, cst.Name):
                return None
            found = _class_field(ann.value, node.attr.value, scope)
            return _bounded(found[0], found[1], scope) if found else None
    except (AttributeError, TypeError, ValueError):  # an odd declaration: no bound
        return None
    return None
