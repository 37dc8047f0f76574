"""A bound on the :mod:`ast` trees the project index keeps between two files' checks.

The index parses a module when a name is asked of it (a constant, a caller search) and used to keep
every tree for the whole run; a tree takes about forty times its source's size, so a large
project's run grew by every module any check had asked about (on a 12k-file tree of 108 projects
its process peaked at 368 MB with -j 1). :func:`release_old_trees` runs
between two files' checks (no analysis is under way, so nothing half-uses a module): it drops the
trees asked for least recently until those kept come from at most ``budget`` bytes of source. A
dropped module keeps its bytes and digest; the next question re-parses it (:meth:`._Module.parse`
rebuilds the same tree, and answers are cached by content, not by node). A tree something else
still holds (a caller found in it, a memoised walk) is left alone: dropping it would free nothing.
A module parsed again after its release raises the run's budget by its size, so a run that
keeps returning to the same modules stops releasing them rather than parsing them over and over.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["TREE_BUDGET_BYTES", "release_old_trees"]

TREE_BUDGET_BYTES = 1 << 20  # source bytes whose trees stay parsed between files (~40 MB of trees)
_OWN_REFERENCES = 2  # the module's attribute and getrefcount's own argument


def _parsed(project: Any, modules: dict[str, Any], state: dict[str, Any]) -> list[Any]:
    """The modules holding a tree: the ones found last time plus those the project logged as parsed
    since (every tree is built by ``_Module.parse``, which logs it), not a scan of every module the
    run has read (thousands, once per checked file); a scan where the project keeps no log."""
    log = getattr(project, "parsed_log", None)
    if log is None or state["parsed"] is None:
        known = {id(m): m for m in modules.values() if m is not None and m.tree is not None}
    else:
        known = state["parsed"]
        known.update((id(m), m) for m in log if modules.get(m.path) is m)
    if log is not None:
        log.clear()
    state["parsed"] = {k: m for k, m in known.items() if m.tree is not None}
    return list(state["parsed"].values())


def release_old_trees(project: Any, budget: int = TREE_BUDGET_BYTES) -> int:
    """Drop parsed trees, least recently asked first, until the rest come from at most ``budget``
    source bytes (plus what had to be parsed again: a run whose checks keep coming back to
    released modules gets a larger budget instead of parsing them over and over); returns how many
    were dropped."""
    modules = getattr(project, "modules", None)
    if not modules:
        return 0
    state = project.__dict__.setdefault("_tree_budget", {"extra": 0, "released": set(), "parsed": None})
    released: set[str] = state["released"]
    parsed = _parsed(project, modules, state)
    again = [m for m in parsed if m.path in released]
    if again:
        state["extra"] += sum(len(m.data) for m in again)
        released.difference_update(m.path for m in again)
    budget += state["extra"]
    kept = sum(len(m.data) for m in parsed)
    if kept <= budget:
        return 0
    dropped = 0
    for mod in sorted(parsed, key=lambda m: m.used):
        if kept <= budget:
            break
        if sys.getrefcount(mod.tree) > _OWN_REFERENCES:
            continue  # held elsewhere (a found caller, a memoised walk): nothing would be freed
        mod.tree, mod.names, mod.imports = None, {}, {}
        released.add(mod.path)
        kept -= len(mod.data)
        dropped += 1
    return dropped
