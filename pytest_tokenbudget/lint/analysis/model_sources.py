"""Every value a call's ``model=`` can take, when it is not a single one.

The resolver gives one value per expression: a parameter resolves to its default, a name assigned
in several branches to nothing. For the model-id rules (TB302 / TB303) that is either too sure or
too blind:

* ``def complete(self, model=SONNET)`` whose callers pass ``model=HAIKU``: the default is one of
  the values, not the value (a parameter of ``__init__`` stored in ``self.model``: the callers are
  the constructor calls ``Cls(model=...)``); found by the project's caller search
  (:func:`..arguments.passed_values`);
* ``self.config.model`` / ``settings.model`` where ``config: Config`` is a parameter annotated with
  a field class of the project (a dataclass, a pydantic settings model): what every construction
  of ``Config`` in the project gives the field (:mod:`.typed_fields`);
* ``MODELS[tier]`` / ``MODELS.get(tier, DEFAULT)`` with a key that cannot be pinned: every id of
  the table; the same lookup returned by a project helper (``get_model_name(tier)``, :mod:`..model_tables`);
* ``if name == "claude-sonnet": model = "claude-3-sonnet-20240229" elif ...: model = ...``: each
  branch's value. When the branches translate the parameter itself (every assignment sits under an
  ``if`` comparing that name), the untranslated fall-through is not counted; otherwise an
  unknown parameter is.

:func:`model_choices` returns those values (``UNKNOWN`` for any that cannot be pinned), or None
when the single resolved value stands.
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from pytest_tokenbudget.lint.analysis import crossref
from pytest_tokenbudget.lint.analysis.typed_fields import typed_field
from pytest_tokenbudget.lint.analysis.resolve import Resolver
from pytest_tokenbudget.lint.analysis.rebinding import evaluated_as, reads
from pytest_tokenbudget.lint.analysis.reaching import reaching_from
from pytest_tokenbudget.lint.analysis.scopes import Binding, Position, Scope, lookup, method_scope
from pytest_tokenbudget.lint.analysis.self_choices import every_assignment
from pytest_tokenbudget.lint.analysis.values import UNKNOWN, loop_ids, spelled_out

__all__ = ["default_note", "model_choices", "rebound_choices"]


def model_choices(node: Any, scope: Scope, resolver: Resolver, path: str,
                  at: Position | None = None) -> tuple[Any, ...] | None:
    if isinstance(node, cst.Attribute):
        if _set_from_outside(node, scope):
            return (UNKNOWN,)  # generator = Generator(); generator.model = args.model: not the class's own value
        own = _self_attribute(node, scope, resolver, path) if isinstance(node.value, cst.Name) else None
        return own if own is not None else typed_field(node, scope, resolver)
    if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.Or):
        fallback = resolver.expr(node.right, scope)
        if not isinstance(node.left, cst.Name):  # row.model or DEFAULT: a value read at run time, else the
            return (fallback,) if isinstance(fallback, str) else None  # fallback (read like getenv's default)
        choices = model_choices(node.left, scope, resolver, path)  # model or DEFAULT_MODEL: the callers' model,
        if choices is None:  # else the fallback
            return None
        return tuple(fallback if v is None or v == "" else v for v in choices)
    if isinstance(node, cst.IfExp):
        return _conditional_choices(node, scope, resolver, path)
    if isinstance(node, cst.Subscript):
        return _table_choices(node, scope, resolver)
    if isinstance(node, cst.Call):
        return _table_choices(node, scope, resolver) or _returned_choices(node, path, scope, resolver)
    if not isinstance(node, cst.Name):
        return None
    found = lookup(node.value, scope)
    if found is None:
        return None
    where, bindings = found
    if at is not None and (reached := reaching_from(scope, at, where, bindings)) is not None:
        return model_choices(reached.node, where, resolver, path) or (resolver.expr(reached.node, where),)
    kinds = [b.kind for b in bindings]
    if kinds == ["param"]:
        if _bound(resolver, where, node.value):
            return None  # a variant: the caller's value stands (callerargs binds it)
        return _param_choices(bindings[0], where, resolver, path)
    if kinds == ["loop"]:  # for m in ["claude-a", "claude-b"]: a fallback chain, each id sent in turn
        ids = spelled_out(loop_ids(resolver.expr(bindings[0].node, where)))
        return tuple(ids) if ids and all(isinstance(i, str) for i in ids) else None
    if kinds == ["assign"] and isinstance(bindings[0].node, cst.Call):  # model = get_model_name(tier)
        return _returned_choices(bindings[0].node, path, where, resolver)
    if kinds == ["assign"] and isinstance(bindings[0].node, cst.BooleanOperation):  # model = row.model or DEFAULT
        return model_choices(bindings[0].node, where, resolver, path)
    if kinds.count("assign") >= 1 and set(kinds) <= {"param", "assign"} and kinds.count("param") <= 1 \
            and len(kinds) >= 2:
        return _branch_choices(node.value, bindings, where, resolver, path)
    return None


def rebound_choices(site: Any, node: Any, resolver: Resolver) -> tuple[Any, ...] | None:
    """``model_choices`` for one caller's variant of ``site`` (``resolver`` binds the parameters the
    request reads to that caller's values): a defaulted parameter is then the value the caller
    passes (or leaves to the default), not every value of every caller. ``node`` is the variant's
    model expression; one that is not the site's own (the caller's ``**kwargs``) keeps no choices."""
    own = site.arg_nodes.get("model")
    if own is None and node is None:
        return site.model_choices  # the "model" entry of a dict built elsewhere (.unpacked_model): as it was
    if own is None or node is not own or site.scope is None:
        return None
    return model_choices(node, site.scope, resolver, site.path, at=site.at)


def default_note(call: Any) -> str:
    """`` (the default of parameter `model`)`` when the call's model is a parameter's default (or the
    fallback of ``model or DEFAULT`` / ``self.model = model or DEFAULT``), the value a caller that
    passes none sends; else ``""``."""
    node, scope = call.arg_nodes.get("model"), call.scope
    model = call.model if isinstance(call.model, str) else \
        call.model_choices[0] if call.model_choices and len(set(call.model_choices)) == 1 else None
    if scope is None or not isinstance(model, str):
        return ""
    if isinstance(node, cst.Name) and (found := lookup(node.value, scope)) is not None and len(found[1]) == 1 \
            and isinstance(found[1][0].node, cst.BooleanOperation):  # model = row.model or DEFAULT
        node, scope = found[1][0].node, found[0]
    if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.Or) \
            and not isinstance(node.left, cst.Name) and Resolver().expr(node.right, scope) == model:
        return f" (the fallback when `{cst.Module(body=[]).code_for_node(node.left)}` is empty)"
    if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name):  # self.model set in __init__
        fn = method_scope(scope)
        if fn is None or fn.owner_class is None or node.value.value != fn.self_name:
            return ""
        bindings = fn.owner_class.self_attrs.get(node.attr.value, [])
        if len(bindings) != 1 or bindings[0].kind != "assign" or bindings[0].scope is None:
            return ""
        node, scope = bindings[0].node, bindings[0].scope
    fallback = None
    if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.Or):
        node, fallback = node.left, node.right
    found = lookup(node.value, scope) if isinstance(node, cst.Name) else None
    if found is None or [b.kind for b in found[1]] != ["param"] or found[1][0].node.default is None:
        return ""
    where, (b,) = found
    resolver = Resolver()
    default = resolver.expr(b.node.default, where.parent or where)
    if fallback is None:
        return f" (the default of parameter `{node.value}`)" if default == model else ""
    if default in (None, "") and resolver.expr(fallback, scope) == model:
        return f" (the fallback when no `{node.value}` is passed)"
    return ""


def function_name(scope: Scope) -> str | None:
    """``f`` / ``Class.m`` for a module-level function or a method of a module-level class (the names
    the caller search knows), else None (a nested function)."""
    parent = scope.parent
    top = parent is not None and (parent.kind == "module" or (
        parent.kind == "class" and parent.parent is not None and parent.parent.kind == "module"))
    return scope.qualname() if top else None


def _bound(resolver: Resolver, where: Scope, name: str) -> bool:
    """Whether ``resolver`` binds parameter ``name`` of ``where`` to a caller's value."""
    return (id(where), name) in getattr(resolver, "overrides", {})


