"""The classes of the project that implement an interface's method, for the project index.

A harness holds ``target: Target`` (a ``Protocol`` or an abstract base class) and calls
``target.tool_definitions()``; an agent's base class sends ``system=self.system_prompt`` where
``system_prompt`` is an abstract property. The interface's member is a stub (``...``), so what the
request sends is what an implementation returns. :func:`implementations` finds them: module-level
classes (test files left out) that define the member with a body and, for an abstract base class,
name the interface among their bases. A ``Protocol`` names no implementer, so only a project with
exactly one counts (two unrelated classes may share a method's name); an abstract base class's
subclasses are all candidates, and the value is one of theirs (:func:`.values.choice`: a caching
rule counts the smallest prompt). The answer depends on files the interface's module does not
import, so the index does not persist it (:attr:`.project.Project.unstored`) and the byte search
for the member's ``def`` is recorded for warm runs.
"""

from __future__ import annotations

import ast
from typing import Any

from pytest_tokenbudget.lint.protocols import is_protocol

__all__ = ["implementations", "is_stub"]

MAX_FILES = 200  # files that define the method's name: more is a common name, not an interface
MAX_IMPLEMENTATIONS = 16  # subclasses of one base: more and the value is a plain unknown (values.MAX_OPTIONS)


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


def implementations(index: Any, cls: ast.ClassDef, method: str) -> list[tuple[Any, ast.FunctionDef]]:
    """``(module, def)`` of each project class implementing ``cls.method`` (see the module doc);
    empty when the call could reach a class the project does not show."""
    protocol = is_protocol(cls)
    if not protocol and not _abstract(cls):
        return []
    from pytest_tokenbudget.lint.project_text import files_defining

    index.unstored = True
    files = files_defining(index, method)
    if len(files) > MAX_FILES:
        return []
    found = []
    for path in files:
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
    if (protocol and len(found) != 1) or len(found) > MAX_IMPLEMENTATIONS:
        return []
    for mod, _fn in found:
        index.deps[mod.path] = mod.digest
    return found
