"""Call sites of a project function: where ``f``, ``Class.m`` or ``Class(...)`` is called.

Uses the word index and the import checks of :mod:`.callers` (the loops-in-callers search): only
the files whose text calls the name are parsed, and a call in another file counts where the
function, its class, a function of its module (a factory: ``get_client().complete(...)``) or a
base class of its class is imported. The caller's signature check (``accepts``) weeds out
same-named methods of other classes. Test files are left out: they call with stubs and mocks.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytest_tokenbudget.lint.callers import build_word_index
from pytest_tokenbudget.lint.callnames import find_def, owner_of
from pytest_tokenbudget.lint.statements import statements_of

if TYPE_CHECKING:
    from pytest_tokenbudget.lint.project import Project

__all__ = ["FoundCall", "find_calls"]

_TEST_FILE = re.compile(r"(^|/)(tests?|testing)/|(^|/)(test_[^/]*|[^/]*_test|conftest)\.py$")


@dataclass(frozen=True)
class FoundCall:
    """A call of a project function (``f``, ``Class.m``; ``Class.__init__``: a constructor call)."""

    path: str
    call: ast.Call
    tree: ast.Module
    owner: str | None  # ``f`` / ``Class.m`` of the function holding the call (None: module level or nested)
    in_function: bool = False  # inside a function or lambda (a nested one when ``owner`` is None)


def find_calls(project: Project, callee_path: str, function: str,
               accepts: Callable[[ast.Call], bool] = lambda _: True) -> list[FoundCall]:
    """The calls of ``function`` of ``callee_path`` across the project (test files left out): by its
    name where it is imported (a method: ``self.m`` in its file, ``obj.m`` where the class, its module
    or a base class is imported), kept when ``accepts`` (the caller's signature check) agrees."""
    callee = project._load(callee_path)
    if callee is None or callee.parse() is None or callee.tree is None or find_def(callee.tree, function) is None:
        return []
    parts = function.split(".")
    ctor = parts[-1] == "__init__"
    name = parts[0] if ctor else parts[-1]
    imported = {parts[0]} if len(parts) > 1 else {name}
    bases: set[str] = set()
    cls = next((s for s in callee.tree.body if isinstance(s, ast.ClassDef) and s.name == parts[0]), None)
    if cls is not None and len(parts) > 1:  # obj.m(...): obj may be typed by a base class, or made by a factory
        bases = {b.id if isinstance(b, ast.Name) else b.attr for b in cls.bases if isinstance(b, (ast.Name, ast.Attribute))}
        imported |= {s.name for s in callee.tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
    if project.word_index is None:
        project.word_index = build_word_index(project.root) if project.searchable else {}
    index = project.word_index
    out: list[FoundCall] = []
    for path in dict.fromkeys([callee_path, *index.get(name, [])]):
        path = os.path.normpath(path)
        same = os.path.abspath(path) == os.path.abspath(callee_path)
        if not same and _TEST_FILE.search(os.path.relpath(path, project.root).replace(os.sep, "/")):
            continue  # tests call with stubs and mocks: not what production sends
        mod = project._load(path)
        if mod is None or mod.parse() is None or mod.tree is None:
            continue
        if not same and not any(_imports_function(mod.tree, n, _module_names(project, callee_path, path))
                                for n in imported) and not _imports_name(mod.tree, bases):
            continue
        hits = []
        by_name, parents = _call_index(project, path, mod.tree)
        for node in by_name.get(name, ()):
            f = node.func
            if ctor or len(parts) == 1:
                hit = _refers(f, name, False)
            else:
                hit = isinstance(f, ast.Attribute) and f.attr == name and (not same or _refers(f, name, True)
                                                                           or isinstance(f.value, ast.Name))
            if hit and accepts(node):
                hits.append(node)
        if hits:
            out.extend(FoundCall(path, node, mod.tree, owner_of(node, parents), _in_def(node, parents)) for node in hits)
    return out


def _call_index(project: Project, path: str, tree: ast.Module
                ) -> tuple[dict[str, list[ast.Call]], dict[int, ast.AST]]:
    """A module's calls by the name they call (``f(...)`` / ``x.f(...)``) and its parent map, once per run."""
    cache = project.__dict__.setdefault("call_index", {})
    if path not in cache:
        by_name: dict[str, list[ast.Call]] = {}
        parents: dict[int, ast.AST] = {}
        for n in ast.walk(tree):
            for c in ast.iter_child_nodes(n):
                parents[id(c)] = n
            if isinstance(n, ast.Call):
                f = n.func
                key = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
                if key is not None:
                    by_name.setdefault(key, []).append(n)
        cache[path] = (by_name, parents)
    return cache[path]


def _in_def(node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    while id(node) in parents:
        node = parents[id(node)]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return True
    return False


def _imports_name(tree: ast.Module, names: set[str]) -> bool:
    """``from x import Name`` of one of ``names`` (a base class, wherever it is defined)."""
    return bool(names) and any(isinstance(n, ast.ImportFrom) and any(a.name in names for a in n.names)
                               for n in statements_of(tree).imports)


def _module_names(project: Project, callee_path: str, caller_path: str) -> set[str]:
    """How ``caller_path`` may name the module of ``callee_path`` (its dotted tails)."""
    stem = os.path.splitext(os.path.relpath(callee_path, project.root))[0].replace(os.sep, ".")
    parts = [p for p in stem.split(".") if p != "__init__"]
    return {".".join(parts[i:]) for i in range(len(parts))}


def _imports_function(tree: ast.Module, name: str, modules: set[str]) -> bool:
    for node in statements_of(tree).imports:
        if isinstance(node, ast.ImportFrom):
            mod = (node.module or "").lstrip(".")
            if any(a.name == name for a in node.names) and (
                    not mod or mod in modules or any(m.endswith("." + mod) or mod.endswith("." + m) for m in modules)):
                return True
            if any(".".join(filter(None, [mod, a.name])) in modules for a in node.names):
                return True  # from pkg import module; module.f(...)
        if isinstance(node, ast.Import) and any(a.name in modules for a in node.names):
            return True
    return False


def _refers(node: ast.expr, name: str, method: bool) -> bool:
    """``node`` names the function: ``f`` / ``mod.f`` / ``obj.f``; a method in its own file: ``self.f``."""
    if method:
        return isinstance(node, ast.Attribute) and node.attr == name and isinstance(node.value, ast.Name) \
            and node.value.id in ("self", "cls")
    return (isinstance(node, ast.Name) and node.id == name) or (isinstance(node, ast.Attribute) and node.attr == name
                                                              and isinstance(node.value, ast.Name))
