"""Objects handed to another class's constructor or to a function: calls of their methods there.

A client wrapper is often built in one module and injected into a service defined in another::

    claude_client = ClaudeClient(api_key)          # main.py, beside class ClaudeClient
    analyzer = LLMAnalyzer(claude_client)          # main.py

    class LLMAnalyzer:                              # llm_analyzer.py: never imports ClaudeClient
        def __init__(self, claude_client):
            self.claude_client = claude_client
        async def analyze(self, text):
            return await self.claude_client.get_response(self._prompt(text))

The service's module never names the wrapper's class (it would import it in a cycle), so the caller
search by imports (:mod:`.callsearch`) misses ``self.claude_client.get_response(...)``.
:func:`injected_calls` follows the hand-off: a name bound to ``Cls(...)`` (or ``Cls(...)`` itself)
passed to a project class's constructor, whose ``__init__`` stores that parameter on ``self``; every
``self.<attr>.<method>(...)`` in that class is then a call of ``Cls.<method>``. Only the files that
construct ``Cls`` are read (the word index), and only one hand-off is followed. An instance handed
to a module-level function (``evaluate(LLM(), samples)``, the eval harness's shape) is followed the
same way: ``llm.complete(...)`` on the parameter it binds, unless the function rebinds that name, and
through one more function it hands the parameter on to (``score_jobs(jobs, provider)`` calling
``score_one(provider, job)``). A name bound to a factory of the class (``provider =
get_provider(name)``, a module-level function returning ``Cls(...)``) is an instance too.
"""

from __future__ import annotations

import ast
import os
import itertools
import weakref
from typing import TYPE_CHECKING, NamedTuple

from pytest_tokenbudget.lint.astwalk import walk
from pytest_tokenbudget.lint.callnames import (Def, Refs, find_def, module_stem, refs_for, same_file, test_or_live_file,
                                               tree_of)
from pytest_tokenbudget.lint.importcheck import file_bytes, importing
from pytest_tokenbudget.lint.receivers import factories

if TYPE_CHECKING:
    from pytest_tokenbudget.lint.project import Project

__all__ = ["Injected", "injected_calls", "injected_scopes"]


class Injected(NamedTuple):
    """A call of the injected object's method: file, call, tree and ``Class.method`` holding it."""

    path: str
    call: ast.Call
    tree: ast.Module
    owner: str


def _called_name(func: ast.expr) -> str | None:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


class _Handoffs(NamedTuple):
    """One walk of a file: the names bound to ``X(...)`` per class name ``X``, and the calls passing
    an argument per what it is (``("name", n)`` or ``("made", X)`` for ``X(...)`` itself)."""

    instances: dict[str, set[str]]
    passed: dict[tuple[str, str], list[tuple[int, ast.Call, ast.expr]]]  # in walk order (the int)
    imports: list[ast.ImportFrom]  # in walk order


_HANDOFFS: weakref.WeakKeyDictionary[ast.Module, _Handoffs] = weakref.WeakKeyDictionary()


def _handoffs(tree: ast.Module) -> _Handoffs:
    """The file's :class:`_Handoffs`, walked once per parsed tree (every class asked about reuses it;
    the entry goes with the tree when the tree budget releases it)."""
    found = _HANDOFFS.get(tree)
    if found is not None:
        return found
    instances: dict[str, set[str]] = {}
    passed: dict[tuple[str, str], list[tuple[int, ast.Call, ast.expr]]] = {}
    imports: list[ast.ImportFrom] = []
    order = itertools.count()
    for n in walk(tree):
        if isinstance(n, ast.ImportFrom):
            imports.append(n)
        if isinstance(n, (ast.Assign, ast.AnnAssign)) and isinstance(n.value, ast.Call) \
                and (made := _called_name(n.value.func)) is not None:
            targets = n.targets if isinstance(n, ast.Assign) else [n.target]
            instances.setdefault(made, set()).update(t.id for t in targets if isinstance(t, ast.Name))
        if isinstance(n, ast.Call):
            for arg in [*n.args, *(k.value for k in n.keywords)]:
                key = ("name", arg.id) if isinstance(arg, ast.Name) else \
                    ("made", name) if isinstance(arg, ast.Call) and (name := _called_name(arg.func)) else None
                if key is not None:
                    passed.setdefault(key, []).append((next(order), n, arg))
    found = _HANDOFFS[tree] = _Handoffs(instances, passed, imports)
    return found


