"""``self.helper(x)``: a one-``return`` method that wraps what it is given into a request part.

``system=self._cached_system(system_prompt)`` where ``_cached_system`` returns
``[{"type": "text", "text": system_prompt, "cache_control": {"type": "ephemeral"}}]`` is the
request's system block list; the caching rules need its marker, and, when the wrapper's callers
pass the prompt (:mod:`.callerargs` variants), its text. :func:`method_call` evaluates the method's
single ``return`` in the method's scope with its parameters bound to the call's arguments:

* in a variant (a resolver with ``overrides``), the arguments' values are bound for the time of
  the evaluation (and forgotten after it: the resolver memoises names per scope);
* otherwise only a call whose arguments are all plain unknowns is evaluated (the parameters read
  as unknown, which is what they are); a known argument keeps the call unknown, as before.

A ``@property`` (or ``@cached_property``) of one ``return`` read as ``self.system_prompt`` is
evaluated the same way (:func:`property_value`). A method or property of a module-level class with
more than one statement or return (a prompt per branch), or an abstract one that subclasses
implement (:mod:`..implementations`), is given the project index's value: a choice of its returns
(of its implementations' returns), its parameters unknown.

Client factories and prompt-returning helpers are :func:`.scopes.factory_client`'s; this runs after it.
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from pytest_tokenbudget.lint.analysis import crossref
from pytest_tokenbudget.lint.analysis.scopes import ClassRef, ImportRef, Scope, function_scope
from pytest_tokenbudget.lint.analysis.values import UNKNOWN, Unknown

__all__ = ["method_call", "own_method", "property_value"]


def method_call(resolver: Any, node: cst.Call, scope: Scope, depth: int) -> Any:
    """The value ``self.helper(...)`` returns (see the module doc), else UNKNOWN."""
    found = _helper(node.func, scope)
    if found is None and not any(a.star for a in node.args):
        made = _instance_method(resolver, node.func, scope, depth)
        return made if made is not UNKNOWN else _several_returns(node.func, scope)
    if found is None or any(a.star for a in node.args):
        return UNKNOWN
    helper, returned = found
    params = _params(helper.node)
    bound: dict[str, Any] = {}
    for i, arg in enumerate(node.args):
        name = arg.keyword.value if arg.keyword is not None else (params[i].name.value if i < len(params) else None)
        if name is None or name not in {p.name.value for p in params}:
            return UNKNOWN
        bound[name] = resolver.expr(arg.value, scope, depth + 1)
    overrides = getattr(resolver, "overrides", None)
    if not isinstance(overrides, dict):
        plain = all(isinstance(v, Unknown) and not v.volatile for v in bound.values())
        if not plain or any(p.default is not None for p in params):
            return UNKNOWN
        return resolver.expr(returned, helper, depth + 1)
    keys = {(id(helper), p): v for p, v in bound.items()}
    saved = {k: overrides[k] for k in keys if k in overrides}
    overrides.update(keys)
    names = [(id(helper), n) for n in helper.bindings]  # (its locals too: path = folder / f"{name}.txt")
    for k in names:
        resolver._memo.pop(k, None)  # the resolver memoises names per scope: this call's values count
    try:
        return resolver.expr(returned, helper, depth + 1)
    finally:
        for k in keys:
            overrides.pop(k, None)
        for k in names:
            resolver._memo.pop(k, None)  # the parameter's value, and what came of it, were this call's
        overrides.update(saved)


_PROPERTY = frozenset({"property", "cached_property"})


def property_value(resolver: Any, node: cst.Attribute, scope: Scope, depth: int) -> Any:
    """``self.system_prompt`` naming a ``@property`` / ``@cached_property`` of the caller's class:
    for a body of one ``return <expr>``, that expression's value in the caller's variant; for any
    other body (several returns, or an abstract property's stub that subclasses implement), the
    project index's value (:func:`_several_returns`); else UNKNOWN."""
    method = own_method(node, scope)
    if method is None:
        return UNKNOWN
    names = {d.decorator.value if isinstance(d.decorator, cst.Name) else d.decorator.attr.value
             if isinstance(d.decorator, cst.Attribute) else "" for d in method.node.decorators}
    if not _PROPERTY & names:
        return UNKNOWN
    returned = _one_return(method)
    return resolver.expr(returned, method, depth + 1) if returned is not None else _several_returns(node, scope)


def _several_returns(func: Any, scope: Scope) -> Any:
    """``self.build(...)`` naming a method of a module-level class with several statements or
    returns: the project index's value for it (a choice of its returns, its parameters unknown)."""
    fn = function_scope(scope)
    if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)) or fn is None \
            or fn.owner_class is None or func.value.value != fn.self_name or fn.owner_class.parent is None \
            or fn.owner_class.parent.kind != "module":
        return UNKNOWN
    defs = fn.owner_class.bindings.get(func.attr.value, [])
    if len(defs) != 1 or defs[0].kind != "def":
        return UNKNOWN
    return crossref.called(None, f"{fn.owner_class.name}.{func.attr.value}")