def _conditional_choices(node: cst.IfExp, scope: Scope, resolver: Resolver, path: str) -> tuple[Any, ...] | None:
    """``A if test else B`` with a test the linter cannot decide: both branches' values (each branch's
    own choices when it has several). A branch naming a variable the program never defines, behind
    ``"NAME" in globals()``, is never taken: the other branch's value is the value."""
    test = resolver.expr(node.test, scope)
    if isinstance(test, (bool, int, str, type(None))):
        return None  # a decided test: the resolver's single value stands
    dead = _undefined_guard(node.test, scope)
    out: list[Any] = []
    for branch in (node.body, node.orelse):
        if isinstance(branch, cst.Name) and branch.value == dead:
            continue
        choices = model_choices(branch, scope, resolver, path)
        out.extend(choices if choices is not None else (resolver.expr(branch, scope),))
    return tuple(out)


def _undefined_guard(test: Any, scope: Scope) -> str | None:
    """``NAME`` for a test ``"NAME" in globals()`` (``locals()`` / ``vars()``) where nothing in scope
    binds ``NAME``."""
    if not (isinstance(test, cst.Comparison) and len(test.comparisons) == 1
            and isinstance(test.comparisons[0].operator, cst.In) and isinstance(test.left, cst.SimpleString)):
        return None
    call = test.comparisons[0].comparator
    if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and not call.args
            and call.func.value in ("globals", "locals", "vars")):
        return None
    name = test.left.evaluated_value
    module = scope.module().node
    star = isinstance(module, cst.Module) and any(
        isinstance(small, cst.ImportFrom) and isinstance(small.names, cst.ImportStar)
        for st in module.body if isinstance(st, cst.SimpleStatementLine) for small in st.body)
    return name if isinstance(name, str) and not star and lookup(name, scope) is None else None


