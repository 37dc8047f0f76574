"""Values that rest on what a project folder holds, for the project index: a dict a function fills
from a folder's files, and the first of several candidate paths that exists.

Tool definitions and prompt sets kept one per file are often loaded by a loop over their folder::

    def get_all_tools():
        tools = {}
        for file in TOOL_DIR.glob("*.json"):
            tools[file.stem] = load_tool(file.stem)
        return tools

    TOOLS = get_all_tools()          # tools=[TOOLS["post_feedback"]] at the request

The folder is in the project, so its files are known. :func:`globbed_dicts` binds each file the
pattern matches (sorted, at most :data:`MAX_FILES`) to the loop variable in turn, and evaluates the
item the body writes (after the body's plain assignments). Only a dict that starts empty and is
written by nothing but that loop counts, and only when every key is a known text; any other body
(a filter, a second write, a method that changes the dict) leaves the function's usual value. The
answer depends on a folder's listing, not on a file's text, so the index does not keep it across
runs (:attr:`.project.Project.unstored`): a file added to the folder is seen on the next run.

A helper that looks for its prompts folder in several places returns the first that exists::

    def prompts_dir():
        for p in [SRC.parent / "prompts", SRC / "prompts"]:
            if p.exists():
                return p
        return SRC.parent / "prompts"            # (created when neither exists)

:func:`first_existing` gives that path: the fallback after the loop runs only when no candidate
exists, and one does. :func:`folder_answer` is what the index asks of a function.
"""

from __future__ import annotations

import ast
import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pytest_tokenbudget.lint.analysis.values import Unknown
from pytest_tokenbudget.lint.astwalk import walk
from pytest_tokenbudget.lint.file_values import FilePath

__all__ = ["LISTING", "MAX_FILES", "first_existing", "folder_answer", "globbed_dicts", "listing_digest"]

LISTING = "glob:"  # a dependency on a folder's listing, not a file (.project.Project.digest_of)
MAX_FILES = 64  # files of one folder: more is a data set, not a set of prompts or tools
_LISTINGS = ("glob", "rglob", "iterdir")
_CHANGES = frozenset({"update", "setdefault", "pop", "popitem", "clear", "__setitem__"})

Evaluate = Callable[[dict[str, Any], ast.expr], Any]


def _listing(it: ast.expr) -> tuple[ast.expr, str] | None:
    """``(folder expression, pattern)`` of ``D.glob("*.json")`` / ``sorted(D.iterdir())``."""
    if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id in ("sorted", "list") \
            and len(it.args) == 1 and not it.keywords:
        it = it.args[0]
    if not (isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and it.func.attr in _LISTINGS):
        return None
    if it.func.attr == "iterdir":
        return (it.func.value, "*") if not it.args else None
    if len(it.args) == 1 and isinstance(it.args[0], ast.Constant) and isinstance(it.args[0].value, str):
        return it.func.value, ("**/" if it.func.attr == "rglob" else "") + it.args[0].value
    return None


def _written_only_here(fn: ast.AST, name: str, store: ast.Subscript) -> bool:
    """``name`` is changed by nothing but ``store`` (its one ``name = {}`` aside)."""
    for node in walk(fn):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == name \
                and not isinstance(node.ctx, ast.Load) and node is not store:
            return False
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == name \
                and node.attr in _CHANGES:
            return False
    return True


def _files(folder: str, pattern: str, root: str | None = None) -> list[str] | None:
    """The files ``pattern`` matches in ``folder`` (a project folder), sorted; None when too many."""
    base = Path(folder)
    if not base.is_dir() or root is not None and not os.path.abspath(folder).startswith(os.path.abspath(root)):
        return None
    found = sorted(str(p) for p in base.glob(pattern) if p.is_file())
    return found if len(found) <= MAX_FILES else None


def listing_digest(key: str) -> str | None:
    """The digest of a folder's listing recorded as a dependency (``glob:<folder>|<pattern>``): a
    warm run checks again the files whose result a dict filled from that folder fed."""
    folder, _, pattern = key[len(LISTING):].partition("|")
    files = _files(folder, pattern)
    return None if files is None else hashlib.blake2b("\n".join(files).encode(), digest_size=16).hexdigest()


def _loops(fn: ast.AST) -> list[ast.For]:
    """The ``for NAME in ...`` loops of ``fn``."""
    return [n for n in walk(fn) if isinstance(n, ast.For) and isinstance(n.target, ast.Name)]


