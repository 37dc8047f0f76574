"""What a cached result learnt from the rest of the project, and whether the project still says it.

A file's findings can depend on files it never imports: TB401 looks for loops in its callers,
argument rules read what callers pass, and some rules ask whether the project mentions a word at
all. The content-hash key of the per-file cache cannot see those: a *new* caller file with a loop
leaves the callee's bytes unchanged. So while a file is checked, the project records the words it
looked up in the word index (function names whose callers were searched) and the byte searches it
made; the engine stores them with the result (``"callers"``) together with the files that were
candidates and the wall-clock time of the run.

A warm run serves such a result only when no project file (``.py``/``.ipynb``, the folders every
caller search walks) that is new or changed since then mentions one of those words, no candidate
file is gone, and no folder lost a file when the candidates were too many to list. "Changed since"
is the later of a file's mtime and ctime (ctime moves on creation, rename and copy even when a tool
keeps an old mtime). The project walk is made once per run and only when some cached result
carries such a record.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from pathlib import Path
from typing import Any, Callable

from pytest_tokenbudget.lint.project import Project
from pytest_tokenbudget.lint.project_walk import walk_project
from pytest_tokenbudget.lint.source import FileError, read_file

__all__ = ["TrackedProject", "record", "stale"]

_MAX_FILES = 300  # candidate files listed per result; more: any folder change re-checks it


class _Recording(MutableMapping):  # type: ignore[type-arg]
    """A view of a dict (the word index; the byte-search memo) that notes the keys asked of it, in
    ``asked``, without copying it: a copy of each project's word index was 13 MB of the corpus
    tree's 683 indexes, held by the run's process as its workers fork (and so by each of them)."""

    def __init__(self, data: dict[Any, Any], asked: dict[Any, Any]) -> None:
        self._data, self.asked = data, asked

    def get(self, key: Any, default: Any = None) -> Any:
        value = self._data.get(key, default)
        self.asked.setdefault(key, value)  # a miss too: the file is re-checked when the word appears
        return value

    def __getitem__(self, key: Any) -> Any:
        value = self._data[key]
        self.asked.setdefault(key, value)
        return value

    def __contains__(self, key: object) -> bool:
        found = key in self._data
        if found:
            self.asked.setdefault(key, self._data[key])
        return found

    def __setitem__(self, key: Any, value: Any) -> None:
        self._data[key] = value

    def __delitem__(self, key: Any) -> None:
        del self._data[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


class TrackedProject(Project):
    """The project index, noting the project-wide questions each file's check asks."""

    def __init__(self, root: Path, cache_folder: Path | None = None, *, named: bool = False,
                 store: Project | None = None) -> None:
        self.started = time.time_ns()
        self.words: dict[str, Any] = {}  # word index lookups of the file being checked
        self.needles: dict[bytes, Any] = {}  # byte searches (project_text.mentions)
        self._index: _Recording | None = None
        self.word_source: Callable[[], dict[str, Sequence[str]]] | None = None  # see .word_shelf
        super().__init__(root, cache_folder, named=named, store=store)
        self._mentions = _Recording({}, self.needles)
        self._walk: tuple[dict[str, int], dict[str, int]] | None = None
        self._recent: list[tuple[int, str]] = []
        self._newest_folder = 0
        self._bytes: dict[str, bytes | None] = {}

    @property  # type: ignore[override]
    def word_index(self) -> Mapping[str, Sequence[str]] | None:
        if self._index is None and self.word_source is not None:  # read from the run's shelf when first asked
            source, self.word_source = self.word_source, None
            self.word_index = source()
        return self._index

    @property
    def has_word_index(self) -> bool:
        """Whether the word index is here or known where to read (asked without reading it)."""
        return self._index is not None or self.word_source is not None

    @word_index.setter
    def word_index(self, value: dict[str, Sequence[str]] | None) -> None:
        self._index = None if value is None else _Recording(value, self.words)

    def remember(self, memo: str, key: Any, compute: Callable[[], Any]) -> Any:
        """Like :meth:`Project.remember`, and a later check served from the memo records the same
        lookups the computation made (else a file checked second would not learn its callers)."""
        table = self.__dict__.setdefault(memo, {})
        if key not in table:
            outer = dict(self.words), dict(self.needles)
            self.words.clear()
            self.needles.clear()
            try:
                value = compute()
            finally:
                made = dict(self.words), dict(self.needles)
                self.words.update(outer[0])
                self.needles.update(outer[1])
            table[key] = (value, made)
        value, (words, needles) = table[key]
        for k, v in words.items():
            self.words.setdefault(k, v)
        for k, v in needles.items():
            self.needles.setdefault(k, v)
        return value

    def _answer(self, entry: Any) -> Any:
        return entry[0]  # (answer, the lookups that computed it)

    def begin(self) -> None:
        """Start recording for the next file's check."""
        self.words.clear()
        self.needles.clear()

    # ------------------------------------------------------------------ validation
    def walk(self) -> tuple[dict[str, int], dict[str, int]]:
        """(file -> stamp, folder -> stamp) under the root; a stamp is max(mtime, ctime) in ns."""
        if self._walk is None:
            files: dict[str, int] = {}
            folders: dict[str, int] = {}
            for folder, names in walk_project(self.root, self.nested):
                try:
                    st = os.stat(folder)
                    folders[folder] = max(st.st_mtime_ns, st.st_ctime_ns)
                except OSError:
                    continue
                for n in names:
                    if n.endswith((".py", ".ipynb")):
                        path = os.path.normpath(os.path.join(folder, n))
                        try:
                            st = os.stat(path)
                        except OSError:
                            continue
                        files[path] = max(st.st_mtime_ns, st.st_ctime_ns)
            self._walk = (files, folders)
            self._recent = sorted(((stamp, path) for path, stamp in files.items()), reverse=True)
            self._newest_folder = max(folders.values(), default=0)
        return self._walk

    def newest_folder(self) -> int:
        """The latest stamp of a walked folder (a file was added, removed or renamed in it then)."""
        self.walk()
        return self._newest_folder

    def changed_since(self, at: int) -> list[str]:
        """The walked files whose stamp is ``at`` or later (newest first)."""
        self.walk()
        out = []
        for stamp, path in self._recent:
            if stamp < at:
                break
            out.append(path)
        return out

    def says(self, path: str, word: bytes) -> bool:
        if path not in self._bytes:
            got = read_file(path)
            self._bytes[path] = None if isinstance(got, FileError) else got[0]
        data = self._bytes[path]
        return data is None or word in data


