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

A message content the resolver cannot follow (a block list grown by appends, then marked in place:
``content[-1] = {**content[-1], "cache_control": ...}``) is taken to be the user's text, unmarked
(:func:`..prompt.request_blocks`), except where the function building the request marks a block
list, itself or through a same-module helper it calls (an item assigned or a block appended with
``cache_control`` in it: :func:`marked_where_built`): then the marker is most likely in that list.
"""

from __future__ import annotations

import os
import re
from typing import Any

from pytest_tokenbudget.lint.source import FileError, read_file

__all__ = ["marked_where_built", "no_marker_nearby"]

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


def marked_where_built(call: Any, blocks: Any) -> bool:
    """A message content of ``call`` is unresolved and the function holding the call marks a block
    list, itself or through a same-module helper it calls (``shared = _with_breakpoint(content)``):
    the request may well be cached."""
    import libcst as cst

    from pytest_tokenbudget.lint.analysis.scopes import function_scope, lookup
    from pytest_tokenbudget.lint.analysis.values import Unknown

    if not any(b.section == "messages" and isinstance(b.value, Unknown) for b in blocks.items):
        return False
    fn = function_scope(call.scope) if call.scope is not None else None
    node = getattr(fn, "node", None)
    if not isinstance(node, cst.CSTNode):
        return False
    helpers = [b.node for name in _called_names(node) if (found := lookup(name, fn)) is not None
               for b in found[1] if b.kind == "def" and isinstance(b.node, cst.CSTNode) and b.node is not node]
    return any(_marks_a_list(n) for n in [node, *helpers])


def _called_names(node: Any) -> set[str]:
    """The plain names ``node`` calls (``helper(x)``)."""
    import libcst as cst
    import libcst.matchers as m

    return {c.func.value for c in m.findall(node, m.Call(func=m.Name())) if isinstance(c, cst.Call)
            and isinstance(c.func, cst.Name)}


def _marks_a_list(node: Any) -> bool:
    """``node`` writes ``cache_control`` into an item of a list (``blocks[-1] = {**blocks[-1],
    "cache_control": ...}``, ``blocks[-1]["cache_control"] = ...``) or adds a marked block to one
    (``blocks.append({..., "cache_control": ...})``); not a marker in a request it spells out."""
    import libcst as cst
    import libcst.matchers as m

    code = cst.Module(body=[]).code_for_node
    if _NEEDLE.decode() not in code(node):
        return False
    item = m.Assign(targets=[m.AssignTarget(target=m.Subscript())])  # blocks[-1] = {..., "cache_control": ...}
    added = m.Call(func=m.Attribute(attr=m.Name("append") | m.Name("insert") | m.Name("extend")))
    return any(_NEEDLE.decode() in code(n) for n in [*m.findall(node, item), *m.findall(node, added)])
