"""What the project's callers pass to a function's parameters.

A request wrapper (``def ask(system, prompt, model=MODEL)``, a method, or ``self.system = system``
set in ``__init__``) holds the API call; the prompt, the model and the limits come from its callers.
:func:`parameter_values` finds those callers (:func:`.callsearch.find_calls`: the word index, import
checks, the call's keywords and arity checked against the signature) and evaluates, in each
caller's module, what it passes for the asked parameters, with the :mod:`.evaluate` evaluator of the
project index (module constants, ``prompts.py`` imports, prompt files, f-string static parts):

* an argument by keyword or by position (``self`` skipped for methods and constructors), the
  parameter's default when the caller leaves it out, the caller's extra keywords for ``**kwargs``;
  anything spread with ``*``/``**`` is unknown;
* a name local to the calling function is the assignment that reaches the call (:mod:`.reaching`:
  the last one in the straight-line code before it, one of several when a branch may re-assign it,
  plus what ``+=`` adds; unknown when another one may run in between);
* an argument built from the caller's own parameters is followed to *its* callers, up to two
  levels (``_call_api(system, ...)`` forwarding to ``_call_claude(system, ...)``); when the call
  sits in a branch on those parameters (a router: ``if task_type in (...)``), only the callers
  whose values take that branch count (:mod:`.branches`).

Each result is one path of calls (an :class:`Assignment`: parameter -> value, and the call lines it
came through). Results are computed on demand and cached per function for the run.
"""

from __future__ import annotations

import ast
import os
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_tokenbudget.lint.analysis.values import UNKNOWN
from pytest_tokenbudget.lint.astwalk import child_nodes, param_defaults, walk
from pytest_tokenbudget.lint.branches import branch_tests, reachable, tested_names
from pytest_tokenbudget.lint.callnames import find_def
from pytest_tokenbudget.lint.cli_defaults import command_defaults, parses_args
from pytest_tokenbudget.lint.declared_fields import declared_reader
from pytest_tokenbudget.lint.reaching import PARAM, also_written, loop_ancestors, opens_a_file, reaching, \
    straight_line, with_additions
from pytest_tokenbudget.lint.callsearch import FoundCall, field_class, find_calls
from pytest_tokenbudget.lint.self_values import (attribute_class, init_attribute, parameter_class, parameter_field,
                                                  returned_field)

if TYPE_CHECKING:
    from pytest_tokenbudget.lint.project import Project

__all__ = ["Assignment", "parameter_values", "passed_values", "MAX_CALLERS"]

MAX_CALLERS = 12  # calls followed per function
MAX_ASSIGNMENTS = 16  # value combinations kept per function
MAX_DEPTH = 2  # levels of forwarding through the callers' own parameters


@dataclass(frozen=True)
class Assignment:
    """What one path of calls passes: parameter -> value, and (path, line) of each call on the way
    (the direct caller first)."""

    values: dict[str, Any]
    callers: tuple[tuple[str, int], ...]
    omitted: frozenset[str] = frozenset()  # the parameters the direct caller leaves to their defaults


