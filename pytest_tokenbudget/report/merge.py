"""Combine the JSON reports of several shards (CI machines, matrix jobs) into one run.

Totals and per-model figures are summed (exactly: money stays decimal), tests are put together,
refused calls and calls outside tests are concatenated. The result is itself a version-1 report,
with ``run.shards`` naming its parts.

Conflicts, decided here:

* the same run given twice (same ``run.id``): refused -- it would count the spend twice;
* a test id in more than one shard: refused by default, because shards are meant to split a suite
  and a duplicate most likely means overlapping shards or a report given twice under another
  name. ``allow_duplicates=True`` adds the duplicates up instead (their spend was real: reruns,
  retries in another job): calls are concatenated, totals summed, the outcome is the worst one,
  ``over_budget`` is true if it was in any shard, and ``shards`` lists where it ran;
* different budgets, tool versions or catalog dates: kept (the first shard's budgets are shown)
  and said in ``run.notes``;
* a shard whose figures are incomplete makes the merged report incomplete; its reasons are kept,
  prefixed with the shard's name.
"""

from __future__ import annotations

import datetime as _dt
import uuid
from collections.abc import Sequence
from decimal import Decimal
from functools import reduce

from pytest_tokenbudget.report.model import (
    Amounts,
    ModelRow,
    Report,
    ReportError,
    Run,
    RunTotals,
    Shard,
    TestResult,
    Totals,
    replace,
)

__all__ = ["MergeError", "OUTCOME_ORDER", "merge_reports"]

# worst first: a test that failed anywhere failed
OUTCOME_ORDER = ("error", "failed", "xpassed", "passed", "xfailed", "skipped", "unknown")

Shards = Sequence[tuple[str, Report]]


class MergeError(ReportError):
    """Shards that cannot be combined as given."""


def _sum(items: Sequence[Totals] | Sequence[Amounts], zero: Totals | Amounts) -> Totals | Amounts:
    return reduce(lambda a, b: a + b, items, zero)


def _worst(outcomes: Sequence[str]) -> str:
    rank = {o: i for i, o in enumerate(OUTCOME_ORDER)}
    return min(outcomes, key=lambda o: rank.get(o, len(OUTCOME_ORDER)))


def _combine_test(parts: list[tuple[str, TestResult]]) -> TestResult:
    first = parts[0][1]
    if len(parts) == 1:
        return first
    tests = [t for _, t in parts]
    return replace(
        first,
        outcome=_worst([t.outcome for t in tests]),
        over_budget=any(t.over_budget for t in tests),
        overruns=tuple(f"{o} [{src}]" for src, t in parts for o in t.overruns),
        cost_usd=sum((t.cost_usd for t in tests), Decimal(0)),
        complete=all(t.complete for t in tests),
        live=_sum([t.live for t in tests], Totals()),
        replayed=_sum([t.replayed for t in tests], Totals()),
        charged=_sum([t.charged for t in tests], Amounts()),
        calls=tuple(c for t in tests for c in t.calls),
        shards=tuple(src for src, _ in parts),
    )


def _check_runs(reports: Shards) -> None:
    seen_runs: dict[str, str] = {}
    for src, r in reports:
        if r.run.id in seen_runs:
            raise MergeError(f"{src} and {seen_runs[r.run.id]} are the same run (run id {r.run.id}): its spend would "
                             "be counted twice")
        seen_runs[r.run.id] = src


def _tests(reports: Shards, allow_duplicates: bool) -> tuple[TestResult, ...]:
    by_test: dict[str, list[tuple[str, TestResult]]] = {}
    for src, r in reports:
        for t in r.tests:
            by_test.setdefault(t.nodeid, []).append((src, t))
    dups = {n: parts for n, parts in by_test.items() if len(parts) > 1}
    if dups and not allow_duplicates:
        n, parts = next(iter(sorted(dups.items())))
        more = f" (and {len(dups) - 1} more)" if len(dups) > 1 else ""
        raise MergeError(f"test {n} is in {' and '.join(src for src, _ in parts)}{more}: shards should split the "
                         "suite; pass --allow-duplicates to add up their spend anyway")
    return tuple(_combine_test(by_test[n]) for n in sorted(by_test))


def _models(reports: Shards) -> tuple[ModelRow, ...]:
    models: dict[str, list[ModelRow]] = {}
    for _, r in reports:
        for m in r.models:
            models.setdefault(m.model, []).append(m)
    rows = [ModelRow(name, _sum([m.live for m in ms], Totals()), _sum([m.replayed for m in ms], Totals()))
            for name, ms in models.items()]
    rows.sort(key=lambda m: (-(m.live.cost_usd + m.replayed.cost_usd), m.model))
    return tuple(rows)


def _notes_and_reasons(reports: Shards) -> tuple[list[str], list[str]]:
    notes: list[str] = []
    for attr, what in (("tool_version", "pytest-tokenbudget versions"), ("catalog_checked", "price catalogs")):
        values = sorted({str(getattr(r.run, attr)) for _, r in reports})
        if len(values) > 1:
            notes.append(f"shards used different {what}: {', '.join(values)}")
    if any(r.budgets != reports[0][1].budgets for _, r in reports[1:]):
        notes.append(f"shards ran with different budgets; the budgets shown are {reports[0][0]}'s")
    reasons: list[str] = []
    for src, r in reports:
        reasons += [f"{src}: {why}" for why in r.run.incomplete_reasons]
        if not r.run.complete and not r.run.incomplete_reasons:
            reasons.append(f"{src}: figures incomplete")
        notes += [f"{src}: {n}" for n in r.run.notes]
    return notes, reasons


def _run(reports: Shards, created: str | None) -> Run:
    notes, reasons = _notes_and_reasons(reports)
    statuses = [r.run.exit_status for _, r in reports if r.run.exit_status is not None]
    failures = [f"{src}: {r.run.session_failure}" for src, r in reports if r.run.session_failure]
    first = reports[0][1].run
    now = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return Run(uuid.uuid4().hex, first.tool_version, first.catalog_checked, created or now, not reasons,
               tuple(reasons), tuple(notes), max(statuses) if statuses else None, "; ".join(failures) or None,
               tuple(Shard(r.run.id, src, r.run.created, len(r.tests)) for src, r in reports))


def merge_reports(reports: Shards, *, allow_duplicates: bool = False, created: str | None = None) -> Report:
    """One report from ``(source name, report)`` pairs."""
    if not reports:
        raise MergeError("nothing to merge")
    if len(reports) == 1:
        return reports[0][1]
    _check_runs(reports)
    tests = _tests(reports, allow_duplicates)
    totals = RunTotals(_sum([r.totals.live for _, r in reports], Totals()),
                       _sum([r.totals.replayed for _, r in reports], Totals()),
                       _sum([r.totals.charged for _, r in reports], Amounts()),
                       sum(r.totals.refused for _, r in reports))
    return Report(_run(reports, created), reports[0][1].budgets, totals, _models(reports), tests,
                  tuple(c for _, r in reports for c in r.unattributed_calls),
                  tuple(x for _, r in reports for x in r.refused))
