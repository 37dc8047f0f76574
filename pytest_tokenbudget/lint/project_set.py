"""The run's project indexes: one for a project, one per project for a folder of projects.

``tokenbudget lint ~/src`` (or ``lint repo-a repo-b``) names a folder that is not a project itself
(no packaging, VCS or requirements marker) holding several that are. Each of those is indexed on
its own: a function in ``repo-a`` is never called from ``repo-b``, ``from config import MODEL`` in
one never means the other's ``config.py``, and a caller search reads one repository's files, not
every file under the folder. A project inside a project stays part of it (a monorepo's packages
import each other), so only the outermost marked folders below an unmarked root are split off; the
files outside them share the root's index, which skips the split-off folders in its own walks.

All the indexes keep their per-file answers in one store (content digests are global) and one
``index.json``, owned by the root's index.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from pytest_tokenbudget.lint.callerdeps import TrackedProject
from pytest_tokenbudget.lint.project_roots import is_project_folder
from pytest_tokenbudget.lint.tree_budget import release_old_trees
from pytest_tokenbudget.lint.word_shelf import WordShelf, reserve

__all__ = ["ProjectSet"]


class ProjectSet:
    """The index of the folder a run lints, and of each project folder it holds (see module docs)."""

    def __init__(self, root: Path, cache_folder: Path | None = None, *, named: bool = False) -> None:
        self.top = TrackedProject(root, cache_folder, named=named)
        self._split = self.top.searchable and not is_project_folder(self.top.root)
        self._owner: dict[str, str] = {}  # folder -> root of the index it belongs to
        self.projects: dict[str, TrackedProject] = {self.top.root: self.top}
        self.shelf_path: str | None = None  # the file a pooled run keeps the word index in
        self._shelf: WordShelf | None = None

    @property
    def root(self) -> str:
        return self.top.root

    def for_path(self, path: str) -> TrackedProject:
        """The index ``path`` (a file) belongs to."""
        if not self._split:
            return self.top
        root = self._root_of(os.path.dirname(os.path.abspath(path)))
        project = self.projects.get(root)
        if project is None:
            project = TrackedProject(Path(root), named=True, store=self.top)
            if self._shelf is not None:  # (met again after the run left it: its part is still there)
                project.word_source = functools.partial(self._shelf.part, root)
            self.projects[root] = project
            if root not in self.top.nested:
                self.top.nested = (*self.top.nested, root)
        return project

    def prepare(self, paths: list[str]) -> None:
        """Create the index of every project folder ``paths`` fall in before workers fork (they
        inherit them, and the root's index knows which folders to skip)."""
        for p in paths:
            self.for_path(p)

    def _root_of(self, folder: str) -> str:
        """The outermost project folder between the root and ``folder`` (the root if none)."""
        if folder in self._owner:
            return self._owner[folder]
        parent = os.path.dirname(folder)
        if folder == self.top.root or not folder.startswith(self.top.root + os.sep) or parent == folder:
            owner = self.top.root
        else:
            above = self._root_of(parent)
            owner = above if above != self.top.root or not is_project_folder(folder) else folder
        self._owner[folder] = owner
        return owner

    def leave(self, project: TrackedProject) -> None:
        """The run moved on from ``project`` (files come folder by folder, so seldom back): drop what it
        read; a file of it met later gets a fresh index. The root's index keeps its store."""
        if project is self.top:
            release_old_trees(project, 0)
        elif self.projects.get(project.root) is project:
            self.top.dirty = self.top.dirty or project.dirty  # (the store it wrote to is the root's)
            del self.projects[project.root]
            release_old_trees(project, 0)  # the run-wide memos let go of its trees (else they keep them)
            project.close()

    def word_index_parts(self) -> dict[str, dict[str, tuple[str, ...]]]:
        """The word index of the whole root, one part per project root (one part, the root's, when
        the root is a project), each word's files a tuple, cut per project as it is built (never the
        whole index first).

        Equal words and equal tuples of files are one object each: on the 701-repository tree,
        228,000 words instead of 503,000 and one ``(path,)`` per file for the 323,000 words only
        one file names."""
        from pytest_tokenbudget.lint.word_index import build_word_index, build_word_index_parts

        root = self.top.root
        parts = build_word_index_parts(root, self._root_of) if self._split else {root: build_word_index(root)}
        words: dict[str, str] = {}
        files_of: dict[tuple[str, ...], tuple[str, ...]] = {}
        return {root: {words.setdefault(word, word): files_of.setdefault(files, files)
                       for word, files in ((w, tuple(f)) for w, f in part.items())}
                for root, part in parts.items()}

    def reserve_shelf(self) -> str:
        """The file :meth:`shelve_word_index` writes to, made here (removed by :meth:`close`)."""
        if self.shelf_path is None:
            self.shelf_path = reserve()
        return self.shelf_path

    def shelve_word_index(self) -> WordShelf:
        """:meth:`word_index_parts` written to the run's shelf file (:mod:`.word_shelf`): what a
        cold pooled run computes in a process of its own while it reads the files."""
        return WordShelf.write(self.word_index_parts(), self.reserve_shelf())

    @property
    def wants_word_index(self) -> bool:
        """Whether the workers of a pooled run are still to be given the word index."""
        return self.top.searchable and self._shelf is None and not self.top.has_word_index

    def set_word_shelf(self, shelf: WordShelf) -> None:
        """Let each index read its part from ``shelf`` when first asked (none is read here)."""
        self._shelf = shelf
        for root, project in self.projects.items():
            project.word_source = functools.partial(shelf.part, root)

    def save(self) -> None:
        self.top.dirty = any(p.dirty for p in self.projects.values())
        self.top.save()  # (the store every index shares)

    def close(self) -> None:
        for project in self.projects.values():
            project.close()
        if self.shelf_path is not None:
            WordShelf(self.shelf_path).remove()
