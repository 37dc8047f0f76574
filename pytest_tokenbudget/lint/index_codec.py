"""How the project index keeps a resolved value in its cache file (``index.json``): JSON, with
texts, open dicts, a data file's rows, unknowns, today's date and file handles tagged (``$t``, ``$o``,
``$rows``, ``$u``, ``$day``, ``$p``)."""

from __future__ import annotations

from typing import Any

from pytest_tokenbudget.lint.analysis.values import DAILY, UNKNOWN, Daily, DataRows, OpenDict, Text, Unknown, choice
from pytest_tokenbudget.lint.file_values import FilePath, Handle, JinjaEnv, ModuleFile

__all__ = ["decode", "encode"]


def encode(v: Any) -> Any:
    if isinstance(v, Text):
        return {"$t": [p if isinstance(p, str) else {"$u": p.volatile} if p.volatile else [encode(o) for o in p.options] or None for p in v.parts]}
    if isinstance(v, dict):
        enc = {str(k): encode(x) for k, x in v.items()}
        return {"$o": enc} if isinstance(v, OpenDict) else {"$d": enc}
    if isinstance(v, DataRows):
        return {"$rows": [encode(x) for x in v]}
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
        if "$day" in v:
            return DAILY
        if "$p" in v:
            kind, where = v["$p"]
            return {"FilePath": FilePath, "Handle": Handle, "JinjaEnv": JinjaEnv, "ModuleFile": ModuleFile}[kind](where)
        return Unknown(volatile=v.get("$u")) if v.get("$u") else UNKNOWN
    return v
