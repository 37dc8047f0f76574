"""A loop in a function that nothing calls: dead code, not per-item work (TB401).

shahidbeig-a11y/triage's ``classify_batch`` and Ravimoon25/knowledge-base-builder's
``process_conversations_batch`` loop over emails / conversations and make one request per item,
but nothing in either project calls them: the code that runs (a web handler, a Streamlit page)
sends its requests elsewhere, item by item while a user waits. A cost reviewer does not count
such a loop, and neither does the batching rule.

A module-level function counts as uncalled when the project uses its module but not it: another
file imports from the module (``from .classifier_ai import classify_with_ai``: the author's code
reaches the module for its other names), and the function's name is said nowhere but its own
``def``: no other ``.py`` file or notebook's code contains the name (a file that does not parse
runs nothing: it calls nothing), its own file says it once, and
``pyproject.toml`` / ``setup.cfg`` do not name it (an entry point). A module nothing imports (a
runner script, a library's public module) keeps its loops: its functions may be what a user runs
or calls. A decorated function (a route, a command, a task: a framework calls it), ``main``, dunder
methods and the public methods of a class with bases (a framework's subclass: Django calls ``handle``)
are never taken as uncalled, nor is anything in a project with more notebooks than are read. A public
method of a plain class is uncalled when no file says its name and the project's own code (not a
package's ``__init__``, which re-exports a library's class for its users) imports its module
(PokerAssistant's ``ClaudePatternAnalyser.batch_analyse``: main.py imports the module for its
engine). A private method (``_collect``) whose name no file says but its own ``def`` is uncalled
wherever its module is (pdf2tasks' ``Orchestrator._extract_task_contexts``: its per-task loop never
runs). A loop in a notebook cell or at module level is run as it is.
"""

from __future__ import annotations

import ast
import os
import re
from typing import Any

from pytest_tokenbudget.lint.callnames import tree_of
from pytest_tokenbudget.lint.importcheck import file_bytes
from pytest_tokenbudget.lint.newsyntax import parse_source
from pytest_tokenbudget.lint.project_text import files_saying, notebooks
from pytest_tokenbudget.lint.source import FileError, NotebookError, notebook_source, read_file

__all__ = ["in_uncalled_function"]

_ENTRY_FILES = ("pyproject.toml", "setup.cfg")
_MAX_NOTEBOOKS = 2_000


def in_uncalled_function(project: Any, path: str, line: int, cell: int | None) -> bool:
    """The loop at ``path:line`` is in a module-level function (or a private method) the project never names."""
    if cell is not None or path.endswith(".ipynb"):
        return False
    tree = tree_of(project, path)
    fn = _def_at(tree.body, line) if tree is not None else None
    cls = _def_at(tree.body, line, ast.ClassDef) if fn is None and tree is not None else None
    method = cls is not None and (fn := _def_at(cls.body, line)) is not None
    if fn is None or fn.decorator_list or fn.name == "main" or _dunder(fn.name) or \
            method and not _private(fn.name) and cls.bases:
        return False  # (a framework's subclass: the framework calls its methods by name)
    name = fn.name.encode()
    here, saying = os.path.normpath(path), [os.path.normpath(p) for p in files_saying(project, name)]
    if here not in saying or any(p != here and not _runs_nothing(project, p) and not _only_imports(project, p, name)
                                 for p in saying):
        return False  # (no project file list: a lone file says nothing about its callers)
    data = file_bytes(project, path)
    if data is None or len(re.findall(rb"\b" + re.escape(name) + rb"\b", data)) != 1:
        return False
    public_method = method and not _private(fn.name)
    return (method and not public_method or _imported_elsewhere(project, path, public_method)) \
        and (said := _other_words(project)) is not None and name not in said


_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _def_at(body: list[ast.stmt], line: int, kind: type | tuple[type, ...] = _DEFS) -> Any:
    """The statement of ``body`` of type ``kind`` whose lines hold ``line``."""
    return next((st for st in body if isinstance(st, kind) and st.lineno <= line <= (st.end_lineno or st.lineno)),
                None)