class _Signature:
    """A function's parameters, for binding a call's arguments."""

    def __init__(self, fn: ast.FunctionDef | ast.AsyncFunctionDef, bound_self: bool) -> None:
        a = fn.args
        positional = [*a.posonlyargs, *a.args]
        defaults = param_defaults(fn)
        self.positional = [p.arg for p in positional][1 if bound_self and positional else 0:]
        self.keywords = {p.arg for p in [*a.args, *a.kwonlyargs]}
        self.defaults = defaults
        self.vararg = a.vararg.arg if a.vararg else None
        self.kwarg = a.kwarg.arg if a.kwarg else None
        self.required = {p for p in self.positional if p not in defaults} | \
                        {p.arg for p in a.kwonlyargs if p.arg not in defaults}

    @classmethod
    def of_fields(cls, node: ast.ClassDef) -> _Signature:
        """The constructor of a class declared by its fields (a dataclass, a pydantic model or
        settings class, attrs): each annotated field a keyword (positional too for a dataclass), its
        default the field's value. Other keywords are accepted: a base class may declare them."""
        sig = cls.__new__(cls)
        fields = [s for s in node.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
                  and "ClassVar" not in ast.unparse(s.annotation)]
        names = [s.target.id for s in fields]  # type: ignore[union-attr]
        dataclass = any("dataclass" in ast.unparse(d) for d in node.decorator_list)
        sig.positional = names if dataclass else []
        sig.keywords = set(names)
        sig.defaults = {s.target.id: s.value for s in fields if s.value is not None}  # type: ignore[union-attr]
        sig.vararg, sig.kwarg = "*", "**"  # never a field's name: extra arguments go unbound
        sig.required = set()
        return sig

    def accepts(self, call: ast.Call) -> bool:
        """The call fits the signature (a same-named method of another class usually does not)."""
        spread = any(isinstance(x, ast.Starred) for x in call.args) or any(k.arg is None for k in call.keywords)
        names = {k.arg for k in call.keywords if k.arg is not None}
        if self.kwarg is None and not names <= self.keywords:
            return False
        plain = [x for x in call.args if not isinstance(x, ast.Starred)]
        if self.vararg is None and len(plain) > len(self.positional):
            return False
        given = set(self.positional[:len(plain)]) | names
        return spread or self.required <= given

    def bind(self, call: ast.Call, param: str) -> tuple[str, Any]:
        """How the call gives ``param``: ("expr", node), ("default", node), ("kwargs", {k: node}),
        or ("unknown", None)."""
        spread = any(k.arg is None for k in call.keywords)
        if param == self.kwarg:
            extra = {k.arg: k.value for k in call.keywords if k.arg is not None and k.arg not in self.keywords}
            return ("unknown", None) if spread else ("kwargs", extra)
        for k in call.keywords:
            if k.arg == param:
                return "expr", k.value
        if param in self.positional:
            i = self.positional.index(param)
            before = call.args[:i + 1]
            if any(isinstance(x, ast.Starred) for x in before):
                return "unknown", None
            if i < len(call.args):
                return "expr", call.args[i]
        if spread or param == self.vararg:
            return "unknown", None
        if param in self.defaults:
            return "default", self.defaults[param]
        return "unknown", None


def parameter_values(project: Project, callee_path: str, function: str, params: frozenset[str],
                     depth: int = 0) -> list[Assignment] | None:
    """What the project's callers pass to ``params`` of ``function`` (``f``, ``Class.m``,
    ``Class.__init__``) defined in ``callee_path``; None when no caller is found."""
    key = (callee_path, function, params, depth)
    busy: set[tuple] = project.__dict__.setdefault("parameter_values_busy", set())
    if key in busy:  # while computing: a recursive caller finds nothing
        return None
    busy.add(key)
    try:
        found = project.remember("parameter_values_cache", key,
                                 lambda: _compute(project, callee_path, function, params, depth))
    finally:
        busy.discard(key)
    if found is None:
        return None
    assignments, paths = found
    for p in paths:  # the file's cached result depends on its callers
        d = project.digest_of(p)
        if d is not None:
            project.deps[p] = d
    return assignments


def passed_values(project: Project, callee_path: str, function: str, param: str) -> list[Any]:
    """The values the project's callers write for ``param`` of ``function`` (callers that leave it
    to its default left out: [] when none writes it)."""
    return [a.values[param] for a in parameter_values(project, callee_path, function, frozenset({param})) or ()
            if param not in a.omitted]


def _compute(project: Project, callee_path: str, function: str, params: frozenset[str],
             depth: int) -> tuple[list[Assignment], set[str]] | None:
    callee = project._load(callee_path)
    tree = callee.parse() if callee is not None else None
    fn = find_def(tree, function) if tree is not None else None
    fields = field_class(tree, function) if fn is None and tree is not None else None
    if (fn is None and fields is None) or callee is None:
        return None
    method = "." in function and find_def(tree, function.rpartition(".")[0]) is None  # (f.inner: a nested def)
    sig = _Signature(fn, bound_self=method) if fn is not None else _Signature.of_fields(fields)
    calls = [c for c in find_calls(project, callee_path, function, sig.accepts) if c.call is not None]
    calls = [c for c in calls if fn is None or not _inside(c, fn, tree)][:MAX_CALLERS]  # recursion is not a caller
    if not calls:
        return None
    default_ev = project._evaluator(callee, _class_names(tree, function) if method else {})
    each: list[list[Assignment]] = []  # per call: one for each of its callers' values
    paths = {c.path for c in calls}
    for c in calls:
        bound = {p: sig.bind(c.sent, p) for p in params}
        omitted = frozenset(p for p, (how, _) in bound.items() if how == "default")
        each.append([])
        for values, via in _caller_values(project, c, bound, depth, paths):
            for p in omitted:
                values[p] = default_ev.expr(bound[p][1])
            each[-1].append(Assignment(values, ((c.path, c.call.lineno), *via), omitted))
    return _first_of_each(each)[:MAX_ASSIGNMENTS], paths


