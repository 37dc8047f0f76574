"""The model of a request passed as ``create(**params)`` where the resolver cannot read ``params``.

The resolver reads ``**kw`` when ``kw`` is bound once to a dict literal that nothing changes. Real
code often builds the request elsewhere, and the model rules (TB302 / TB303) only need its
``"model"`` entry:

* ``create(**self._build_request_params())`` / ``params = self._build_params(); create(**params)``:
  a method of the same class (or a function of the module) that returns a dict literal, or a name
  bound once to one (``params = {"model": self.config.model, ...}; params["system"] = ...; return
  params``);
* ``kw = {"model": model, ...}; kw["tools"] = tools; create(**kw)``: a local dict that later
  statements add other keys to;
* ``async def _round(call_kwargs): ... stream(**call_kwargs)`` nested in the function that calls
  ``_round(call_kwargs)`` with such a dict: the enclosing function's dict.

:func:`unpacked_model_choices` gives the values of that entry (every value the model sources of
:mod:`.model_sources` find for its expression, read in the scope it is written in), or None when
the dict cannot be found, when something may set ``"model"`` another way (``kw["model"] = ...``,
``kw.update(...)``), or when the dict has no ``"model"`` key.
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from pytest_tokenbudget.lint.analysis.resolve import Resolver
from pytest_tokenbudget.lint.analysis.scopes import Scope, lookup, method_scope

__all__ = ["unpacked_model_choices"]

_DEPTH = 4


def unpacked_model_choices(call: cst.Call, scope: Scope, resolver: Resolver, path: str) -> tuple[Any, ...] | None:
    """Every value the ``"model"`` entry of the call's one ``**`` argument may take (see the module
    docstring), or None."""
    stars = [a.value for a in call.args if a.star == "**"]
    if len(stars) != 1 or any(a.star == "*" for a in call.args):
        return None
    found = _model_entries(stars[0], scope, 0)
    if not found:
        return None
    from pytest_tokenbudget.lint.analysis.model_sources import model_choices

    out: list[Any] = []
    for node, where in found:
        choices = model_choices(node, where, resolver, path)
        out.extend(choices if choices is not None else (resolver.expr(node, where),))
    return tuple(out)


def _model_entries(node: Any, scope: Scope, depth: int) -> list[tuple[Any, Scope]] | None:
    """The ``"model"`` value nodes (with their scopes) of the dict ``node`` evaluates to."""
    if depth > _DEPTH:
        return None
    if isinstance(node, cst.Dict):
        return _literal_entry(node, scope)
    if isinstance(node, cst.Call):
        return _returned_entries(node, scope, depth)
    if not isinstance(node, cst.Name):
        return None
    found = lookup(node.value, scope)
    if found is None:
        return None
    where, bindings = found
    if len(bindings) == 1 and bindings[0].kind == "param":
        return _passed_entries(node.value, bindings[0].node, where, depth)
    if any(b.kind != "assign" for b in bindings) or not _only_other_keys(node.value, where):
        return None
    out: list[tuple[Any, Scope]] = []
    for b in bindings:  # assigned in several places (one dict per branch or round): every one's model
        got = _model_entries(b.node, where, depth + 1)
        if not got:
            return None
        out.extend(got)
    return out


def _literal_entry(node: cst.Dict, scope: Scope) -> list[tuple[Any, Scope]] | None:
    entries = []
    for el in node.elements:
        if isinstance(el, cst.StarredDictElement):
            return None  # **defaults inside: the model may come from there
        if isinstance(el.key, cst.SimpleString) and el.key.evaluated_value == "model":
            entries.append((el.value, scope))
    return entries if len(entries) == 1 else None


def _returned_entries(call: cst.Call, scope: Scope, depth: int) -> list[tuple[Any, Scope]] | None:
    """``self.method()`` / ``helper()``: the model entry of every dict the function returns."""
    fn = _called_function(call.func, scope)
    if fn is None or not isinstance(fn.node, cst.FunctionDef):
        return None
    returns = _Returns()
    fn.node.body.visit(returns)
    if not returns.values:
        return None
    out: list[tuple[Any, Scope]] = []
    for value in returns.values:
        got = _model_entries(value, fn, depth + 1) if value is not None else None
        if not got:
            return None
        out.extend(got)
    return out


def _called_function(func: Any, scope: Scope) -> Scope | None:
    """The scope of the project function ``func`` names: ``self.m`` (a method of the enclosing
    class) or a function of this module."""
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
        method = method_scope(scope)
        if method is None or method.owner_class is None or func.value.value != method.self_name:
            return None
        bindings = method.owner_class.bindings.get(func.attr.value, [])
    elif isinstance(func, cst.Name):
        found = lookup(func.value, scope)
        bindings = found[1] if found is not None else []
    else:
        return None
    if len(bindings) != 1 or bindings[0].kind != "def":
        return None
    return bindings[0].scope


def _passed_entries(name: str, param: cst.Param, fn: Scope, depth: int) -> list[tuple[Any, Scope]] | None:
    """A parameter of a function nested in another: the dict every call of it in the enclosing
    function passes (a function of a module or class is left to the caller search)."""
    parent = fn.parent
    if parent is None or parent.kind != "function" or not isinstance(fn.node, cst.FunctionDef) \
            or not isinstance(parent.node, cst.FunctionDef) or param.default is not None:
        return None
    params = [p.name.value for p in fn.node.params.params]
    if name not in params:
        return None
    calls = _Calls(fn.node.name.value)
    parent.node.body.visit(calls)
    if not calls.found:
        return None
    out: list[tuple[Any, Scope]] = []
    for c in calls.found:
        arg = _argument(c, params.index(name), name)
        got = _model_entries(arg, parent, depth + 1) if arg is not None else None
        if not got:
            return None
        out.extend(got)
    return out


def _argument(call: cst.Call, index: int, name: str) -> Any:
    if any(a.star for a in call.args):
        return None
    for a in call.args:
        if a.keyword is not None and a.keyword.value == name:
            return a.value
    positional = [a.value for a in call.args if a.keyword is None]
    return positional[index] if index < len(positional) else None


def _only_other_keys(name: str, where: Scope) -> bool:
    """Nothing changes ``name`` but ``name["key"] = ...`` for keys other than ``"model"``."""
    kinds = where.mutated.get(name)
    if not kinds:
        return True
    if kinds != {"setitem"} or where.node is None:
        return False
    keys = _SetKeys(name)
    where.node.visit(keys)
    return keys.ok


class _Returns(cst.CSTVisitor):
    """The values of a function's own ``return`` statements (not those of nested functions)."""

    def __init__(self) -> None:
        self.values: list[Any] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Return(self, node: cst.Return) -> None:
        self.values.append(node.value)


class _Calls(cst.CSTVisitor):
    """The calls ``name(...)`` in a function body (nested functions included: a closure)."""

    def __init__(self, name: str) -> None:
        self.name, self.found = name, []  # type: ignore[var-annotated]

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == self.name:
            self.found.append(node)


class _SetKeys(cst.CSTVisitor):
    """Whether every ``name[key] = ...`` sets a string key other than ``"model"``."""

    def __init__(self, name: str) -> None:
        self.name, self.ok = name, True

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if not (isinstance(node.value, cst.Name) and node.value.value == self.name):
            return
        if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
            self.ok = False
            return
        key = node.slice[0].slice.value
        if not isinstance(key, cst.SimpleString) or key.evaluated_value == "model":
            self.ok = False