def _runs_nothing(project: Any, path: str) -> bool:
    """A ``.py`` file with no statement to run: it does not parse (virtual-interview-generator's
    ``main.py``, a ``try:`` left without ``except``, is the only caller of a per-prompt loop), or it
    holds only comments. What it says is no call. Parsed once per run and not kept (the answer is)."""
    memo: dict[str, bool] = project.__dict__.setdefault("_runs_nothing", {})
    mod = project.modules.get(path) if path.endswith(".py") else None
    if path not in memo and mod is not None and mod.tree is not None and mod.tree.body:
        memo[path] = False  # parsed already by a search, with statements: it runs
    if path not in memo:
        data = file_bytes(project, path) if path.endswith(".py") else None
        try:
            memo[path] = data is not None and not parse_source(data).body
        except SyntaxError:
            memo[path] = True
        except (ValueError, RecursionError, MemoryError):  # (a null byte, a deep file: not a sign it is dead)
            memo[path] = False
    return memo[path]


def _only_imports(project: Any, path: str, name: bytes) -> bool:
    """The ``.py`` file names the function once, in an import that keeps its name (``from
    agents.supervisor import run_analysis, run_portfolio_analysis``) and never uses it: an import
    left over, not a call. A package's ``__init__`` and a module with ``__all__`` re-export names."""
    if _is_init(path) or not path.endswith(".py"):
        return False
    data = file_bytes(project, path)
    if data is None or b"__all__" in data or len(re.findall(rb"\b" + re.escape(name) + rb"\b", data)) != 1:
        return False
    tree = tree_of(project, path)
    text = name.decode()
    return tree is not None and any(isinstance(n, ast.ImportFrom) and any(a.name == text and a.asname is None
                                                                          for a in n.names) for n in ast.walk(tree))


def _dunder(name: str) -> bool:
    """``__call__``, ``__iter__``: Python calls it, by no name a file says."""
    return name.startswith("__") and name.endswith("__")


def _private(name: str) -> bool:
    """``_helper``: only its class calls it, through ``self`` (which says the name)."""
    return name.startswith("_") and not name.endswith("__")


def _imported_elsewhere(project: Any, path: str, by_code: bool = False) -> bool:
    """Another project file imports from the module at ``path`` (``from x.mod import a``, ``import x.mod``);
    ``by_code``: a file that is not a package's ``__init__`` (which re-exports a library's names)."""
    base = os.path.splitext(os.path.basename(path))[0]
    if base == "__init__":
        return False
    said = re.compile(rb"\bfrom\s+\.*(?:\w+\.)*" + re.escape(base.encode()) + rb"\s+import\b|\bimport\s+(?:\w+\.)*"
                      + re.escape(base.encode()) + rb"\b")
    return any(said.search(data) for other in files_saying(project, base.encode())
               if os.path.normpath(other) != os.path.normpath(path) and not (by_code and _is_init(other))
               and (data := file_bytes(project, other)))


def _is_init(path: str) -> bool:
    return os.path.basename(path) == "__init__.py"


def _other_words(project: Any) -> frozenset[bytes] | None:
    """The identifiers that the project's entry-point files and its notebooks' code cells say, read
    once per run (None: too many notebooks). Kept as words, not texts: a notebook's outputs (images
    in base64) would cost a project's worth of memory for nothing."""
    if "_entry_words" not in project.__dict__:
        books = notebooks(project)
        words: set[bytes] | None = None if books is None or len(books) > _MAX_NOTEBOOKS else set()
        for p in [*(os.path.join(project.root, n) for n in _ENTRY_FILES), *(books or ())] if words is not None else ():
            got = read_file(p) if os.path.isfile(p) else None
            if got is None or isinstance(got, FileError):
                continue
            data = got[0]
            if p.endswith(".ipynb"):
                try:
                    data = notebook_source(data).code.encode()
                except NotebookError:
                    pass  # (a broken notebook: every word of it)
            words.update(_WORD.findall(data))
        project._entry_words = None if words is None else frozenset(words)
    return project._entry_words


_WORD = re.compile(rb"[A-Za-z_]\w{0,127}")