def _table_choices(node: cst.Subscript | cst.Call, scope: Scope, resolver: Resolver) -> tuple[Any, ...] | None:
    """``MODELS[tier]`` / ``MODELS.get(tier, DEFAULT)`` with a key that cannot be pinned: every id
    of the table (and the default) is a value the call may send."""
    if isinstance(node, cst.Subscript):
        if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
            return None
        table, key, default = node.value, node.slice[0].slice.value, None
    elif isinstance(node.func, cst.Attribute) and node.func.attr.value == "get" and 1 <= len(node.args) <= 2 \
            and all(a.keyword is None and not a.star for a in node.args):
        table, key = node.func.value, node.args[0].value
        default = node.args[1].value if len(node.args) == 2 else None
    else:
        return None
    values = resolver.expr(table, scope)
    if type(values) is not dict or not values or isinstance(resolver.expr(key, scope), (str, int)):
        return None  # not a closed table, or a constant key (the resolver's single value stands)
    choices = list(values.values()) + ([resolver.expr(default, scope)] if default is not None else [])
    return tuple(choices) if all(isinstance(v, str) for v in choices) else None


def _returned_choices(call: cst.Call, path: str, scope: Scope, resolver: Resolver) -> tuple[Any, ...] | None:
    """A project helper returning a table lookup: every id of the table for a key it cannot pin, the
    entry of the key the call passes when the resolver knows it (a caller's tier)."""
    from pytest_tokenbudget.lint.model_tables import returned_table
    from pytest_tokenbudget.lint.project import active

    act = active()
    if act is None:
        return None
    args: dict[int | str, Any] = {}
    spread: tuple[int | str, list[Any]] | None = None
    for i, a in enumerate(call.args):
        if a.star:
            break
        key = a.keyword.value if a.keyword is not None else i
        args[key] = resolver.expr(a.value, scope)
        overridden = _overridden_default(a.value, scope, resolver) if spread is None else None
        if overridden is not None:
            spread = (key, overridden)
    source = cst.Module([]).code_for_node(call)
    if spread is None:
        values = returned_table(act[0], act[1], source, args)
        return tuple(values) if values else None
    out: list[Any] = []  # a key the callers pass: the entries of the default and of every caller's key
    for key_value in spread[1]:
        got = returned_table(act[0], act[1], source, {**args, spread[0]: key_value})
        if not got:
            return None
        out.extend(got)
    return tuple(out)


def _overridden_default(node: Any, scope: Scope, resolver: Resolver) -> list[Any] | None:
    """``tier`` a parameter of a module-level function (or method) with a default that project
    callers override: the default and every value they pass (``UNKNOWN`` for one that cannot be
    pinned), else None (the resolver's one value stands)."""
    if not isinstance(node, cst.Name):
        return None
    found = lookup(node.value, scope)
    if found is None or [b.kind for b in found[1]] != ["param"] or _bound(resolver, found[0], node.value):
        return None
    where, (b,) = found
    function = function_name(where)
    if b.node.default is None or function is None:
        return None
    passed = _passed(function, node.value)
    if not passed:
        return None
    return list(dict.fromkeys([resolver.expr(b.node.default, where.parent or where), *passed]))


def _set_from_outside(node: cst.Attribute, scope: Scope) -> bool:
    """``self.attr`` of a class whose instances the project also assigns ``attr`` on."""
    fn = method_scope(scope)
    return isinstance(node.value, cst.Name) and fn is not None and fn.owner_class is not None \
        and node.value.value == fn.self_name and bool(fn.owner_class.name) \
        and crossref.set_on_instances(fn.owner_class.name, node.attr.value)