def _instance_method(resolver: Any, func: Any, scope: Scope, depth: int) -> Any:
    """``ToolRunner().schemas()`` / ``self.tools.schemas()``: a method of a project class called on
    an instance whose class is known (made in place, or an attribute set once from a construction
    or from a parameter annotated with the class): the project index's value for it (a choice of
    its returns, its parameters and ``self`` unknown)."""
    if not isinstance(func, cst.Attribute):
        return UNKNOWN
    cls = _instance_class(resolver, func.value, scope, depth)
    if isinstance(cls, ImportRef):
        return crossref.called(cls.attr(func.attr.value))
    if isinstance(cls, ClassRef) and cls.scope.parent is not None and cls.scope.parent.kind == "module":
        return crossref.called(None, f"{cls.scope.name}.{func.attr.value}")
    if _plain_parameter(func.value, scope):  # registry.get_system_prompt(): the one class defining it
        from pytest_tokenbudget.lint.duck_methods import duck_method

        return duck_method(func.attr.value)
    return UNKNOWN


def _plain_parameter(value: Any, scope: Scope) -> bool:
    """``value`` names a parameter of the enclosing function that has no annotation."""
    fn = function_scope(scope)
    found = fn.bindings.get(value.value, []) if fn is not None and isinstance(value, cst.Name) else []
    return len(found) == 1 and found[0].kind == "param" and found[0].node.annotation is None \
        and value.value not in (fn.self_name, "cls")


def _instance_class(resolver: Any, value: Any, scope: Scope, depth: int) -> Any:
    if isinstance(value, cst.Call):
        return resolver.expr(value.func, scope, depth + 1)
    fn = function_scope(scope)
    if not (isinstance(value, cst.Attribute) and isinstance(value.value, cst.Name) and fn is not None
            and fn.owner_class is not None and value.value.value == fn.self_name):
        return UNKNOWN
    sets = fn.owner_class.self_attrs.get(value.attr.value, [])
    if len(sets) != 1 or sets[0].kind != "assign" or sets[0].scope is None:
        return UNKNOWN
    where, node = sets[0].scope, sets[0].node
    if isinstance(node, cst.Call):  # self.tools = ToolRunner(...)
        return resolver.expr(node.func, where, depth + 1)
    params = where.bindings.get(node.value, []) if isinstance(node, cst.Name) else []
    if len(params) == 1 and params[0].kind == "param" and params[0].node.annotation is not None:
        return resolver.expr(params[0].node.annotation.annotation, where, depth + 1)  # tools: ToolRunner
    return UNKNOWN


def _helper(func: Any, scope: Scope) -> tuple[Scope, cst.BaseExpression] | None:
    """(the method's scope, its returned expression) for ``self.name`` naming a method of the
    caller's class whose body is one ``return <expr>`` (after a docstring)."""
    method = own_method(func, scope)
    returned = _one_return(method) if method is not None else None
    return (method, returned) if method is not None and returned is not None else None


def own_method(func: Any, scope: Scope) -> Scope | None:
    """The scope of the method ``self.name`` names: a ``def`` of the caller's class, bound once."""
    if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)):
        return None
    fn = function_scope(scope)
    if fn is None or fn.owner_class is None or func.value.value != fn.self_name:
        return None
    defs = fn.owner_class.bindings.get(func.attr.value, [])
    if len(defs) != 1 or defs[0].kind != "def" or defs[0].scope is None \
            or not isinstance(defs[0].scope.node, cst.FunctionDef):
        return None
    return defs[0].scope


def _one_return(method: Scope) -> cst.BaseExpression | None:
    """The expression of a body that is one ``return <expr>`` (after a docstring), maybe after local
    names set once and guards that only raise (``path = self.prompt_dir / f"{name}.txt"``; ``if not
    path.exists(): raise ...``; ``return path.read_text()``), else None."""
    body = list(method.node.body.body) if isinstance(method.node.body, cst.IndentedBlock) else []
    if body and _docstring(body[0]):
        body = body[1:]
    if not body or not all(_local_or_guard(st) for st in body[:-1]) \
            or not isinstance(body[-1], cst.SimpleStatementLine) or len(body[-1].body) != 1:
        return None
    ret = body[-1].body[0]
    return ret.value if isinstance(ret, cst.Return) else None


def _local_or_guard(stmt: cst.BaseStatement) -> bool:
    """``name = <expr>``, or ``if <test>: raise ...`` with no other branch."""
    if isinstance(stmt, cst.If):
        block = stmt.body.body if isinstance(stmt.body, cst.IndentedBlock) else []
        return stmt.orelse is None and bool(block) and all(
            isinstance(b, cst.SimpleStatementLine) and all(isinstance(x, cst.Raise) for x in b.body) for b in block)
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return False
    one = stmt.body[0]
    return isinstance(one, cst.Assign) and len(one.targets) == 1 and isinstance(one.targets[0].target, cst.Name) \
        or isinstance(one, cst.AnnAssign) and one.value is not None and isinstance(one.target, cst.Name)


def _docstring(stmt: cst.BaseStatement) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Expr) \
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))


def _params(fn: cst.FunctionDef) -> list[cst.Param]:
    """The parameters a call through ``self.`` fills: all of a staticmethod's, else after the first."""
    params = list(fn.params.posonly_params) + list(fn.params.params)
    static = any(isinstance(d.decorator, cst.Name) and d.decorator.value == "staticmethod" for d in fn.decorators)
    return params if static else params[1:]