def globbed_dicts(fn: ast.FunctionDef | ast.AsyncFunctionDef, local: dict[str, Any], root: str,
                  evaluate: Evaluate, deps: dict[str, str] | None = None,
                  loops: list[ast.For] | None = None) -> dict[str, dict[str, Any]]:
    """``{name: dict}`` for each empty local dict ``fn`` fills by a loop over a folder's files;
    ``evaluate(env, expr)`` evaluates ``expr`` with the locals ``env`` (ast nodes or values). Each
    folder listed is recorded in ``deps``; ``loops``: ``fn``'s loops, when the caller has them."""
    out: dict[str, dict[str, Any]] = {}
    for loop in _loops(fn) if loops is None else loops:
        if loop.orelse:
            continue
        listing = _listing(loop.iter)
        plain = [st for st in loop.body if isinstance(st, ast.Assign) and len(st.targets) == 1
                 and isinstance(st.targets[0], ast.Name)]
        writes = [st for st in loop.body if st not in plain]
        if listing is None or len(writes) != 1 or not isinstance(writes[0], ast.Assign) \
                or len(writes[0].targets) != 1 or not isinstance(target := writes[0].targets[0], ast.Subscript) \
                or not isinstance(target.value, ast.Name):
            continue
        name = target.value.id
        start = local.get(name)
        if not (isinstance(start, ast.Dict) and not start.keys) or not _written_only_here(fn, name, target):
            continue
        folder = evaluate(local, listing[0])
        files = _files(folder.path, listing[1], root) if isinstance(folder, FilePath) else None
        if files is None:
            continue
        if deps is not None:
            key = f"{LISTING}{folder.path}|{listing[1]}"  # type: ignore[union-attr]
            deps[key] = listing_digest(key) or ""
        filled: dict[str, Any] = {}
        for path in files:
            env = {**local, loop.target.id: FilePath(path),
                   **{st.targets[0].id: st.value for st in plain}}  # type: ignore[union-attr]
            key = evaluate(env, target.slice)
            if not isinstance(key, str):
                break
            value = evaluate(env, writes[0].value)
            filled[key] = value
        else:
            if filled and not all(isinstance(v, Unknown) for v in filled.values()):
                out[name] = filled
    return out


_EXISTS = frozenset({"exists", "is_dir", "is_file", "isdir", "isfile"})


def _tests_existence(test: ast.expr, name: str) -> bool:
    """``p.exists()`` / ``p.is_dir()`` / ``os.path.exists(p)`` (and ``isdir`` / ``isfile``) of ``name``."""
    if not (isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute) and test.func.attr in _EXISTS):
        return False
    subject = test.args[0] if len(test.args) == 1 else test.func.value
    return isinstance(subject, ast.Name) and subject.id == name


def first_existing(loops: list[ast.For], evaluate: Callable[[ast.expr], Any]) -> Any:
    """The first candidate that exists of ``for p in CANDIDATES: if p.exists(): return p`` among a
    function's ``loops``, as a :class:`FilePath`; None when there is no such loop or no candidate exists."""
    for loop in loops:
        name = loop.target.id  # type: ignore[union-attr]
        if not any(isinstance(st, ast.If) and _tests_existence(st.test, name) and any(
                isinstance(r, ast.Return) and isinstance(r.value, ast.Name) and r.value.id == name for r in st.body)
                for st in loop.body):
            continue
        candidates = evaluate(loop.iter)
        for c in candidates if isinstance(candidates, (list, tuple)) else ():
            if isinstance(c, FilePath) and os.path.exists(c.path):
                return c
    return None


def folder_answer(project: Any, mod: Any, fn: ast.FunctionDef | ast.AsyncFunctionDef,
                  local: dict[str, Any]) -> tuple[Any, Any]:
    """The evaluator of ``fn``'s returns (its locals ``local``, ast nodes or values, with the dicts it
    fills from a folder's files), and ``fn``'s value when it returns the first of several candidate
    paths that exists (else None). Either folder answer makes the index's answer one of this run
    only (a folder may gain files or folders before the next). A function without a loop costs one
    walk of its tree."""
    loops = _loops(fn)
    filled = globbed_dicts(fn, local, project.root, lambda env, node: project._evaluator(mod, env).expr(node),
                           project.deps, loops) if loops else {}
    ev = project._evaluator(mod, {**local, **filled})
    first = first_existing(loops, ev.expr) if loops else None
    project.unstored = project.unstored or bool(filled) or first is not None
    return ev, first
