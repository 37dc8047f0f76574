"""The one class of the project that implements an interface's method, for the project index.

A harness holds ``target: Target`` (a ``Protocol`` or an abstract base class) and calls
``target.tool_definitions()``; the interface's method is a stub (``...``), so what the request
sends is what the implementation returns. :func:`single_implementation` finds it when the project
has exactly one: a module-level class (test files left out) that defines the method with a body,
and, for an abstract base class, names the interface among its bases. With two or more the call
could reach any of them, so the value stays unknown. The answer depends on files the interface's
module does not import, so the index does not persist it (:attr:`.project.Project.unstored`) and
the byte search for the method's ``def`` is recorded for warm runs.
"""

from __future__ import annotations

import ast
from typing import Any

from pytest_tokenbudget.lint.project_roots import in_tests
from pytest_tokenbudget.lint.protocols import is_protocol

__all__ = ["is_stub", "single_implementation"]

MAX_FILES = 200  # files that define the method's name: more is a common name, not an interface


def is_stub(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A body that only declares: a docstring, ``...``, ``pass``, ``raise NotImplementedError``."""
    for st in fn.body:
        if isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant):
            continue
        if isinstance(st, ast.Pass) or isinstance(st, ast.Raise) and "NotImplementedError" in ast.unparse(st):
            continue
        return False
    return True


def _abstract(cls: ast.ClassDef) -> bool:
    return any(ast.unparse(b).rsplit(".", 1)[-1] in ("ABC", "ABCMeta") for b in [*cls.bases, *(k.value for k in cls.keywords)])


def single_implementation(index: Any, cls: ast.ClassDef, method: str) -> tuple[Any, ast.FunctionDef] | None:
    """``(module, def)`` of the one project class implementing ``cls.method``, else None."""
    protocol = is_protocol(cls)
    if not protocol and not _abstract(cls):
        return None
    from pytest_tokenbudget.lint.project_text import files_saying

    index.unstored = True
    files = [p for p in files_saying(index, f"def {method}(".encode()) if not in_tests(p, index.root)]
    found = []
    for path in files[:MAX_FILES + 1]:
        mod = index._load(path)
        for st in (mod.parse() or ast.Module(body=[])).body if mod is not None else ():
            if not isinstance(st, ast.ClassDef) or st.name == cls.name or is_protocol(st):
                continue
            if not protocol and cls.name not in {ast.unparse(b).rsplit(".", 1)[-1] for b in st.bases}:
                continue
            fn = next((f for f in st.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                       and f.name == method and not is_stub(f)), None)
            if fn is not None:
                found.append((mod, fn))
    if len(found) != 1 or len(files) > MAX_FILES:
        return None
    index.deps[found[0][0].path] = found[0][0].digest
    return found[0]