def _handed(tree: ast.Module, makers: frozenset[str]) -> list[tuple[ast.Call, ast.expr]]:
    """The calls (not ``Cls(...)`` itself) that pass a ``Cls`` instance: a name the file binds to
    ``Cls(...)`` (or to a factory's call, ``makers``) anywhere (a module global set in a startup hook
    too) or such a call in place."""
    index = _handoffs(tree)
    keys = [("name", name) for m in sorted(makers) for name in index.instances.get(m, ())] \
        + [("made", m) for m in sorted(makers)]
    found = sorted(entry for key in keys for entry in index.passed.get(key, ()))  # the file's order
    return [(call, arg) for _, call, arg in found if _called_name(call.func) not in makers]


_Def = ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef


def _defined(project: Project, path: str, tree: ast.Module, func: ast.expr) -> tuple[str, _Def] | None:
    """The module-level project class or function a call names: defined in ``tree`` or imported by name."""
    if not isinstance(func, ast.Name):
        return None
    local = next((s for s in tree.body if isinstance(s, _DEFS) and s.name == func.id), None)
    if local is not None:
        return path, local
    for node in _handoffs(tree).imports:
        name = next((a.name for a in node.names if (a.asname or a.name) == func.id), None)
        if name is None:
            continue
        prefix = "." * node.level + (node.module or "")
        found = project._find_module(f"{prefix}.{name}" if node.module else f"{prefix}{name}", path)
        if found is None or found[1] != [name]:
            return None
        other = tree_of(project, found[0])
        made = next((s for s in other.body if isinstance(s, _DEFS) and s.name == name), None) \
            if other is not None else None
        return (found[0], made) if made is not None else None
    return None


_DEFS = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def _bound_param(fn: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call, arg: ast.expr,
                 skip_self: bool) -> str | None:
    """The parameter of ``fn`` that ``arg`` of ``call`` binds (positionally or by keyword)."""
    params = [a.arg for a in [*fn.args.posonlyargs, *fn.args.args]][1 if skip_self else 0:]
    if arg in call.args:
        i = call.args.index(arg)
        return params[i] if i < len(params) and not any(isinstance(a, ast.Starred) for a in call.args[:i]) else None
    return next((k.arg for k in call.keywords if k.value is arg), None)


def _stored_as(cls: ast.ClassDef, call: ast.Call, arg: ast.expr) -> str | None:
    """The ``self`` attribute ``cls.__init__`` stores the parameter ``arg`` binds (``self.c = c``)."""
    init = next((s for s in cls.body if isinstance(s, ast.FunctionDef) and s.name == "__init__"), None)
    param = _bound_param(init, call, arg, skip_self=True) if init is not None else None
    if init is None or param is None:
        return None
    for n in walk(init):
        if isinstance(n, ast.Assign) and isinstance(n.value, ast.Name) and n.value.id == param:
            for t in n.targets:
                if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self":
                    return t.attr
    return None


def _method_calls(cls: ast.ClassDef, attr: str, method: str) -> list[tuple[ast.Call, str]]:
    out = []
    for fn in cls.body:
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for n in walk(fn):
            f = n.func if isinstance(n, ast.Call) else None
            if isinstance(f, ast.Attribute) and f.attr == method and isinstance(f.value, ast.Attribute) \
                    and f.value.attr == attr and isinstance(f.value.value, ast.Name) and f.value.value.id == "self":
                out.append((n, f"{cls.name}.{fn.name}"))
    return out


def _rebinds(fn: ast.FunctionDef | ast.AsyncFunctionDef, param: str) -> bool:
    return any(isinstance(n, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.For, ast.With)) and any(
        isinstance(t, ast.Name) and t.id == param for t in walk(n) if isinstance(t, ast.Name)
        and isinstance(t.ctx, ast.Store)) for n in walk(fn))


def _param_calls(fn: ast.FunctionDef | ast.AsyncFunctionDef, param: str, method: str) -> list[ast.Call]:
    """``param.method(...)`` in ``fn`` (not in a nested function, where the name may be another)."""
    if _rebinds(fn, param):
        return []  # the name is rebound: not only the object handed in
    return [n for n in walk(fn) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
            and n.func.attr == method and isinstance(n.func.value, ast.Name) and n.func.value.id == param]


def _factory_users(project: Project, files: list[str], cls: str) -> tuple[frozenset[str], list[str]]:
    """The module-level factories of ``cls`` among ``files`` (``def get_provider(name): ... return
    AnthropicProvider(model)``) and the files that import one of them from there: what the search
    reads besides the files that construct the class."""
    made_by: dict[str, str] = {}
    for path in files:
        tree = tree_of(project, path)
        for fn in factories(tree, {cls}) if tree is not None else ():
            if "." not in fn:
                made_by.setdefault(fn, os.path.normpath(path))
    users: list[str] = []
    for fn, home in made_by.items():
        for p in (project.word_index or {}).get(fn, []):
            p = os.path.normpath(p)
            tree = tree_of(project, p) if p != home and not test_or_live_file(project, p) else None
            found = _defined(project, p, tree, ast.Name(id=fn)) if tree is not None else None
            if found is not None and os.path.normpath(found[0]) == home:
                users.append(p)
    return frozenset(made_by), users