def _first_of_each(each: list[list[Assignment]]) -> list[Assignment]:
    """The calls' assignments taken in turn, so that each call keeps one within the cap before any
    keeps a second: a call forwarding its callers' values would otherwise fill the cap with them and
    leave out a later call's prompt (which call comes first is only the order files are read in)."""
    return [a[i] for i in range(max(map(len, each), default=0)) for a in each if i < len(a)]


def _class_names(tree: ast.Module, method: str) -> dict[str, ast.expr]:
    """The names a method's parameter defaults may read from its class body (``model: str =
    DEFAULT_MODEL`` under ``DEFAULT_MODEL = "claude-..."``: defaults are evaluated in the class scope)."""
    cls = next((s for s in tree.body if isinstance(s, ast.ClassDef) and s.name == method.split(".")[0]), None)
    return {t.id: st.value for st in cls.body if isinstance(st, (ast.Assign, ast.AnnAssign)) and st.value is not None
            for t in (st.targets if isinstance(st, ast.Assign) else [st.target])
            if isinstance(t, ast.Name)} if cls is not None else {}


def _inside(c: FoundCall, fn: ast.FunctionDef | ast.AsyncFunctionDef, tree: ast.Module) -> bool:
    """The call is in ``fn`` (of ``tree``): in the same tree, on the lines of ``fn`` and its
    decorators (no other statement can share a ``def``'s lines)."""
    start = min([fn.lineno, *(d.lineno for d in fn.decorator_list)])
    return c.tree is tree and start <= c.call.lineno <= (fn.end_lineno or fn.lineno)


def _caller_values(project: Project, c: FoundCall, bound: dict[str, tuple[str, Any]], depth: int,
                   paths: set[str]) -> list[tuple[dict[str, Any], tuple[tuple[str, int], ...]]]:
    """The values one call passes (several when they come from the caller's own callers)."""
    mod = project._load(c.path)
    if mod is None:
        return []
    owner = find_def(c.tree, c.owner) if c.owner else None
    if owner is None and c.in_function:  # (a nested function: values unknown, but ``**kwargs`` keys are known)
        return [({p: {k: UNKNOWN for k in node} if how == "kwargs" else UNKNOWN
                  for p, (how, node) in bound.items() if how != "default"}, ())]
    owner_facts = _facts_of(owner, c.tree) if owner is not None else None
    local, params = _locals(owner, c.call, owner_facts) if owner is not None else (_script_names(c), set())
    exprs = [n for how, n in bound.values() if how == "expr"] + \
            [n for how, d in bound.values() if how == "kwargs" for n in d.values()]
    used = _params_read(exprs, local)
    tests = branch_tests(c.call, owner_facts[0], owner) if owner_facts is not None else []
    if used:  # a router's branch on its own parameters: only the callers taking it reach the call
        used |= tested_names(tests) & params
    upstream: list[Assignment] | None = None
    if used and owner is not None and depth < MAX_DEPTH and c.owner is not None:
        upstream = parameter_values(project, c.path, c.owner, used, depth + 1)
        paths.update(p for a in upstream or () for p, _ in a.callers)
    if upstream is None and owner is not None:  # no caller: a CLI command's options hold their defaults
        local.update((k, v) for k, v in command_defaults(owner, c.tree).items() if local.get(k) is PARAM)
    out = []
    unassigned = {k for k, v in local.items() if v is PARAM}
    nodes = dict(local)  # the assignments reaching the call (settings = get_settings())
    local = {k: (UNKNOWN if v is PARAM else v) for k, v in local.items()}
    for up in upstream or [Assignment({}, ())]:
        if not reachable(tests, up.values):
            continue
        ev = project._evaluator(mod, {**local, **up.values})
        ev.self_attr = lambda attr: init_attribute(project, c.path, c.tree, c.owner, attr, parameter_values)
        ev.self_class = lambda attr: attribute_class(c.tree, c.owner, attr)
        ev.param_class = lambda name: parameter_class(owner, name) if name in unassigned else None
        ev.param_field = lambda name, attr: parameter_field(project, c.path, c.tree, owner, name, attr, parameter_values) \
            if name in unassigned else returned_field(project, c.path, c.tree, nodes.get(name), attr, parameter_values)
        if owner is not None:  # a template field from the caller's own Literal / label parameter
            ev.declared = declared_reader(owner, c.tree, unassigned, frozenset(up.values))
        values: dict[str, Any] = {}
        for p, (how, node) in bound.items():
            if how == "expr":
                values[p] = ev.expr(node)
            elif how == "kwargs":
                values[p] = {k: ev.expr(v) for k, v in node.items()}
            elif how == "unknown":
                values[p] = UNKNOWN
        out.append((values, up.callers))
    return out