def _self_attribute(node: cst.Attribute, scope: Scope, resolver: Resolver, path: str) -> tuple[Any, ...] | None:
    """``self.model`` set once, from a parameter of the method that sets it (``__init__``)."""
    fn = method_scope(scope)
    if fn is None or fn.owner_class is None or node.value.value != fn.self_name:
        return None
    bindings = fn.owner_class.self_attrs.get(node.attr.value, [])
    if len(bindings) > 1:
        return every_assignment(bindings, resolver)
    if len(bindings) != 1 or bindings[0].kind != "assign" or bindings[0].scope is None \
            or not isinstance(bindings[0].node, (cst.Name, cst.BooleanOperation)):
        return None
    value = bindings[0].node
    name = value if isinstance(value, cst.Name) else value.left
    found = lookup(name.value, bindings[0].scope) if isinstance(name, cst.Name) else None
    if found is None or [b.kind for b in found[1]] != ["param"] or found[0] is not bindings[0].scope:
        return None  # self.model = model / model or DEFAULT, model a parameter of the method setting it
    return model_choices(value, bindings[0].scope, resolver, path)


def _passed(function: str, param: str) -> list[Any]:
    """What the callers pass for ``param``, a caller's choice of ids (``model = "a"``, then ``if x:
    model = "b"``) counted as each id."""
    return [one for v in crossref.passed(function, param) for one in spelled_out(v)]


def _param_choices(b: Binding, fn: Scope, resolver: Resolver, path: str) -> tuple[Any, ...] | None:
    param: cst.Param = b.node
    function = function_name(fn)
    if param.default is None or not isinstance(fn.node, cst.FunctionDef) or function is None:
        return None  # no default: the value comes from the callers (not this module's concern)
    passed = _passed(function, param.name.value)  # __init__: the constructor calls Cls(model=...)
    if not passed:
        return None  # no caller passes it: the default is the value
    default = resolver.expr(param.default, fn.parent or fn)
    return (default, *passed)


def _branch_choices(name: str, bindings: list[Binding], where: Scope, resolver: Resolver,
                    path: str, guarded: bool | None = None) -> tuple[Any, ...] | None:
    assigns = [b.node for b in bindings if b.kind == "assign"]
    values: list[Any] = []
    lookups = [v for v in assigns if reads(v, name)]  # model = NICKNAMES[model]: applied to what is passed
    for value in assigns:  # model = get_model_name(tier) in a branch: every id of the helper's table
        if value in lookups:
            continue
        got = resolver.expr(value, where)
        table = _returned_choices(value, path, where, resolver) \
            if not isinstance(got, str) and isinstance(value, cst.Call) else None
        values.extend(table or (got,))
    param = next((b for b in bindings if b.kind == "param"), None)
    if param is None:
        return tuple(values)
    fn = where.node if isinstance(where.node, cst.FunctionDef) else None
    if guarded is None:
        guarded = fn is not None and _none_guarded(fn, name, assigns)
    if guarded and not _bound(resolver, where, name):
        cache = where.__dict__.setdefault("guarded_choices", {})  # the same for every variant of the site
        if name not in cache:
            cache[name] = _guarded_by_caller(name, bindings, where, path)
        if cache[name] is not None:
            return cache[name]
    if _bound(resolver, where, name):
        passed = spelled_out(resolver.overrides[(id(where), name)])  # type: ignore[attr-defined]
    elif param.node.default is not None:
        function = function_name(where)
        passed = [resolver.expr(param.node.default, where.parent or where)]
        passed += _passed(function, name) if fn is not None and function is not None else []
    elif fn is None or _mapped_assignments(fn, name) != len(assigns):
        passed = [UNKNOWN]  # an untranslated parameter value falls through
    else:
        passed = []
    if guarded:
        passed = [v for v in passed if v is not None]  # `if model is None: model = ...` replaces it
    if lookups:  # each value passed, through the lookup (a nickname the table knows becomes its id)
        passed = [_looked_up(resolver, where, name, lookups, v) for v in passed]
    return tuple(values + passed)


def _looked_up(resolver: Resolver, where: Scope, name: str, lookups: list[Any], value: Any) -> Any:
    """``value`` of ``name`` after ``name = TABLE[name]`` (the first lookup that gives a text; else
    ``value`` itself: ``if model in TABLE`` left it as it was)."""
    for node in lookups:
        got = evaluated_as(resolver, where, name, value, node)
        if isinstance(got, str):
            return got
    return value


