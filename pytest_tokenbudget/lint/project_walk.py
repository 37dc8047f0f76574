"""The walk of a project's tree that every whole-project search shares (the word index, the caller
searches' file list, the warm-run check of what changed, the configuration-file search).

It sees the tree as file discovery (:mod:`.discover`) does, so that a file the run lints is also a
file its searches read: folders reached through a symbolic link are walked (a monorepo that links a
shared package in, a folder of projects made of links), except a link that leads back to a folder
on the way down (a loop). Left out: hidden folders, virtual environments, build output (not a package
named ``build``), caches, and ``nested`` (project folders indexed apart, :mod:`.project_set`). Names
come sorted, so a search reads files in the same order on every file system and so names the same
caller first.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from pytest_tokenbudget.lint.discover import BUILD_OUTPUT, is_package

__all__ = ["SKIP_DIRS", "walk_project"]

SKIP_DIRS = frozenset({"node_modules", "site-packages", "__pycache__", "build", "dist", "venv", "env"})


def walk_project(root: str, nested: tuple[str, ...] | frozenset[str] = ()) -> Iterator[tuple[str, list[str]]]:
    """Each folder under ``root`` (top-down, depth first, as :func:`os.walk`) with its file names."""
    stack: list[tuple[str, tuple[str, ...]]] = [(root, (root,))]
    ids: dict[str, tuple[int, int]] = {}  # folder -> (device, inode), asked only about a link's ancestors
    while stack:
        folder, ancestors = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        files: list[str] = []
        below: list[str] = []
        for entry in entries:
            try:
                is_dir = entry.is_dir()  # (follows a link)
            except OSError:
                continue
            if not is_dir:
                files.append(entry.name)
            elif not ((entry.name in SKIP_DIRS and not (entry.name in BUILD_OUTPUT and is_package(entry.path)))
                      or entry.name.startswith(".") or entry.path in nested or _links_back(entry, ancestors, ids)):
                below.append(entry.path)
        yield folder, files
        stack.extend((path, (*ancestors, path)) for path in reversed(below))


def _links_back(entry: os.DirEntry[str], ancestors: tuple[str, ...], ids: dict[str, tuple[int, int]]) -> bool:
    """``entry`` is a link to a folder on the way down to it: only a link can close a loop, so a tree
    of plain folders costs no ``stat`` at all."""
    try:
        if not entry.is_symlink():
            return False
    except OSError:
        return False
    target = _folder_id(entry.path)
    for folder in ancestors:
        if folder not in ids:
            ids[folder] = _folder_id(folder)
        if ids[folder] == target:
            return True
    return False


def _folder_id(path: str) -> tuple[int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return (-1, id(path))
    return (st.st_dev, st.st_ino)
