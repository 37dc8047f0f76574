"""Registries a decorator factory fills, for the project index (:mod:`.project`).

Agents often register their tools with a decorator::

    REGISTRY: dict[str, Tool] = {}

    def tool(name, description, input_schema, *, dangerous=False):
        def decorator(fn):
            REGISTRY[name] = Tool(name=name, description=description, input_schema=input_schema, fn=fn)
            return fn
        return decorator

    @tool(name="read_file", description="Read a file.", input_schema={...})   # tools/files.py
    async def read_file(path): ...

and a helper turns ``REGISTRY.values()`` into the request's tools. The ``{}`` is not what a request
sends: the registry holds one entry per decoration. :func:`decorated_registry` reads it that way:
the factory's parameters bound to each decoration's arguments (its defaults for the rest), the
decorated function unknown, one entry per decoration of a module-level function or class in the
project's files (test files left out), in path and line order. Only this shape is read: a
module-level registry written by exactly one statement of the decorator the factory returns
(``REG[key] = value`` or ``REG.append(value)``) and nowhere else. Any other registry the module
fills later is unknown, never its empty start (:func:`.filled_lists.filled_later`).

The decorations are found through the word index (the files that call the factory's name), so a
warm run re-checks a file that read a registry when a file calling that name appears or changes;
the value depends on files the registry module does not import, so the index does not persist it
(:attr:`.project.Project.unstored`).
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from typing import Any

from pytest_tokenbudget.lint.analysis.values import UNKNOWN
from pytest_tokenbudget.lint.astwalk import param_defaults, walk
from pytest_tokenbudget.lint.config_values import dotted_name
from pytest_tokenbudget.lint.project_roots import in_tests

__all__ = ["decorated_registry"]

MAX_ENTRIES = 200  # decorations read into one registry (a tool set, not a plugin ecosystem)


@dataclass(frozen=True)
class _Factory:
    fn: ast.FunctionDef  # def tool(name, description, ...): the factory
    inner: ast.FunctionDef | ast.AsyncFunctionDef  # def decorator(fn): what it returns
    key: ast.expr | None  # REG[key] = value (None: REG.append(value))
    value: ast.expr


def _write(st: ast.stmt, name: str) -> tuple[ast.expr | None, ast.expr] | None:
    """``(key, value)`` of ``name[key] = value`` / ``(None, value)`` of ``name.append(value)``."""
    if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(sub := st.targets[0], ast.Subscript) \
            and isinstance(sub.value, ast.Name) and sub.value.id == name:
        return sub.slice, st.value
    call = st.value if isinstance(st, ast.Expr) else None
    if isinstance(call, ast.Call) and isinstance(f := call.func, ast.Attribute) and f.attr == "append" \
            and isinstance(f.value, ast.Name) and f.value.id == name and len(call.args) == 1 and not call.keywords:
        return None, call.args[0]
    return None


def _writes(tree: ast.Module, name: str) -> int:
    """Statements anywhere in the module that change ``name`` (item stores, deletes, mutating calls)."""
    n = 0
    for node in walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == name \
                and isinstance(node.ctx, (ast.Store, ast.Del)):
            n += 1
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
                "append", "extend", "insert", "update", "setdefault", "pop", "clear", "remove") \
                and isinstance(node.func.value, ast.Name) and node.func.value.id == name:
            n += 1
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
            n += 1
    return n


def _factory(tree: ast.Module, name: str) -> _Factory | None:
    """The module's one decorator factory that fills ``name`` (and nothing else changes it)."""
    found = []
    for fn in tree.body:
        if not isinstance(fn, ast.FunctionDef) or not fn.body or not isinstance(ret := fn.body[-1], ast.Return) \
                or not isinstance(ret.value, ast.Name):
            continue
        inner = next((s for s in fn.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
                      and s.name == ret.value.id), None)  # type: ignore[union-attr]
        writes = [w for s in inner.body if (w := _write(s, name))] if inner is not None else []
        if inner is not None and len(writes) == 1:
            found.append(_Factory(fn, inner, *writes[0]))
    return found[0] if len(found) == 1 and _writes(tree, name) == 1 else None


