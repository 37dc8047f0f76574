"""A loop in a function that nothing calls: dead code, not per-item work (TB401).

shahidbeig-a11y/triage's ``classify_batch`` and Ravimoon25/knowledge-base-builder's
``process_conversations_batch`` loop over emails / conversations and make one request per item,
but nothing in either project calls them: the code that runs (a web handler, a Streamlit page)
sends its requests elsewhere, item by item while a user waits. A cost reviewer does not count
such a loop, and neither does the batching rule.

A module-level function counts as uncalled when the project uses its module but not it: another
file imports from the module (``from .classifier_ai import classify_with_ai``: the author's code
reaches the module for its other names), and the function's name is said nowhere but its own
``def``: no other ``.py`` file or notebook contains the name, its own file says it once, and
``pyproject.toml`` / ``setup.cfg`` do not name it (an entry point). A module nothing imports (a
runner script, a library's public module) keeps its loops: its functions may be what a user runs
or calls. A decorated function (a route, a command, a task: a framework calls it), ``main``, and
methods (called through ``self`` or an interface) are never taken as uncalled, nor is anything in a
project with more notebooks than are read. A loop in a notebook cell or at module level is run as it is.
"""

from __future__ import annotations

import ast
import os
import re
from typing import Any

from pytest_tokenbudget.lint.callnames import tree_of
from pytest_tokenbudget.lint.project_text import files_saying
from pytest_tokenbudget.lint.source import FileError, read_file

__all__ = ["in_uncalled_function"]

_ENTRY_FILES = ("pyproject.toml", "setup.cfg")
_MAX_NOTEBOOKS = 2_000


def in_uncalled_function(project: Any, path: str, line: int, cell: int | None) -> bool:
    """The loop at ``path:line`` is in a module-level function the project never names."""
    if cell is not None or path.endswith(".ipynb"):
        return False
    tree = tree_of(project, path)
    fn = next((st for st in tree.body if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef))
               and st.lineno <= line <= (st.end_lineno or st.lineno)), None) if tree is not None else None
    if fn is None or fn.decorator_list or fn.name == "main":
        return False
    name = fn.name.encode()
    if [os.path.normpath(p) for p in files_saying(project, name)] != [os.path.normpath(path)]:
        return False  # (no project file list: a lone file says nothing about its callers)
    got = read_file(path)
    if isinstance(got, FileError) or len(re.findall(rb"\b" + re.escape(name) + rb"\b", got[0])) != 1:
        return False
    others = _other_texts(project)
    return others is not None and _imported_elsewhere(project, path) and not any(name in t for t in others)


def _imported_elsewhere(project: Any, path: str) -> bool:
    """Another project file imports from the module at ``path`` (``from x.mod import a``, ``import x.mod``)."""
    base = os.path.splitext(os.path.basename(path))[0]
    if base == "__init__":
        return False
    said = re.compile(rb"\bfrom\s+\.*(?:\w+\.)*" + re.escape(base.encode()) + rb"\s+import\b|\bimport\s+(?:\w+\.)*"
                      + re.escape(base.encode()) + rb"\b")
    for other in files_saying(project, base.encode()):
        got = read_file(other) if os.path.normpath(other) != os.path.normpath(path) else None
        if got is not None and not isinstance(got, FileError) and said.search(got[0]):
            return True
    return False


def _other_texts(project: Any) -> list[bytes] | None:
    """The project's entry-point files and notebooks, read once per run (None: too many notebooks)."""
    if "_entry_texts" not in project.__dict__:
        paths = [os.path.join(project.root, n) for n in _ENTRY_FILES]
        for folder, dirs, names in os.walk(project.root):
            dirs[:] = [d for d in dirs if not d.startswith(".") and d not in ("node_modules", "site-packages", "venv")]
            paths += [os.path.join(folder, n) for n in names if n.endswith(".ipynb")]
            if len(paths) > _MAX_NOTEBOOKS:
                break
        project._entry_texts = None if len(paths) > _MAX_NOTEBOOKS else [
            got[0] for p in paths if os.path.isfile(p) and not isinstance(got := read_file(p), FileError)]
    return project._entry_texts