class _Bound(Resolver):
    """The resolver with one caller's values bound to the parameters of a function."""

    def __init__(self, overrides: dict[tuple[int, str], Any]) -> None:
        super().__init__()
        self.overrides = overrides

    def _param(self, param: cst.Param, where: Scope, depth: int) -> Any:
        key = (id(where), param.name.value)
        return self.overrides[key] if key in self.overrides else super()._param(param, where, depth)


def _guarded_by_caller(name: str, bindings: list[Binding], where: Scope, path: str) -> tuple[Any, ...] | None:
    """``def ask(q, model=None, tier=None): if model is None: model = pick(tier)``: the callers that
    pass no model send what the assignment gives with their other arguments (``tier="haiku"``); only
    they are counted when there are any (a caller's own model is its own; it never reaches the
    assignment), else the models the callers pass. None without project callers."""
    from pytest_tokenbudget.lint.arguments import parameter_values
    from pytest_tokenbudget.lint.project import active

    act, function = active(), function_name(where)
    fn: cst.FunctionDef = where.node
    if act is None or function is None:
        return None
    params = {p.name.value for p in (*fn.params.posonly_params, *fn.params.params, *fn.params.kwonly_params)}
    found = parameter_values(act[0], act[1], function, frozenset(params - {where.self_name or "self", "cls"}))
    if not found:
        return None
    relying = [a for a in found if a.values.get(name) is None]
    if not relying:
        return tuple(a.values.get(name) for a in found)
    out: list[Any] = []
    seen: set[str] = set()
    for a in relying:
        key = repr(sorted(a.values.items()))
        if key in seen:
            continue  # many callers pass the same arguments
        seen.add(key)
        bound = _Bound({(id(where), p): v for p, v in a.values.items()})
        out.extend(_branch_choices(name, bindings, where, bound, path, guarded=True) or (UNKNOWN,))
    return tuple(out)


class _MappingVisitor(cst.CSTVisitor):
    """Counts assignments to ``name`` directly inside ``if name == <constant>`` branches."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # nested functions have their own names

    def visit_If(self, node: cst.If) -> None:
        test = node.test
        if isinstance(test, cst.Comparison) and isinstance(test.left, cst.Name) and test.left.value == self.name \
                and len(test.comparisons) == 1 and isinstance(test.comparisons[0].operator, (cst.Equal, cst.In)):
            for st in node.body.body:
                for small in getattr(st, "body", []):
                    if isinstance(small, cst.Assign) and any(
                            isinstance(t.target, cst.Name) and t.target.value == self.name for t in small.targets):
                        self.count += 1


def _mapped_assignments(fn: cst.FunctionDef, name: str) -> int:
    v = _MappingVisitor(name)
    fn.body.visit(v)
    return v.count


def _is_none_test(test: Any, name: str) -> bool:
    """``name is None`` / ``not name`` (perhaps one side of an ``or``)."""
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.Or):
        return _is_none_test(test.left, name) or _is_none_test(test.right, name)
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return isinstance(test.expression, cst.Name) and test.expression.value == name
    return isinstance(test, cst.Comparison) and isinstance(test.left, cst.Name) and test.left.value == name \
        and len(test.comparisons) == 1 and isinstance(test.comparisons[0].operator, cst.Is) \
        and isinstance(test.comparisons[0].comparator, cst.Name) and test.comparisons[0].comparator.value == "None"


class _GuardVisitor(cst.CSTVisitor):
    """The value nodes assigned to ``name`` (``guarded``: only inside ``if name is None:`` /
    ``if not name:`` bodies; an ``else`` / ``elif`` of such a test runs when it has a value)."""

    def __init__(self, name: str, guarded: bool) -> None:
        self.name, self.guarded = name, guarded
        self.values: set[int] = set()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_If(self, node: cst.If) -> None:
        if self.guarded and _is_none_test(node.test, self.name):
            inner = _GuardVisitor(self.name, guarded=False)
            node.body.visit(inner)
            self.values |= inner.values

    def visit_Assign(self, node: cst.Assign) -> None:
        if not self.guarded and any(isinstance(t.target, cst.Name) and t.target.value == self.name
                                    for t in node.targets):
            self.values.add(id(node.value))


def _none_guarded(fn: cst.FunctionDef, name: str, assigns: list[Any]) -> bool:
    """Every assignment of ``name`` sits under a test that it is None / empty: the parameter's
    None is replaced before the request, never sent."""
    v = _GuardVisitor(name, guarded=True)
    fn.body.visit(v)
    return bool(assigns) and all(id(a) in v.values for a in assigns)
