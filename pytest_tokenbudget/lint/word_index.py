"""The project's word index: identifier -> the ``.py`` files that call it, pass it, re-bind it or
import it, built by one byte scan of the tree (no parse) before any caller search. The searches of
:mod:`.callers` and :mod:`.callsearch` parse only the files it names for a function.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

from pytest_tokenbudget.lint.project_walk import walk_project
from pytest_tokenbudget.lint.source import FileError, read_file

__all__ = ["build_word_index", "build_word_index_parts", "project_words"]

# ``\b(\w+)\s*\(`` (a word called), matched on the reversed text where it starts with a literal
# ``(`` the regex engine skips to fast (5x): each ``(`` gives the whole word before it, as before
_CALLED_REVERSED = re.compile(rb"\(\s*(\w+)")
# g(rows, f), g(fn=f); possessive where the language has it (3.11): the same matches (a prefix
# ``x.`` given back could never be followed by the lookahead) without backtracking through words
_PASSED = re.compile(rb"[(,=]\s*+(?:\w++\.)?+(\w++)(?=\s*[,)])" if sys.version_info >= (3, 11)
                     else rb"[(,=]\s*(?:\w+\.)?(\w+)(?=\s*[,)])")
# fn = f; matched on the text after a newline added in front: a literal ``\n`` to skip to, where
# ``^`` made the regex engine try every position (the same matches as ``^`` with re.M)
_ALIASED = re.compile(rb"\n[ \t]*\w+\s*=\s*(?:\w+\.)?(\w+)[ \t]*$", re.M)
# from m import (f as g, h); ``\bimport`` checked behind the literal, which the regex engine finds fast;
# a parenthesised list up to its ``)``, comments included (``from m import (  # noqa: E402``); a
# plain list to the end of its line (backslash continuations joined), so that it never swallows the
# next import statement
_IMPORTED = re.compile(rb"import(?<=\bimport)[ \t]+(\([^)]*\)|(?:[\w \t,]|\\\r?\n)+)")
_WORD = re.compile(rb"\w+")
_MAPPED = re.compile(rb"(?:map|submit|imap|imap_unordered|starmap|apply_async)\(\s*(?:[\w.]+\.)?(\w+)")
_MAPPED_ENDS = (b"map(", b"submit(", b"unordered(", b"apply_async(")  # a _MAPPED match holds one of these
_MAX_FILES = 50_000


def project_words(project: Any) -> dict[str, list[str]]:
    """The project's word index, built on first use (empty for a tree that may not be searched); a
    run in processes hands it to the workers ready-made (:mod:`.project_set`)."""
    if project.word_index is None:
        project.word_index = build_word_index(project.root, project.nested) if project.searchable else {}
    return project.word_index


def build_word_index(root: str, nested: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """identifier -> the project's ``.py`` files that call it, pass it, re-bind it or import it
    (``nested``: folders under ``root`` to leave out, projects indexed apart)."""
    index: dict[str, list[str]] = {}
    for path, words in _words_by_file(root, nested):
        for w in words:
            index.setdefault(w, []).append(path)
    return index


def build_word_index_parts(root: str, root_of: Callable[[str], str]) -> dict[str, dict[str, list[str]]]:
    """:func:`build_word_index` of a folder of projects, cut per project root as it is built
    (``root_of``: a folder's project root): each part as the project's own index would list it, in
    the same order, without building the whole index first and cutting it after (1.6 s of the 7 s
    the corpus tree's index takes)."""
    parts: dict[str, dict[str, list[str]]] = {}
    for path, words in _words_by_file(root, ()):
        folder = os.path.dirname(os.path.abspath(path))
        part = parts.setdefault(root_of(folder), {})  # (root_of memoises its answer per folder)
        for w in words:
            part.setdefault(w, []).append(path)
    return parts


def _words_by_file(root: str, nested: tuple[str, ...]) -> Iterator[tuple[str, list[str]]]:
    """Each indexed file under ``root`` (walk order) with the words it calls, passes, re-binds or imports."""
    n = 0
    for folder, files in walk_project(root, nested):
        for name in files:
            if not name.endswith((".py", ".ipynb")):
                continue
            n += 1
            if n > _MAX_FILES:
                return
            path = os.path.join(folder, name)
            got = read_file(path)  # never blocks on a FIFO or a device; skips what is not a regular file
            if isinstance(got, FileError) or got[1].st_size > 2 << 20:
                continue
            data = got[0]
            words = {w[::-1] for w in _CALLED_REVERSED.findall(data[::-1])}
            words.update(_PASSED.findall(data))
            words.update(_ALIASED.findall(b"\n" + data))
            if any(end in data for end in _MAPPED_ENDS):
                words.update(_MAPPED.findall(data))
            for names in _IMPORTED.findall(data):
                words.update(_WORD.findall(names))
            yield path, [w.decode("ascii", "replace") for w in words]
