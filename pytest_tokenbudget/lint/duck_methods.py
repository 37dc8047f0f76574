"""The one project class a duck-typed parameter's method can belong to, for the project index.

A wrapper takes its prompt source as a plain parameter and calls a method on it::

    def process_with_tools(self, user_message, tool_registry, ...):
        system_prompt = tool_registry.get_system_prompt()    # no annotation, no caller in sight

When exactly one ``def get_system_prompt(`` exists in the project (test files aside) and it is a
method of a module-level class, that class is what the code passes: nothing else could answer the
call. :func:`duck_method` gives the project index's value of that method (a choice of its
returns, its parameters and ``self`` unknown). A name defined twice (two classes, or a class and a
function), a dunder, or a name defined more than :data:`MAX_FILES` files deep is not guessed. The
answer rests on files the checked module does not import, so the index does not keep it across
runs (:attr:`.project.Project.unstored`) and the byte search for the ``def`` is recorded for
warm runs (:func:`.project_text.files_defining`).
"""

from __future__ import annotations

import ast
from typing import Any

from pytest_tokenbudget.lint.analysis.values import UNKNOWN
from pytest_tokenbudget.lint.astwalk import walk

__all__ = ["MAX_FILES", "duck_method"]

MAX_FILES = 4  # files defining the name: more is a common name (run, get), not one class's method


def _owner(project: Any, method: str) -> tuple[str, str] | None:
    """``(path, class name)`` of the single project class defining ``method``, else None."""
    from pytest_tokenbudget.lint.project_text import files_defining

    files = files_defining(project, method)
    if not files or len(files) > MAX_FILES:
        return None
    defs: list[tuple[str, ast.AST, ast.Module]] = []
    for path in files:
        mod = project._load(path)
        tree = mod.parse() if mod is not None else None
        defs += [(path, n, tree) for n in (walk(tree) if tree is not None else ())
                 if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == method]
    if len(defs) != 1:
        return None  # two definitions (two classes, a class and a function): not one answer
    path, fn, tree = defs[0]
    cls = next((st for st in tree.body if isinstance(st, ast.ClassDef) and any(f is fn for f in st.body)), None)
    return (path, cls.name) if cls is not None else None


def duck_method(method: str) -> Any:
    """The index's value of ``X.method()`` for the one project class ``X`` that defines it."""
    from pytest_tokenbudget.lint.project import active

    act = active()
    if act is None or method.startswith("__") or not act[0].searchable:
        return UNKNOWN
    project = act[0]
    project.unstored = True
    owner = project.remember("_duck_owner", method, lambda: _owner(project, method))
    if owner is None:
        return UNKNOWN
    path, cls = owner
    project._file_dep(path)
    found = project._name(path, f"{cls}.{method}()")
    return found[0] if found else UNKNOWN
