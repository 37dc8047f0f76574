"""Per-file estimates in lint's cache folder (``estimate-<settings>.json``), beside its results.

A file's estimate is keyed like a lint result: its content hash and the settings fingerprint, plus
what changes an estimate and not a finding (``--calls-per-day``, ``--savings`` and the saving rules
that apply to the file). It is served again only while the files its resolution read (``deps``) and
the project-wide questions it asked (callers, see :mod:`..callerdeps`) still say the same. Amounts
are stored as decimal strings: a served estimate prices to the same ``Decimal`` as a fresh one.
"""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from pytest_tokenbudget.core.cost import money_str
from pytest_tokenbudget.core.text import atomic_write
from pytest_tokenbudget.core.usage import Usage
from pytest_tokenbudget.lint.callerdeps import record, stale
from pytest_tokenbudget.lint.estimate.report import SiteSaving
from pytest_tokenbudget.lint.estimate.savings import Saving
from pytest_tokenbudget.lint.estimate.sites import Figure, SiteEstimate
from pytest_tokenbudget.lint.project import Project

__all__ = ["EstimateCache"]

_MAX_ENTRIES = 20_000  # beyond this, a run keeps only the entries it used
_USAGE_FIELDS = ("input_tokens", "cache_write_5m_tokens", "cache_write_1h_tokens", "cache_read_tokens",
                 "output_tokens", "web_search_requests", "web_fetch_requests", "service_tier", "speed",
                 "inference_geo")


def _figure(d: dict[str, Any]) -> Figure:
    return Figure(None if d["usd"] is None else Decimal(d["usd"]), d["lower_bound"], d["why"])


def _usage_json(u: Usage | None) -> dict[str, Any] | None:
    if u is None or u.compaction:
        return None
    return {k: getattr(u, k) for k in _USAGE_FIELDS}


def _site_json(s: SiteEstimate) -> dict[str, Any]:
    out = {f.name: getattr(s, f.name) for f in dataclasses.fields(s)
           if f.name not in ("best", "worst", "best_usage", "worst_usage", "call", "path")}
    out["best"] = {"usd": None if s.best.usd is None else money_str(s.best.usd), "lower_bound": s.best.lower_bound,
                   "why": s.best.why}
    out["worst"] = {"usd": None if s.worst.usd is None else money_str(s.worst.usd),
                    "lower_bound": s.worst.lower_bound, "why": s.worst.why}
    out["best_usage"], out["worst_usage"] = _usage_json(s.best_usage), _usage_json(s.worst_usage)
    return out


def _site(d: dict[str, Any], path: str) -> SiteEstimate:
    kw = dict(d)
    kw["best"], kw["worst"] = _figure(d["best"]), _figure(d["worst"])
    kw["best_usage"] = Usage(**d["best_usage"]) if d["best_usage"] else None
    kw["worst_usage"] = Usage(**d["worst_usage"]) if d["worst_usage"] else None
    kw["unknowns"], kw["notes"] = tuple(d["unknowns"]), tuple(d["notes"])
    return SiteEstimate(path=path, **kw)


class EstimateCache:
    """The run's view of ``estimate-<fingerprint>.json`` (None folder: no cache)."""

    def __init__(self, folder: Path | None, fingerprint: str) -> None:
        self.path = folder / f"estimate-{fingerprint}.json" if folder is not None else None
        self.entries: dict[str, Any] = {}
        self.used: dict[str, Any] = {}
        if self.path is not None:
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                self.entries = data if isinstance(data, dict) else {}
            except (OSError, ValueError):
                pass

    def get(self, key: str, path: str, project: Project) -> tuple[list[SiteEstimate], list[SiteSaving],
                                                                   str | None] | None:
        """The cached estimate of a file (shown as ``path``) when nothing it relied on changed."""
        entry = self.entries.get(key)
        if not isinstance(entry, dict) or any(project.digest_of(p) != d for p, d in entry.get("deps", {}).items()) \
                or stale(project, entry):
            return None
        try:
            sites = [_site(d, path) for d in entry["sites"]]
            savings = [SiteSaving(sites[s["site"]], Saving(s["code"], Decimal(s["per_call"]), s["sentence"],
                                                           s["lower_bound"], s["basis"]), s["message"])
                       for s in entry["savings"]]
        except (KeyError, TypeError, ValueError, IndexError, ArithmeticError):
            return None
        self.used[key] = entry
        return sites, savings, entry.get("error")

    def put(self, key: str, sites: list[SiteEstimate], savings: list[SiteSaving], error: str | None,
            project: Project) -> None:
        index = {id(s): i for i, s in enumerate(sites)}
        if any(_usage_json(u) is None and u is not None for s in sites for u in (s.best_usage, s.worst_usage)) \
                or any(id(ss.site) not in index for ss in savings):
            return  # something this format does not carry: estimate the file afresh next time
        entry: dict[str, Any] = {
            "sites": [_site_json(s) for s in sites],
            "savings": [{"site": index[id(ss.site)], "code": ss.saving.code, "per_call": str(ss.saving.per_call),
                         "sentence": ss.saving.sentence, "lower_bound": ss.saving.lower_bound,
                         "basis": dict(ss.saving.basis), "message": ss.message} for ss in savings],
            "error": error, "deps": dict(project.deps)}
        asked = record(project)
        if asked is not None:
            entry["callers"] = asked
        try:
            json.dumps(entry)
        except (TypeError, ValueError):
            return
        self.used[key] = entry

    def save(self) -> None:
        if self.path is None or all(self.entries.get(k) is v for k, v in self.used.items()):
            return
        kept = {**self.entries, **self.used} if len(self.entries) < _MAX_ENTRIES else self.used
        try:
            atomic_write(self.path, json.dumps(kept, separators=(",", ":")))
        except OSError:
            pass