def _bound(fn: ast.FunctionDef, call: ast.Call, arg_value: Any, default_value: Any) -> dict[str, Any] | None:
    """The factory's parameters bound to a decoration's arguments (``arg_value`` evaluates an
    argument where it is written, ``default_value`` a default where it is declared)."""
    a = fn.args
    positional = [*a.posonlyargs, *a.args]
    if len(call.args) > len(positional) and a.vararg is None or any(isinstance(x, ast.Starred) for x in call.args) \
            or any(k.arg is None for k in call.keywords):
        return None
    out: dict[str, Any] = {}
    for p, x in zip(positional, call.args):
        out[p.arg] = arg_value(x)
    for k in call.keywords:
        if k.arg in {p.arg for p in [*positional, *a.kwonlyargs]}:
            out[k.arg] = arg_value(k.value)  # type: ignore[index]
        elif a.kwarg is None:
            return None  # a keyword the factory does not take: not this factory's call
    defaults = param_defaults(fn)
    for p in [*positional, *a.kwonlyargs]:
        if p.arg not in out:
            out[p.arg] = default_value(defaults[p.arg]) if p.arg in defaults else UNKNOWN
    return out


def _files(index: Any, word: str) -> list[str]:
    """The project's files that call ``word`` (the word index, recorded for warm runs)."""
    if index.word_index is not None:
        return list(index.word_index.get(word, []))
    from pytest_tokenbudget.lint.project_text import files_saying

    return files_saying(index, f"{word}(".encode())


def _decorations(index: Any, mod: Any, factory: _Factory) -> list[tuple[Any, ast.Call]]:
    """``(module, decorator call)`` for each module-level decoration by ``factory``, in path and line order."""
    out: list[tuple[Any, ast.Call]] = []
    name = factory.fn.name
    for path in sorted({os.path.normpath(p) for p in _files(index, name)} | {mod.path}):
        other = index._load(path) if path != mod.path else mod
        if other is None or in_tests(path, index.root) or other.parse() is None:
            continue
        for st in other.tree.body:
            for deco in getattr(st, "decorator_list", ()):
                if isinstance(deco, ast.Call) and _names(index, other, deco.func, mod.path, name):
                    out.append((other, deco))
        if other is not mod:
            index.deps[other.path] = other.digest
    return out


def _names(index: Any, where: Any, func: ast.expr, path: str, name: str) -> bool:
    """Whether ``func``, written in module ``where``, is the function ``name`` of the module at ``path``."""
    if where.path == path and isinstance(func, ast.Name) and func.id == name and func.id not in where.imports:
        return True
    dotted = dotted_name(func, lambda n: where.imports.get(n, n))
    if not dotted or dotted.rsplit(".", 1)[-1] != name:
        return False
    found = index._find_module(dotted, where.path)
    return found is not None and found[0] == path and found[1] == [name]


def decorated_registry(index: Any, mod: Any, name: str) -> Any:
    """The value of the module-level registry ``name`` of ``mod`` that a decorator factory fills
    (see the module doc): a dict by key, or a list; None when ``name`` is not such a registry."""
    factory = _factory(mod.tree, name) if mod.tree is not None else None
    if factory is None:
        return None
    index.unstored = True  # it depends on files that do not import it: recomputed on every run
    keyed: dict[Any, Any] = {}
    items: list[Any] = []
    defaults = index._evaluator(mod, {})  # the factory's defaults, read where it is declared
    for where, deco in _decorations(index, mod, factory)[: MAX_ENTRIES + 1]:
        bound = _bound(factory.fn, deco, index._evaluator(where, {}).expr, defaults.expr)
        if bound is None:
            return UNKNOWN
        local = {**index._locals(factory.fn), **bound, **{p.arg: UNKNOWN for p in factory.inner.args.args}}
        ev = index._evaluator(mod, local)
        value = ev.expr(factory.value)
        if factory.key is None:
            items.append(value)
            continue
        key = ev.expr(factory.key)
        if not isinstance(key, str):
            return UNKNOWN
        keyed[key] = value
    if len(keyed) + len(items) > MAX_ENTRIES:
        return UNKNOWN
    return items if factory.key is None else keyed
