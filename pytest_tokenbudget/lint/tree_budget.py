"""A bound on the :mod:`ast` trees the project index keeps between two files' checks.

The index parses a module when a name is asked of it (a constant, a caller search) and used to keep
every tree for the whole run; a tree takes about forty times its source's size, so a large
project's run grew by every module any check had asked about (on a 12k-file tree of 108 projects
its process peaked at 368 MB with -j 1). :func:`release_old_trees` runs
between two files' checks (no analysis is under way, so nothing half-uses a module): it drops the
trees asked for least recently until those kept come from at most ``budget`` bytes of source. A
dropped module keeps its bytes and digest; the next question re-parses it (:meth:`._Module.parse`
rebuilds the same tree, and answers are cached by content, not by node). A tree that a run-wide memo
still holds (the calls a caller search found in it, a memoised walk of it) is released with those
memo entries: each memo that keeps trees registers a forgetter (:func:`on_release`) that drops its
entries for the trees being released, and the next question computes them again from the new tree
(the entries hold answers about a file's content, never about node identity). A tree anything else
still holds is left alone: dropping it would free nothing. A module parsed again after its release
raises the run's budget by its size, up to :data:`EXTRA_BUDGET_BYTES`, so a run that keeps returning
to the same modules releases them less often rather than parsing them over and over, and memory
stays bounded however many projects a run walks through.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

__all__ = ["EXTRA_BUDGET_BYTES", "TREE_BUDGET_BYTES", "on_release", "release_old_trees"]

# Source bytes whose trees stay parsed between files (a tree takes ~30x its source), and at most this
# much more for modules asked for again after a release. On the 136-repository corpus tree, 768 KiB +
# 256 KiB instead of 1 MiB + 1 MiB parses 21.1 MB instead of 17.4 MB (+0.9 s of a 40 s serial run)
# and peaks 29 MB lower (326 -> 297 MB serial): the memory target is under 300 MB per process. On the
# 179-repository tree (139 MB), 256 KiB + 64 KiB peaks at 294-296 MB instead of 316 MB (2 workers;
# 384 + 128 KiB: 299 MB) in the same wall time (10.4-10.7 s), with the same findings: what is left is
# mostly the largest file's own libcst tree.
TREE_BUDGET_BYTES = 256 << 10
EXTRA_BUDGET_BYTES = 64 << 10
_OWN_REFERENCES = 2  # the module's attribute and getrefcount's own argument

Forgetter = Callable[[Any, "set[int]"], None]  # (project, ids of the trees released) -> None
_FORGETTERS: list[Forgetter] = []


def on_release(forget: Forgetter) -> Forgetter:
    """Register a memo's forgetter: called with the ids of the trees about to be released, it drops
    the memo's entries that hold one of them (a decorator; returns ``forget``)."""
    _FORGETTERS.append(forget)
    return forget


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
        state["extra"] = min(EXTRA_BUDGET_BYTES, state["extra"] + sum(len(m.data) for m in again))
        released.difference_update(m.path for m in again)
    budget += state["extra"]
    kept = sum(len(m.data) for m in parsed)
    if kept <= budget:
        return 0
    order = sorted(parsed, key=lambda m: m.used)
    held, over = set(), kept
    for mod in order:  # the trees the release would take, least recently asked first
        if over <= budget:
            break
        over -= len(mod.data)
        if sys.getrefcount(mod.tree) > _OWN_REFERENCES:
            held.add(id(mod.tree))
    if held:
        for forget in _FORGETTERS:
            forget(project, held)
    dropped = 0
    for mod in order:
        if kept <= budget:
            break
        if sys.getrefcount(mod.tree) > _OWN_REFERENCES:
            continue  # held by something no memo lets go of: nothing would be freed
        mod.tree, mod.names, mod.imports = None, {}, {}
        released.add(mod.path)
        kept -= len(mod.data)
        dropped += 1
    return dropped
