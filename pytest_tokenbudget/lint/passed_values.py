"""What callers pass for a parameter that has a default: does the default really run?

``def complete(self, *, model: str = SONNET)`` resolves to ``SONNET`` in the function, but if the
callers pass ``model=HAIKU`` the default is only one of the values the request can carry. A rule
that judges the model (retired / unknown id) must see them all. :func:`passed_values` finds, through
the project's word index (:mod:`.callers`), every call of the function (``f(...)``, ``obj.f(...)``,
or ``Cls(...)`` for a parameter of ``Cls.__init__``) that passes the parameter, by keyword or by
position, and evaluates what it passes in the caller's module (a value that cannot be pinned is
:data:`~.analysis.values.UNKNOWN`). A call with ``*args`` / ``**kwargs`` may pass it: unknown.
"""

from __future__ import annotations

import ast
import os
import re
from typing import Any

from pytest_tokenbudget.lint.analysis.values import UNKNOWN
from pytest_tokenbudget.lint.project_text import py_files
from pytest_tokenbudget.lint.source import FileError, read_file

__all__ = ["passed_values"]

_CALLED = re.compile(rb"\b(\w+)\s*\(")
# tests/ and test/ folders, test_*.py, *_test.py, conftest.py, unit_tests.py, tests.py
_TEST_FILE = re.compile(r"(^|/)(tests?|testing)/|(^|/)(test_[^/]*|[^/]*_tests?|conftest|tests?)\.py$")


def _test_file(path: str) -> bool:
    """A test module: what it passes (mocks, placeholders such as "Model") is not what runs."""
    return bool(_TEST_FILE.search(path.replace(os.sep, "/")))


def _mentioning(project: Any, name: str) -> list[str]:
    """The project's files that call ``name`` (one byte-regex pass over the project per run: the
    engine's word index when it has one, else our own)."""
    index = project.word_index or project.__dict__.get("_called_index")
    if index is None:
        index = {}
        for path in py_files(project) or []:
            got = read_file(path)
            if isinstance(got, FileError) or got[1].st_size > 2 << 20:
                continue
            for word in set(_CALLED.findall(got[0])):
                index.setdefault(word.decode("ascii", "replace"), []).append(path)
        project._called_index = index
    return [os.path.normpath(p) for p in index.get(name, [])]


def _passed(call: ast.Call, param: str, index: int | None) -> ast.expr | None | bool:
    """The expression ``call`` passes for the parameter; None when it does not pass it; True when
    ``*``/``**`` arguments may."""
    for k in call.keywords:
        if k.arg == param:
            return k.value
        if k.arg is None:
            return True
    for i, a in enumerate(call.args):
        if isinstance(a, ast.Starred):
            return True
        if index is not None and i == index:
            return a
    return None


def _calls(tree: ast.Module, name: str, attribute_only: bool) -> list[tuple[ast.Call, Any, bool]]:
    """The calls of ``name`` in ``tree`` with their enclosing function (None at module level) and
    whether that function is a method."""
    out: list[tuple[ast.Call, Any, bool]] = []

    def visit(node: ast.AST, fn: Any, method: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(child, child, isinstance(node, ast.ClassDef))
                continue
            if isinstance(child, ast.Call):
                f = child.func
                if (isinstance(f, ast.Attribute) and f.attr == name) or \
                        (not attribute_only and isinstance(f, ast.Name) and f.id == name):
                    out.append((child, fn, method))
            visit(child, fn, method)

    visit(tree, None, False)
    return out


def _forwarded(fn: Any, method: bool, expr: ast.expr) -> tuple[str, int | None, ast.expr | None] | None:
    """``expr`` is a parameter of ``fn`` passed on unchanged: (its name, its position as callers
    write it, its default); None otherwise."""
    if fn is None or not isinstance(expr, ast.Name):
        return None
    if any(isinstance(n, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.For, ast.NamedExpr))
           and any(isinstance(t, ast.Name) and t.id == expr.id
                   for t in (n.targets if isinstance(n, ast.Assign) else [n.target])) for n in ast.walk(fn)):
        return None  # rebound in the function: not the caller's value any more
    a = fn.args
    positional = [*a.posonlyargs, *a.args]
    defaults = dict(zip([p.arg for p in positional][len(positional) - len(a.defaults):], a.defaults))
    defaults.update({p.arg: d for p, d in zip(a.kwonlyargs, a.kw_defaults) if d is not None})
    names = [p.arg for p in positional]
    if expr.id in names:
        index = names.index(expr.id) - (1 if method and names and names[0] in ("self", "cls") else 0)
        return expr.id, index, defaults.get(expr.id)
    if expr.id in [p.arg for p in a.kwonlyargs]:
        return expr.id, None, defaults.get(expr.id)
    return None


def passed_values(project: Any, callee_path: str, name: str, param: str, index: int | None,
                  method: bool, depth: int = 0) -> list[Any]:
    """The values the project's calls of ``name`` pass for ``param`` (``index``: its position among
    the arguments a caller writes, None when keyword-only). ``method``: only ``obj.name(...)`` calls
    count (a method; a class constructor is called by its bare name)."""
    out: list[Any] = []
    for path in [callee_path, *(p for p in _mentioning(project, name)
                                    if p != callee_path and not _test_file(os.path.relpath(p, project.root)))]:
        mod = project._load(path)
        if mod is None or mod.parse() is None:
            continue
        for call, fn, in_class in _calls(mod.tree, name, method):
            expr = _passed(call, param, index)
            if expr is None:
                continue
            project._file_dep(mod.path)
            if expr is True:
                out.append(UNKNOWN)
                continue
            local = project._locals(fn) if fn is not None else {}
            fwd = _forwarded(fn, in_class, expr) if depth < 2 else None
            if fwd is None:
                out.append(project._evaluator(mod, local).expr(expr))
                continue
            # def process(text, model): ask(model=model): what process's own callers pass
            outer = passed_values(project, mod.path, fn.name, fwd[0], fwd[1], in_class, depth + 1)
            if fwd[2] is not None:
                outer.append(project._evaluator(mod, {}).expr(fwd[2]))
            out.extend(outer or [UNKNOWN])
    return out
