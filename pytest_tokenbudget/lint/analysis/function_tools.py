"""A ``@beta_tool`` function in the file being checked is the tool definition the SDK sends for it
(the rendering is :mod:`..tool_functions`'s; this reads the libcst tree)."""

from __future__ import annotations

from typing import Any

import libcst as cst

from pytest_tokenbudget.lint.analysis.values import UNKNOWN
from pytest_tokenbudget.lint.tool_functions import DECORATORS, annotation_schema, definition

__all__ = ["function_tool"]

_CODE = cst.Module(body=[])


def _decorator(node: cst.FunctionDef, resolver: Any, scope: Any) -> cst.Decorator | None:
    for deco in node.decorators:
        target = deco.decorator.func if isinstance(deco.decorator, cst.Call) else deco.decorator
        ref = resolver.expr(target, scope)
        if getattr(ref, "root", None) == "anthropic" and getattr(ref, "last", None) in DECORATORS:
            return deco
    return None


def function_tool(resolver: Any, node: Any, scope: Any) -> Any:
    """The tool definition the SDK sends for ``node`` (a ``def`` decorated with ``@beta_tool``),
    else ``UNKNOWN``."""
    if not isinstance(node, cst.FunctionDef):
        return UNKNOWN
    deco = _decorator(node, resolver, scope)
    if deco is None:
        return UNKNOWN
    given = {a.keyword.value: resolver.expr(a.value, scope) for a in deco.decorator.args
             if a.keyword is not None} if isinstance(deco.decorator, cst.Call) else {}
    ps = node.params
    params = [(p.name.value, p.default is None, resolver.expr(p.default, scope) if p.default is not None else None,
               annotation_schema(_CODE.code_for_node(p.annotation.annotation) if p.annotation is not None else None))
              for p in [*ps.posonly_params, *ps.params, *ps.kwonly_params] if p.name.value not in ("self", "cls")]
    return definition(node.name.value, node.get_docstring() or "", given, params)