def _handed_on(project: Project, where: str, fn: ast.FunctionDef | ast.AsyncFunctionDef, param: str,
               method: str) -> list[tuple[str, ast.Call, str]]:
    """``param.method(...)`` in ``fn``, else in the module-level function ``fn`` hands ``param`` on to
    (``score_one(provider, job)``): (file, call, owner)."""
    found = _param_calls(fn, param, method)
    if found or _rebinds(fn, param):
        return [(where, c, fn.name) for c in found]
    tree = tree_of(project, where)
    out: list[tuple[str, ast.Call, str]] = []
    for n in walk(fn) if tree is not None else ():
        arg = next((a for a in [*n.args, *(k.value for k in n.keywords)] if isinstance(a, ast.Name)
                    and a.id == param), None) if isinstance(n, ast.Call) else None
        target = _defined(project, where, tree, n.func) if arg is not None else None
        if target is None or isinstance(target[1], ast.ClassDef) or target[1] is fn:
            continue
        nxt = _bound_param(target[1], n, arg, skip_self=False)
        out += [] if nxt is None else [(target[0], c, target[1].name) for c in _param_calls(target[1], nxt, method)]
    return out


def injected_calls(project: Project, files: list[str], cls: str, method: str) -> list[Injected]:
    """The calls of ``Cls.method`` made through an instance handed to another class's constructor
    (``self.attr.method(...)``) or to a module-level function (``evaluate(LLM(), samples)``:
    ``llm.method(...)`` on its parameter, or in the function it hands it on to) in one of ``files``
    (those that construct ``Cls``) or in a file that gets one from a factory of the class."""
    out: list[Injected] = []
    seen: set[tuple[str, str, str]] = set()
    made_by, users = _factory_users(project, files, cls)
    makers = frozenset({cls}) | made_by
    for path in dict.fromkeys([*files, *users]):
        tree = tree_of(project, path)
        if tree is None:
            continue
        for call, arg in _handed(tree, makers):
            target = _defined(project, path, tree, call.func)
            if target is None:
                continue
            where, made = target
            if isinstance(made, ast.ClassDef):
                attr = _stored_as(made, call, arg)
                found = [] if attr is None else [(where, c, owner) for c, owner in _method_calls(made, attr, method)]
            else:
                attr = _bound_param(made, call, arg, skip_self=False)
                found = [] if attr is None else _handed_on(project, where, made, attr, method)
            if attr is None or (where, made.name, attr) in seen:
                continue
            seen.add((where, made.name, attr))
            for at, c, owner in found:
                ttree = tree_of(project, at)
                if ttree is not None:
                    out.append(Injected(at, c, ttree, owner))
    return out


def _imports_class(project: Project, path: str, callee_path: str, cls: str) -> bool:
    """Whether ``path`` makes the callee's ``cls`` (imports it from that module), not a namesake: a
    course's chapter folders each keep their own ``chat_helper.py`` with its own ``ChatHelper``."""
    return same_file(path, callee_path) or importing(
        project, path, lambda t: refs_for(project, t, path, callee_path, cls)) is not None


def injected_scopes(project: Project, callee_path: str, function: str) -> list[tuple[str, ast.Module, Def, Refs]]:
    """For ``Cls.m``: the functions an instance of ``Cls`` is handed to (``evaluate(LLM(), rows)``,
    ``Service(llm)``) with how they call ``m`` on it (``llm.m(...)``, ``self.llm.m(...)``), from
    the files that construct ``Cls``: the scopes the loop search (:mod:`.callers`) scans."""
    cls, _, method = function.rpartition(".")
    if not cls or "." in cls or method.startswith("__"):
        return []
    stem = module_stem(callee_path).encode()
    makers = [callee_path, *(os.path.normpath(p) for p in (project.word_index or {}).get(cls, [])
                             if not test_or_live_file(project, p) and stem in (file_bytes(project, p) or b"")
                             and _imports_class(project, os.path.normpath(p), callee_path, cls))]
    scopes: dict[tuple[str, str], tuple[str, ast.Module, Def, Refs]] = {}
    for inj in injected_calls(project, list(dict.fromkeys(makers)), cls, method):
        scope = find_def(inj.tree, inj.owner)
        if scope is not None and isinstance(inj.call.func, ast.Attribute):
            _, _, _, refs = scopes.setdefault((inj.path, inj.owner), (inj.path, inj.tree, scope, Refs(
                attr=method, method=True, self_only=True)))
            refs.receivers.add(ast.unparse(inj.call.func.value))
    return list(scopes.values())
