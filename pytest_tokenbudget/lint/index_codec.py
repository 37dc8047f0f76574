"""How the project index keeps a resolved value in its cache file (``index.json``): JSON, with
texts, open dicts and lists, a data file's rows, unknowns, today's date and file handles tagged (``$t``, ``$o``,
``$ol``, ``$rows``, ``$u``, ``$day``, ``$p``); and where the parts of a value were defined (a settings object's
fields), so that a value read back names them as the freshly computed one did."""

from __future__ import annotations

from typing import Any

from pytest_tokenbudget.lint.analysis.values import (DAILY, UNKNOWN, Daily, DataRows, OpenDict, OpenList, Text, Unknown,
                                                    choice)
from pytest_tokenbudget.lint.file_values import FilePath, Handle, JinjaEnv, ModuleFile

__all__ = ["decode", "encode", "part_origins", "read_back"]


def encode(v: Any) -> Any:
    if isinstance(v, Text):
        return {"$t": [p if isinstance(p, str) else {"$u": p.volatile} if p.volatile else [encode(o) for o in p.options] or None for p in v.parts]}
    if isinstance(v, dict):
        enc = {str(k): encode(x) for k, x in v.items()}
        return {"$o": enc} if isinstance(v, OpenDict) else {"$d": enc}
    if isinstance(v, DataRows):
        return {"$rows": [encode(x) for x in v]}
    if isinstance(v, OpenList):
        return {"$ol": [encode(x) for x in v]}
    if isinstance(v, (list, tuple)):
        return [encode(x) for x in v]
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    if isinstance(v, (FilePath, Handle, JinjaEnv, ModuleFile)):
        return {"$p": [type(v).__name__, getattr(v, "path", None) or getattr(v, "folder", None)]}
    if isinstance(v, Daily):
        return {"$day": True}
    return {"$u": v.volatile if isinstance(v, Unknown) else None}


def decode(v: Any) -> Any:
    if isinstance(v, list):
        return [decode(x) for x in v]
    if isinstance(v, dict):
        if "$t" in v:
            return Text.join(*(UNKNOWN if p is None else p if isinstance(p, str) else decode(p) if isinstance(p, dict) else choice([decode(o) for o in p])
                               for p in v["$t"]))
        if "$d" in v:
            return {k: decode(x) for k, x in v["$d"].items()}
        if "$o" in v:
            return OpenDict({k: decode(x) for k, x in v["$o"].items()})
        if "$rows" in v:
            return DataRows(decode(x) for x in v["$rows"])
        if "$ol" in v:
            return OpenList(decode(x) for x in v["$ol"])
        if "$day" in v:
            return DAILY
        if "$p" in v:
            kind, where = v["$p"]
            return {"FilePath": FilePath, "Handle": Handle, "JinjaEnv": JinjaEnv, "ModuleFile": ModuleFile}[kind](where)
        return Unknown(volatile=v.get("$u")) if v.get("$u") else UNKNOWN
    return v


def part_origins(value: Any, origin: Any, depth: int = 0, at: tuple[Any, ...] = ()) -> list[list[Any]]:
    """``[address, path, line]`` for each part below ``value`` (a dict's values, a list's items, three
    levels down) that ``origin`` (:meth:`.project.Project.origin`) knows where it was defined; the
    address is the keys and indices that lead to it (:func:`part_at`)."""
    if depth >= 3 or not isinstance(value, (dict, list)):
        return []
    out: list[list[Any]] = []
    for key, item in value.items() if isinstance(value, dict) else enumerate(value):
        if isinstance(value, dict) and not isinstance(key, str):
            continue  # (the cache keeps a dict's keys as strings: another key could not be found again)
        where = origin(item)
        if where is not None:
            out.append([[*at, key], where[0], where[1]])
        out += part_origins(item, origin, depth + 1, (*at, key))
    return out


def part_at(value: Any, address: list[Any]) -> Any:
    """The part of ``value`` the keys and indices of ``address`` lead to (None: not there)."""
    for key in address:
        if isinstance(value, dict) and key in value or isinstance(value, list) and isinstance(key, int) \
                and 0 <= key < len(value):
            value = value[key]
        else:
            return None
    return value


def read_back(entry: list[Any], remember: Any) -> Any:
    """The value of an index entry (``[encoded, path, line, deps, part origins]``), with ``remember(part,
    path, line)`` called for each part whose origin the entry kept (an entry of an older cache has none)."""
    value = decode(entry[0])
    for address, path, line in entry[4] if len(entry) > 4 else ():
        if (part := part_at(value, address)) is not None:
            remember(part, path, line)
    return value
