"""Byte-level facts about the whole project: its ``.py`` files (and notebooks) and whether any says a word.

A rule that must stay silent when a value it cannot see *might* carry something (an unresolved
message history that might hold a ``cache_control`` marker) can ask whether the project mentions
that thing at all: a project whose code never writes ``cache_control`` cannot build a history
that carries one. One directory walk per run, shared by every question; no file is parsed.
"""

from __future__ import annotations

import os
from typing import Any

from pytest_tokenbudget.lint.project_walk import walk_project
from pytest_tokenbudget.lint.source import FileError, read_file

__all__ = ["py_files", "notebooks", "mentions", "files_defining", "files_saying"]

_MAX_FILES = 20_000
_MAX_BYTES = 2 << 20


def py_files(project: Any) -> list[str] | None:
    """The project's ``.py`` files, hidden and vendored folders skipped (``None``: too many to
    walk, so nothing can be said about the whole project)."""
    if "_py_files" not in project.__dict__:
        if not project.searchable:
            project._py_files = None  # a lone file in a scratch folder: the folder is not a project
            project._notebooks = None
            return None
        files: list[str] | None = []
        books: list[str] | None = []
        for folder, names in walk_project(project.root, project.nested):
            files.extend(os.path.normpath(os.path.join(folder, n)) for n in names if n.endswith(".py"))
            books.extend(os.path.normpath(os.path.join(folder, n)) for n in names if n.endswith(".ipynb"))
            if len(files) > _MAX_FILES:
                files = books = None
                break
        project._py_files, project._notebooks = files, books
    return project._py_files


def notebooks(project: Any) -> list[str] | None:
    """The project's notebooks, found by the same walk as :func:`py_files` (``None`` when it is not
    searchable or too large to walk)."""
    py_files(project)
    return project.__dict__.get("_notebooks")


def mentions(project: Any, needle: bytes) -> bool:
    """Whether any project ``.py`` file (or a file too large or unreadable to check) contains ``needle``."""
    memo = project.__dict__.setdefault("_mentions", {})
    if needle not in memo:
        files = py_files(project)
        memo[needle] = files is None or any(_contains(path, needle) for path in files)
    return memo[needle]


def files_saying(project: Any, needle: bytes) -> list[str]:
    """The project's ``.py`` files whose bytes contain ``needle`` (a definition's ``def name(``, a
    decorator's ``name(``), listed once per run; the search is recorded like :func:`mentions` (a warm
    run re-checks a file that asked when a file saying it appears or changes)."""
    if not mentions(project, needle):  # (asked every time: that is what records the search)
        return []
    memo = project.__dict__.setdefault("_saying", {})
    if needle not in memo:
        memo[needle] = [p for p in py_files(project) or () if _contains(p, needle)]
    return memo[needle]


def files_defining(project: Any, name: str) -> list[str]:
    """The project's non-test ``.py`` files that say ``def name(`` (:func:`files_saying`)."""
    from pytest_tokenbudget.lint.project_roots import in_tests

    return [p for p in files_saying(project, f"def {name}(".encode()) if not in_tests(p, project.root)]


def _contains(path: str, needle: bytes) -> bool:
    got = read_file(path)
    if isinstance(got, FileError):
        return False  # a broken link or a FIFO holds no code
    return got[1].st_size > _MAX_BYTES or needle in got[0]
