"""The estimate of a run: site figures, savings on sites, and totals per file, per model and overall."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pytest_tokenbudget.core.cost import money_str
from pytest_tokenbudget.lint.estimate.savings import Saving
from pytest_tokenbudget.lint.estimate.sites import DAYS_PER_MONTH, Figure, SiteEstimate

__all__ = ["EstimateReport", "SiteSaving", "Totals"]

_ZERO = Decimal(0)


# ----------------------------------------------------------------------------- totals and report
@dataclass(frozen=True)
class Totals:
    """One call of each site in a group, and projections for the sites with a calls-per-day."""

    sites: int
    unpriced: int
    best: Figure
    worst: Figure
    projected_sites: int
    daily_best: Figure
    daily_worst: Figure

    @property
    def monthly_best(self) -> Figure:
        return self.daily_best.scaled(DAYS_PER_MONTH)

    @property
    def monthly_worst(self) -> Figure:
        return self.daily_worst.scaled(DAYS_PER_MONTH)

    @classmethod
    def of(cls, sites: Sequence[SiteEstimate]) -> Totals:
        projected = [s for s in sites if s.calls_per_day is not None]
        return cls(
            sites=len(sites),
            unpriced=sum(1 for s in sites if s.worst.usd is None),
            best=Figure.total(s.best for s in sites),
            worst=Figure.total(s.worst for s in sites),
            projected_sites=len(projected),
            daily_best=Figure.total(s.daily_best for s in projected),  # type: ignore[misc]
            daily_worst=Figure.total(s.daily_worst for s in projected),  # type: ignore[misc]
        )

    def as_json(self) -> dict[str, Any]:
        out = {"sites": self.sites, "unpriced": self.unpriced, "best_per_call": self.best.as_json(),
               "worst_per_call": self.worst.as_json()}
        if self.projected_sites:
            out["projected_sites"] = self.projected_sites
            out["daily"] = {"best": self.daily_best.as_json(), "worst": self.daily_worst.as_json()}
            out["monthly"] = {"days": DAYS_PER_MONTH, "best": self.monthly_best.as_json(),
                              "worst": self.monthly_worst.as_json()}
        return out

@dataclass(frozen=True)
class SiteSaving:
    """A saving attached to a call site in ``tokenbudget estimate --savings``."""

    site: SiteEstimate
    saving: Saving
    message: str = ""  # the finding's message, when it came from a rule
    node: Any = field(default=None, repr=False, compare=False)  # what the finding points at

    @property
    def daily(self) -> Decimal | None:
        n = self.site.calls_per_day
        return None if n is None else self.saving.per_call * n

    def as_json(self) -> dict[str, Any]:
        out = {"path": self.site.path, "line": self.site.line, "column": self.site.column,
               "cell": self.site.cell, "code": self.saving.code, "per_call_usd": money_str(self.saving.per_call),
               "lower_bound": self.saving.lower_bound, "saving": self.saving.sentence,
               "basis": dict(self.saving.basis), "finding": self.message or None}
        if self.daily is not None:
            out["daily_usd"] = money_str(self.daily)
            out["monthly_usd"] = money_str(self.daily * DAYS_PER_MONTH)
        return out

@dataclass
class EstimateReport:
    """Every site estimate of a run, with unreadable files and the estimator used."""

    sites: list[SiteEstimate]
    estimator: str
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    calls_per_day: int | None = None
    savings: list[SiteSaving] | None = None
    savings_notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sites = sorted(self.sites, key=SiteEstimate.sort_key)
        if self.savings is not None:
            self.savings = sorted(self.savings, key=lambda s: (-s.saving.per_call, s.site.path, s.site.line))

    def all_savings_notes(self) -> list[str]:
        """Notes on the savings view: rules not installed, and overlapping savings on one call."""
        notes = list(self.savings_notes)
        per_site: dict[tuple[str, int, int], int] = {}
        for ss in self.savings or ():
            key = (ss.site.path, ss.site.line, ss.site.column)
            per_site[key] = per_site.get(key, 0) + 1
        if any(n > 1 for n in per_site.values()):
            notes.append("savings on the same call overlap (each is measured against the call as written): "
                         "do not add them up")
        return notes

    def by_file(self) -> dict[str, Totals]:
        groups: dict[str, list[SiteEstimate]] = {}
        for s in self.sites:
            groups.setdefault(s.path, []).append(s)
        return {k: Totals.of(v) for k, v in sorted(groups.items(), key=lambda kv: _group_key(kv[1]))}

    def by_model(self) -> dict[str, Totals]:
        groups: dict[str, list[SiteEstimate]] = {}
        for s in self.sites:
            groups.setdefault(s.model_label, []).append(s)
        return {k: Totals.of(v) for k, v in sorted(groups.items(), key=lambda kv: _group_key(kv[1]))}

    def total(self) -> Totals:
        return Totals.of(self.sites)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "version": 1,
            "estimator": self.estimator,
            "calls_per_day": self.calls_per_day,
            "sites": [s.as_json() for s in self.sites],
            "totals": {
                "all": self.total().as_json(),
                "files": {k: v.as_json() for k, v in self.by_file().items()},
                "models": {k: v.as_json() for k, v in self.by_model().items()},
            },
            "errors": [{"path": p, "reason": r} for p, r in self.errors],
        }
        if self.savings is not None:
            out["savings"] = [s.as_json() for s in self.savings]
            out["savings_notes"] = self.all_savings_notes()
        return out

def _group_key(sites: Sequence[SiteEstimate]) -> tuple:
    t = Figure.total(s.worst for s in sites)
    return (-(t.usd or _ZERO),)
