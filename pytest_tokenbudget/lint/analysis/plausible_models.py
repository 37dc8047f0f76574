"""The minimum cacheable length a caching rule compares a prefix with, when the call's model is not one id.

A model read at run time (a database column, a user setting, a router) cannot be pinned, but the
code still says which models it uses: the ids its callers pass, an if/elif picking one per message,
a ``MODELS = {"sonnet": ..., "haiku": ...}`` table, a ``DEFAULT_MODEL`` default. The caching rules
ask one question of those models:

* TB101 / TB105 (the prefix is re-sent uncached on every call): when the call's own choices are
  known (every id it may send), the *largest* minimum among them, so that the finding holds for
  every request, as the model-id rules fire only when every id qualifies (a prompt picked among
  several texts is the other way round: its longest counts, :mod:`.bounds`). A Discord bot routing
  each message to Haiku 4.5, Sonnet or Opus 4.6 whose 1,700-token tools clear only Sonnet's 1,024
  is not flagged (held-out labels, session 19: two false alarms, no true positive lost);
* TB102 (the marker caches nothing): only when the prefix is below every such model's minimum,
  the smallest.

When the choices are not known, the models the code names stand in for them (a guess, so both
rules take the smallest minimum: a marker costs nothing where the prefix is short). First that
answers:

1. the call's model choices (:mod:`.model_sources`: the callers' ids, an if/elif, a table lookup)
   when every choice is a known catalog id;
2. the Claude model ids named as string literals in the call's own file and the project modules it
   imports (its settings, its prompts), and those the call's own file names bare (the usage text of
   a script: ``python run.py --model claude-sonnet-4-20250514``);
3. the Claude model ids the project's code names as string literals (every ``.py`` file of the
   project but its tests, or the file itself when there is no project), read once per run; a
   project naming more than :data:`MAX_NAMED_MODELS` catalog models (a price table, a model
   picker) says nothing about which ones its calls use.

None when neither names a catalog model with a known minimum: the rules then fall back to the
catalog's extreme (the conservative threshold).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from pytest_tokenbudget.core.catalog import Catalog, ModelInfo
from pytest_tokenbudget.lint.analysis.claude_ids import is_claude_like
from pytest_tokenbudget.lint.analysis.intended_model import intended_model

__all__ = ["MAX_NAMED_MODELS", "CacheMinimum", "cache_minimum", "named_model_ids", "plausible_minimum"]

# a quoted Claude model id, in any of its spellings (dated, dotted, provider-prefixed, Bedrock, Vertex)
_ID = re.compile(rb"""["']((?:[A-Za-z]+[./])?(?:[a-z]+\.)?anthropic[./]claude-[A-Za-z0-9.:@_-]+|claude-[A-Za-z0-9.:@_-]+)["']""")
# an id written bare in the call's own file: its usage text (``--model claude-sonnet-4-20250514``), a comment
_BARE_ID = re.compile(rb"(?<![\w.-])(claude-[a-z0-9]+(?:[.-][a-z0-9]+)*)(?![\w.-]*[\w])")
# test files name made-up and mocked ids (the caller search leaves the same files out)
_TEST_FILE = re.compile(r"(^|/)(tests?|testing)/|(^|/)(test_[^/]*|[^/]*_tests?|conftest|tests?)\.py$")
# more catalog models than this named by one project: a price table or a model picker, not the
# models its calls use (the 118 corpus repositories name at most 8, most of them 1-3)
MAX_NAMED_MODELS = 8


def named_model_ids(text: str = "") -> frozenset[str]:
    """The quoted ``claude-…`` strings of the project's ``.py`` files (of ``text`` without a project)."""
    from pytest_tokenbudget.lint.project import active

    act = active()
    if act is None or not act[0].searchable:
        return frozenset(m.decode() for m in _ID.findall(text.encode("utf-8", "replace")))
    project = act[0]
    return project.remember("_named_models", None, lambda: _scan(project))


def _scan(project: Any) -> frozenset[str]:
    from pytest_tokenbudget.lint.project_text import py_files
    from pytest_tokenbudget.lint.source import FileError, read_file

    found: set[str] = set()
    for path in py_files(project) or ():
        if _TEST_FILE.search(os.path.relpath(path, project.root).replace(os.sep, "/")):
            continue
        got = read_file(path)
        if isinstance(got, FileError) or b"claude" not in got[0]:
            continue
        found.update(m.decode("utf-8", "replace") for m in _ID.findall(got[0]))
    needles = getattr(project, "needles", None)
    if needles is not None:  # a warm run re-checks when a new or changed file names a model
        needles[b"claude"] = False
    return frozenset(found)


def _named_near(path: str) -> frozenset[str]:
    """The ids named in the call's own file and the project modules it imports: the code that sets
    up this call (its settings module, its prompts), before the rest of the project (a demo script
    naming another model says nothing about this call)."""
    from pytest_tokenbudget.lint.importcheck import file_bytes
    from pytest_tokenbudget.lint.project import active

    act = active()
    if act is None or not act[0].searchable or not path:
        return frozenset()
    project = act[0]

    def scan() -> tuple[frozenset[str], frozenset[str]]:  # once per file and run: every call site asks
        mod = project._load(os.path.abspath(path))
        if mod is None:
            return frozenset(), frozenset()
        files = {mod.path} | {found[0] for q in set(mod.imports.values())
                              if (found := project._find_module(q, mod.path)) is not None}
        named = {m for f in sorted(files) for m in _ID.findall(file_bytes(project, f) or b"")}
        named.update(_BARE_ID.findall(file_bytes(project, mod.path) or b""))
        return frozenset(files), frozenset(m.decode("utf-8", "replace") for m in named)

    files, ids = project.remember("_named_near", os.path.abspath(path), scan)
    for f in files:
        project._file_dep(f)  # the call's result depends on what they name (a warm run re-checks it)
    return ids


def _rows(catalog: Catalog, ids: Any) -> list[ModelInfo] | None:
    rows = []
    for model in ids:
        row = catalog.find(model) if isinstance(model, str) else None
        if row is None:
            return None
        rows.append(row)
    return rows


def plausible_minimum(call: Any, catalog: Catalog, text: str = "", *,
                      every: bool = False) -> tuple[int, str, bool] | None:
    """``(minimum, model id, chosen)`` when ``model=`` is not one id: among the models the call may
    use, the smallest known minimum cacheable length, or with ``every`` the largest when those are
    the call's own choices (``chosen``); the model that has it. None when nothing is named."""
    rows = _rows(catalog, call.model_choices) if call.model_choices else None
    chosen = bool(rows)
    for ids in ([] if rows else [_named_near(getattr(call, "path", "")), named_model_ids(text)]):
        named = {r.id: r for r in (catalog.find(m) for m in sorted(ids)) if r is not None}
        rows = list(named.values()) if len(named) <= MAX_NAMED_MODELS else []
        if rows:
            break
    known = [r for r in rows if r.min_cacheable is not None]
    if not known or (every and chosen and len(known) < len(rows)):
        return None  # (a chosen model of unknown minimum: the rule's conservative fallback)
    pick = max if every and chosen else min
    best = pick(known, key=lambda r: (r.min_cacheable, r.id))
    return best.min_cacheable, best.id, chosen  # type: ignore[return-value]


@dataclass(frozen=True)
class CacheMinimum:
    """The minimum a rule compares with: ``tokens``, the model it belongs to (``None``: the catalog's
    extreme), ``named``: the call's model is not one id, so this is the smallest minimum of the
    models the code names, and ``highest``: the largest minimum of the ids the call may send."""

    tokens: int
    model: str | None
    named: bool = False
    highest: bool = False

    def describe(self, fallback: str) -> str:
        """The model for a message: the id, with why it was chosen when the model is not one id."""
        if self.model is None:
            return fallback
        if self.highest:
            return f"{self.model}, the highest of the models this call may send"
        return f"{self.model}, the lowest of the models this code names" if self.named else self.model


def cache_minimum(call: Any, ctx: Any, *, fallback_largest: bool) -> CacheMinimum | None:
    """The minimum cacheable length for ``call``: its model's; for a model that is not one id, the
    one :func:`plausible_minimum` gives (with ``fallback_largest``, the rules asking whether the
    prefix can be cached: the largest of the call's own choices); else the catalog's largest
    (``fallback_largest``) or smallest known minimum (the conservative side of the rule asking)."""
    info = ctx.model_info(call) or intended_model(ctx.catalog, call.model)  # claude-haiku-4-5-<bad date>
    if info is not None and info.min_cacheable is not None:
        return CacheMinimum(info.min_cacheable, info.id)
    # not one id (an id the catalog does not know is still the one sent), or another vendor's id, which a
    # provider switch sends to its own client: ``--model`` defaulting to gpt-4o never reaches this call
    if call.model is None or not is_claude_like(call.model):
        found = plausible_minimum(call, ctx.catalog, ctx.text, every=fallback_largest)
        if found is not None:
            return CacheMinimum(found[0], found[1], named=True, highest=fallback_largest and found[2])
    extreme = ctx.catalog_extreme("min_cacheable", largest=fallback_largest)
    return None if extreme is None else CacheMinimum(extreme, info.id if info is not None else None)