def record(project: Project) -> dict[str, Any] | None:
    """The project-wide questions the file just checked asked (None: none, or nothing to search)."""
    if not isinstance(project, TrackedProject) or not project.searchable or not (project.words or project.needles):
        return None
    files: set[str] = set()
    for paths in project.words.values():
        files.update(os.path.normpath(p) for p in paths or ())
    any_change = len(files) > _MAX_FILES or any(v for v in project.needles.values())
    return {"at": project.started, "words": sorted(project.words),
            "needles": sorted(n.decode("utf-8", "replace") for n in project.needles),
            "files": None if any_change else sorted(files)}


def stale(project: Project | None, data: dict[str, Any]) -> bool:
    """Whether the project changed since the cached result ``data`` was made in a way its
    project-wide questions could see (see the module docstring)."""
    rec = data.get("callers")
    if not rec or not isinstance(project, TrackedProject):
        return False
    try:
        at, words, files = int(rec["at"]), [*rec["words"], *rec["needles"]], rec["files"]
    except (KeyError, TypeError, ValueError):
        return True
    walked, _ = project.walk()
    if files is None:  # too many candidates to list, or a byte search that found the word
        if project.newest_folder() >= at:
            return True  # a folder gained or lost a file
    elif any(f not in walked for f in files):
        return True  # a candidate caller is gone
    needles = [w.encode("utf-8") for w in words]
    listed = set(files or ())
    return any(files is None or path in listed or any(project.says(path, w) for w in needles)
               for path in project.changed_since(at))
