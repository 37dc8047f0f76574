"""Whether a request's unseen parts could carry a ``cache_control`` marker, module by module.

TB101 stays silent when a part of the request it cannot see (a history kept in a dict, a system
list built elsewhere) might hold a marker, and it used to take "no file of the project writes
``cache_control``" as the only proof there is none. A project whose *other* parts cache (a second
bot, a newer module) then hid every uncached request of this file. :func:`no_marker_nearby` asks
the narrower question: neither the file being checked nor any project module it imports, nor any
module that imports it (and so could reach its history), writes ``cache_control``. Values cross
modules through imports; modules unrelated by import cannot put a marker into this file's
requests. Byte searches only: the files that write a marker are read once per run, and the
answer is memoised per file.
"""

from __future__ import annotations

import os
import re

from pytest_tokenbudget.lint.source import FileError, read_file

__all__ = ["no_marker_nearby"]

_NEEDLE = b"cache_control"
_IMPORT = re.compile(rb"^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import[ \t]+\(?([\w, \t]+)|import[ \t]+([\w., \t]+))", re.M)


def _stem(path: str) -> str:
    base = os.path.splitext(os.path.basename(path))[0]
    return os.path.basename(os.path.dirname(path)) if base == "__init__" else base


def _imported(data: bytes) -> set[str]:
    """Module (and imported) names of the import statements of ``data``: each dotted part."""
    out: set[str] = set()
    for m in _IMPORT.finditer(data):
        for group in m.groups():
            for part in re.split(rb"[\s,.]+", group or b""):
                if part and part not in (b"as",):
                    out.add(part.decode("ascii", "replace"))
    return out


def _data(path: str) -> bytes | None:
    got = read_file(path)
    return None if isinstance(got, FileError) else got[0]


def no_marker_nearby(path: str) -> bool:
    """Neither ``path`` nor a project module linked to it by an import writes ``cache_control``
    (False when there is no project index to ask, or its files are too many to walk)."""
    from pytest_tokenbudget.lint.project import active
    from pytest_tokenbudget.lint.project_text import py_files

    act = active()
    if act is None:
        return False
    project = act[0]
    path = os.path.normpath(os.path.abspath(path))
    writers = project.remember("_marker_writers", None, lambda: _writers(project, py_files(project)))
    return bool(project.remember("_marker_nearby", path, lambda: _compute(path, writers)))


def _writers(project: object, files: list[str] | None) -> list[tuple[str, str, bytes]] | None:
    """(path, stem, bytes) of every project file that writes ``cache_control``, read once per run;
    None when the files cannot all be read (too many to walk, or one unreadable: cannot tell)."""
    needles = getattr(project, "needles", None)
    if needles is not None:  # a warm run re-checks when a new or changed file writes a marker
        needles[_NEEDLE] = False
    if files is None:
        return None
    out = []
    for other in files:
        data = _data(other)
        if data is None:
            return None
        if _NEEDLE in data:
            out.append((os.path.normpath(os.path.abspath(other)), _stem(other), data))
    return out


def _compute(path: str, writers: list[tuple[str, str, bytes]] | None) -> bool:
    own = _data(path)
    if writers is None or own is None or _NEEDLE in own:
        return False
    imports = _imported(own)
    stem = _stem(path)
    mine = re.compile(rb"^[ \t]*(?:from|import)[ \t]+[^\n]*\b" + re.escape(stem.encode()) + rb"\b", re.M)
    return not any(other != path and (other_stem in imports or mine.search(data))
                   for other, other_stem, data in writers)