_MUTATORS = frozenset({"append", "extend", "insert", "update", "setdefault", "pop", "clear", "remove", "popitem"})


def _params_read(exprs: list[ast.expr], local: dict[str, Any]) -> frozenset[str]:
    """The caller's parameters the arguments read, directly or through the locals they read
    (``system = BASE.format(role=role)``: ``role``)."""
    out: set[str] = set()
    seen: set[str] = set()
    stack = list(exprs)
    while stack:
        for n in walk(stack.pop()):
            if isinstance(n, ast.Name) and n.id not in seen:
                seen.add(n.id)
                v = local.get(n.id)
                if v is PARAM:
                    out.add(n.id)
                elif isinstance(v, ast.expr):
                    stack.append(v)
    return frozenset(out)


_FACT_NODES = frozenset({ast.Call, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor, ast.NamedExpr,
                         ast.With, ast.AsyncWith, ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef,
                         ast.ClassDef})


_FACTS: weakref.WeakKeyDictionary[ast.Module, dict[int, tuple[Any, ...]]] = weakref.WeakKeyDictionary()


def _facts_of(fn: ast.FunctionDef | ast.AsyncFunctionDef, tree: ast.Module) -> tuple[Any, ...]:
    """:func:`_facts` of ``fn`` (of ``tree``), once per function. Keyed weakly by the tree, which
    the facts never hold: when the tree budget releases the tree, they go with it (a run-wide table
    kept the function subtrees of released trees: 35 MB on the 132-repository tree)."""
    table = _FACTS.setdefault(tree, {})
    got = table.get(id(fn))
    if got is None:
        got = table[id(fn)] = _facts(fn)
    return got


def _facts(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[dict[int, ast.AST], dict[str, list], set[str]]:
    """A function's parent map, its assignments by name, and the names it mutates (once per function)."""
    parents: dict[int, ast.AST] = {}
    defs: dict[str, list[tuple[ast.AST, ast.expr | None]]] = {}
    mutated: set[str] = set()
    todo: list[ast.AST] = [fn]
    at = 0
    while at < len(todo):  # one breadth-first walk (ast.walk's order) for all three
        node = todo[at]
        at += 1
        for ch in child_nodes(node):
            parents[id(ch)] = node
            todo.append(ch)
        if type(node) not in _FACT_NODES:
            continue  # (the common case: a name, a constant, an operator)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _MUTATORS \
                and isinstance(node.func.value, ast.Name):
            mutated.add(node.func.value.id)
        elif isinstance(node, (ast.Assign, ast.AugAssign)):  # x[k] = v, cfg.system_prompt = build(): changed
            mutated.update(t.value.id for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
                           if isinstance(t, (ast.Subscript, ast.Attribute)) and isinstance(t.value, ast.Name))
        if node is not fn and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defs.setdefault(node.name, []).append((node, None))
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign):
            targets, value = [node.target], node.value
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            targets, value = _entry_of(node)
        elif isinstance(node, (ast.AugAssign, ast.NamedExpr)):
            targets = [node.target]
        elif isinstance(node, (ast.With, ast.AsyncWith)):  # with open(path) as f: f is the file (f.read())
            for i in node.items:
                if isinstance(i.optional_vars, ast.Name):
                    defs.setdefault(i.optional_vars.id, []).append(
                        (node, i.context_expr if opens_a_file(i.context_expr)
                         and not also_written(fn, i.context_expr) else None))
            targets = [i.optional_vars for i in node.items if i.optional_vars is not None
                       and not isinstance(i.optional_vars, ast.Name)]
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for a in node.names:
                defs.setdefault((a.asname or a.name).split(".")[0], []).append((node, None))
        for t in targets:
            items = _unpacked(t, value) if isinstance(node, ast.Assign) else {}
            for n in walk(t) if not isinstance(t, (ast.Attribute, ast.Subscript)) else ():  # (x.a = v: a mutation)
                if not isinstance(n, ast.Name):
                    continue
                if t is n:
                    whole = value is None or not isinstance(node, (ast.For, ast.AsyncFor)) or t is targets[-1]
                    defs.setdefault(n.id, []).append((node, value if whole else None))
                else:  # a name inside an unpacking target: its item of the value, when it can be counted
                    defs.setdefault(n.id, []).append((node, items.get(id(n))))
    parsed = {n for n, found in defs.items() if len(found) == 1 and parses_args(found[0][1])}
    return parents, defs, mutated - parsed  # args.model = ...: read (or refused) by .cli_defaults itself


