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
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from pytest_tokenbudget.core.cost import money_str
from pytest_tokenbudget.plugin.ledger.ledger import Amounts, Totals
from pytest_tokenbudget.report.json_report import SCHEMA, VERSION, ReportError

__all__ = ["MergeError", "OUTCOME_ORDER", "merge_reports"]

# worst first: a test that failed anywhere failed
OUTCOME_ORDER = ("error", "failed", "xpassed", "passed", "xfailed", "skipped", "unknown")


class MergeError(ReportError):
    """Shards that cannot be combined as given."""


def _totals(data: Mapping[str, Any]) -> Totals:
    return Totals.from_json(data)


def _sum_totals(items: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    total = Totals()
    for it in items:
        total = total + _totals(it)
    return total.as_json()


def _sum_amounts(items: Sequence[Mapping[str, Any] | None]) -> dict[str, Any]:
    total = Amounts()
    for it in items:
        if it is not None:
            total = total + Amounts.from_json(it)
    return total.as_json()


def _worst(outcomes: Sequence[str]) -> str:
    rank = {o: i for i, o in enumerate(OUTCOME_ORDER)}
    return min(outcomes, key=lambda o: rank.get(o, len(OUTCOME_ORDER)))


def _combine_tests(nodeid: str, parts: list[tuple[str, Mapping[str, Any]]]) -> dict[str, Any]:
    first = dict(parts[0][1])
    if len(parts) == 1:
        return first
    tests = [t for _, t in parts]
    overruns: list[str] = []
    for src, t in parts:
        overruns += [f"{o} [{src}]" for o in t.get("overruns", ())]
    first.update(
        outcome=_worst([t.get("outcome", "unknown") for t in tests]),
        over_budget=any(t.get("over_budget") for t in tests),
        overruns=overruns,
        cost_usd=money_str(sum((Decimal(t["cost_usd"]) for t in tests), Decimal(0))),
        complete=all(t.get("complete", True) for t in tests),
        live=_sum_totals([t["live"] for t in tests]),
        replayed=_sum_totals([t["replayed"] for t in tests]),
        charged=_sum_amounts([t.get("charged") for t in tests]),
        calls=[c for t in tests for c in t.get("calls", ())],
        shards=[src for src, _ in parts],
    )
    return first


def merge_reports(reports: Sequence[tuple[str, Mapping[str, Any]]], *, allow_duplicates: bool = False,
                  created: str | None = None) -> dict[str, Any]:
    """One report from ``(source name, report)`` pairs (each already checked by ``load_report``)."""
    if not reports:
        raise MergeError("nothing to merge")
    if len(reports) == 1:
        return dict(reports[0][1])
    seen_runs: dict[str, str] = {}
    for src, r in reports:
        rid = r["run"].get("id")
        if rid in seen_runs:
            raise MergeError(f"{src} and {seen_runs[rid]} are the same run (run id {rid}): its spend would be "
                             "counted twice")
        seen_runs[rid] = src

    by_test: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
    for src, r in reports:
        for t in r["tests"]:
            by_test.setdefault(t["nodeid"], []).append((src, t))
    dups = {n: parts for n, parts in by_test.items() if len(parts) > 1}
    if dups and not allow_duplicates:
        n, parts = next(iter(sorted(dups.items())))
        more = f" (and {len(dups) - 1} more)" if len(dups) > 1 else ""
        raise MergeError(f"test {n} is in {' and '.join(src for src, _ in parts)}{more}: shards should split the "
                         "suite; pass --allow-duplicates to add up their spend anyway")

    models: dict[str, list[Mapping[str, Any]]] = {}
    for _, r in reports:
        for m in r["models"]:
            models.setdefault(m["model"], []).append(m)
    model_rows = []
    for name, rows in models.items():
        model_rows.append({"model": name, "live": _sum_totals([m["live"] for m in rows]),
                           "replayed": _sum_totals([m["replayed"] for m in rows])})
    model_rows.sort(key=lambda m: (-(Decimal(m["live"]["cost_usd"]) + Decimal(m["replayed"]["cost_usd"])),
                                   m["model"]))

    notes: list[str] = []
    for key, what in (("tool_version", "pytest-tokenbudget versions"), ("catalog_checked", "price catalogs")):
        values = sorted({str(r["run"].get(key)) for _, r in reports})
        if len(values) > 1:
            notes.append(f"shards used different {what}: {', '.join(values)}")
    budgets = reports[0][1]["budgets"]
    if any(r["budgets"] != budgets for _, r in reports[1:]):
        notes.append(f"shards ran with different budgets; the budgets shown are {reports[0][0]}'s")
    reasons: list[str] = []
    for src, r in reports:
        reasons += [f"{src}: {why}" for why in r["run"].get("incomplete_reasons", ())]
        if not r["run"].get("complete", True) and not r["run"].get("incomplete_reasons"):
            reasons.append(f"{src}: figures incomplete")
        notes += [f"{src}: {n}" for n in r["run"].get("notes", ())]
    statuses = [r["run"].get("exit_status") for _, r in reports if r["run"].get("exit_status") is not None]
    failures = [f"{src}: {r['run']['session_failure']}" for src, r in reports if r["run"].get("session_failure")]

    totals = {
        "live": _sum_totals([r["totals"]["live"] for _, r in reports]),
        "replayed": _sum_totals([r["totals"]["replayed"] for _, r in reports]),
        "charged": _sum_amounts([r["totals"].get("charged") for _, r in reports]),
        "refused": sum(int(r["totals"].get("refused", 0)) for _, r in reports),
    }
    first_run = reports[0][1]["run"]
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "run": {
            "id": uuid.uuid4().hex,
            "tool_version": first_run.get("tool_version", ""),
            "catalog_checked": first_run.get("catalog_checked"),
            "created": created or _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
            .replace("+00:00", "Z"),
            "complete": not reasons,
            "incomplete_reasons": reasons,
            "notes": notes,
            "exit_status": max(statuses) if statuses else None,
            "session_failure": "; ".join(failures) or None,
            "shards": [{"id": r["run"].get("id"), "source": src, "created": r["run"].get("created"),
                        "tests": len(r["tests"])} for src, r in reports],
        },
        "budgets": budgets,
        "totals": totals,
        "models": model_rows,
        "tests": [_combine_tests(n, by_test[n]) for n in sorted(by_test)],
        "unattributed_calls": [c for _, r in reports for c in r.get("unattributed_calls", ())],
        "refused": [x for _, r in reports for x in r["refused"]],
    }