def _unpacked(target: ast.expr, value: ast.expr | None) -> dict[int, ast.expr]:
    """``system, user = prepare_prompt(doc)``: each plain name of the target tuple takes the value's
    item at its place (``prepare_prompt(doc)[0]``, which the evaluator reads from the helper's
    returned tuple); nothing for a starred or nested target, whose places cannot be counted."""
    if value is None or not isinstance(target, (ast.Tuple, ast.List)) or \
            not all(isinstance(e, ast.Name) for e in target.elts):
        return {}
    return {id(e): ast.copy_location(ast.Subscript(value=value, slice=ast.Constant(i), ctx=ast.Load()), e)
            for i, e in enumerate(target.elts)}


def _entry_of(loop: ast.For | ast.AsyncFor) -> tuple[list[ast.expr], ast.expr | None]:
    """A loop's targets, and for ``for k, v in table.items()`` / ``for v in table.values()`` the
    value ``v`` takes: ``table[<any key>]``, which the evaluator reads as one of the table's values."""
    it, target = loop.iter, loop.target
    if isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and not it.args and (
            (it.func.attr == "items" and isinstance(target, ast.Tuple) and len(target.elts) == 2)
            or (it.func.attr == "values" and isinstance(target, ast.Name))):
        entry = target.elts[1] if isinstance(target, ast.Tuple) else target
        any_key = ast.Subscript(value=it.func.value, slice=ast.Name(id="\0any key", ctx=ast.Load()), ctx=ast.Load())
        return ([target.elts[0], entry] if isinstance(target, ast.Tuple) else [entry]), \
            (ast.copy_location(any_key, entry) if isinstance(entry, ast.Name) else None)
    return [target], None


def _locals(fn: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call,
            facts: tuple[dict[int, ast.AST], dict[str, list], set[str]]) -> tuple[dict[str, Any], set[str]]:
    """The calling function's names as the call sees them: the assignment that reaches the call
    (an ast node, evaluated lazily), else unknown; and its parameter names."""
    parents, defs, mutated = facts
    straight = straight_line(call, parents, fn)
    loops = loop_ancestors(call, parents)
    a = fn.args
    params = {p.arg for p in [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg] if p is not None}
    local: dict[str, Any] = {p: PARAM for p in params}
    for name, found in defs.items():
        if name in mutated:  # x.append(...) / x[k] = v: the assigned literal is not what is sent
            local[name] = UNKNOWN
            continue
        got = reaching(with_additions(found, straight, call.lineno), straight, loops, call.lineno, parents)
        if got is not PARAM or name not in params:
            local[name] = UNKNOWN if got is PARAM else got
    return local, params


def _script_names(c: FoundCall) -> dict[str, Any]:
    """For a call at module level (a script, a notebook's cell): each name a top-level ``=`` binds
    before the call, as the last such assignment (the statements run in order), or unknown when a
    nested statement before the call may bind it again. Names it never binds are the module's."""
    out: dict[str, Any] = {}
    for st in c.tree.body:
        if getattr(st, "end_lineno", st.lineno) >= c.call.lineno:
            break
        if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name):
            out[st.targets[0].id] = st.value
            continue
        for n in walk(st):  # an if / for / with / def binding it, rows.append(...), rows[0] = ...
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store) and n.id in out:
                out[n.id] = UNKNOWN
            elif isinstance(n, (ast.Subscript, ast.Attribute)) and isinstance(n.value, ast.Name) and n.value.id in out \
                    and (isinstance(n.ctx, ast.Store) or isinstance(n, ast.Attribute) and n.attr in _MUTATORS):
                out[n.value.id] = UNKNOWN
    return out


def shown(path: str) -> str:
    """A path as findings show it (relative to the working directory when below it)."""
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel
