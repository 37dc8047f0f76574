"""``tokenbudget report --store URL --run-id ID``: the whole run of a shared store, all shards.

Each shard's settled calls become a report (``report.json_report.build_report``), and the shards
are put together by ``report.merge.merge_reports``, exactly as ``--merge`` does with saved files;
the caller renders the result like any other report. What only the store knows is said too: the
run's session budget and spend, shards that never finished (killed, lost), calls in flight when
they stopped (charged their worst case), calls the shared session budget refused.

The store URL's password never appears in the output (``mask_url``).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from pytest_tokenbudget.core.errors import UserError
from pytest_tokenbudget.core.money import format_usd
from pytest_tokenbudget.core.text import plural
from pytest_tokenbudget.report.model import Report, Shard

__all__ = ["add_store_arguments", "report_from_store"]


def add_store_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", metavar="URL", default=None,
                   help="read the run from this shared store (postgresql://…) instead of report files")
    p.add_argument("--run-id", metavar="ID", default=None, help="with --store: the run to show (all its shards)")


def _refused_entry(nodeid: str | None, usd: Any, shard: str) -> Any:
    from pytest_tokenbudget.plugin.ledger.ledger import Entry
    return Entry.from_json({"seq": 0, "nodeid": nodeid, "phase": None, "api": "?", "endpoint": "?",
                            "request_model": None, "response_model": None, "refused": True, "refused_by": "session",
                            "complete": False, "charged": {}, "worst": {"usd": str(usd)},
                            "error": f"refused by the shared session budget (shard {shard})"})


def _shard_notes(snap: Mapping[str, Any]) -> tuple[dict[str, list[str]], list[str]]:
    """(per shard: why its figures are incomplete, run notes)."""
    reasons: dict[str, list[str]] = {}
    by_shard: dict[str, list[Mapping[str, Any]]] = {}
    for h in snap["holders"]:
        by_shard.setdefault(h["shard"], []).append(h)
    for shard, holders in sorted(by_shard.items()):
        running = [h["worker"] for h in holders if h["state"] == "running"]
        crashed = [h["worker"] for h in holders if h["state"] == "crashed"]
        if running:
            reasons.setdefault(shard, []).append(
                f"shard {shard} never finished ({', '.join(running)} still marked running: killed, or lost its "
                "connection to the store)")
        if crashed:
            reasons.setdefault(shard, []).append(f"shard {shard}: worker(s) {', '.join(crashed)} crashed")
    for r in snap["inflight"]:
        state = ("its lease expired: charged its worst case" if r["expired"] else
                 f"reserved at its worst case until its lease ends ({r['lease_until']:%Y-%m-%d %H:%M:%S %Z})")
        reasons.setdefault(r["shard"], []).append(
            f"a call of {r['nodeid'] or 'no test'} ({r['holder']}) was in flight when its shard stopped, "
            f"{format_usd(r['usd'])} {state}; its real cost is unknown")
    for c in snap["calls"]:
        if c["entry"] is None and c["note"] and c["note"] != "refused":
            reasons.setdefault(c["shard"], []).append(
                f"a call of {c['nodeid'] or 'no test'} ({c['shard']}/{c['worker']}): {c['note']}, charged its worst "
                f"case {format_usd(c['usd'])}")
    cap = snap["cap_usd"]
    budget = "no session budget" if cap is None else f"a session budget of {format_usd(cap)}"
    held = snap["reserved"]["usd"]
    notes = [f"run {snap['run_id']} from {snap['store']}: {plural(len(by_shard), 'shard')}, {budget}; the store "
             f"counts {format_usd(snap['spent']['usd'])} spent" + (f" and {format_usd(held)} still reserved" if held
                                                                   else "")]
    return reasons, notes


def report_from_store(url: str, run_id: str | None) -> tuple[Report, Decimal | None]:
    """(the merged report of every shard of ``run_id``, the run's session budget)."""
    from pytest_tokenbudget.plugin.ledger.ledger import Entry
    from pytest_tokenbudget.plugin.ledger.store import StoreError, is_postgres, mask_url, open_store
    from pytest_tokenbudget.plugin.report_builder import TestInfo, build_report
    from pytest_tokenbudget.report.merge import merge_reports

    if not run_id:
        raise UserError("--store needs --run-id (the id the shards ran with; the plugin's report names it)")
    if not is_postgres(url):
        raise UserError(f"--store {mask_url(url)}: expected postgresql://… (a SQLite store lives and dies with its run)")
    try:
        store = open_store(url, run_id, worker="report", shard="report", join=False)
        try:
            snap = store.snapshot()
        finally:
            store.close()
    except StoreError as exc:
        raise UserError(str(exc)) from None
    entries: dict[str, list[Any]] = {}
    for h in snap["holders"]:
        entries.setdefault(h["shard"], [])
    for c in snap["calls"]:
        if c["entry"] is not None:
            entries.setdefault(c["shard"], []).append(Entry.from_json(c["entry"]))
        elif c["note"] == "refused":
            entries.setdefault(c["shard"], []).append(_refused_entry(c["nodeid"], c["usd"], c["shard"]))
    outcomes: dict[str, list[Any]] = {}  # per shard: each test's outcome, as its shard recorded it
    for t in snap.get("tests", ()):
        entries.setdefault(t["shard"], [])
        outcomes.setdefault(t["shard"], []).append(TestInfo(t["nodeid"], t["outcome"]))
    reasons, notes = _shard_notes(snap)
    created = snap["created"].astimezone().replace(microsecond=0).isoformat()
    settings = _RunSettings(snap["cap_usd"])
    reports = [(f"shard {shard}", build_report(es, outcomes.get(shard, ()), settings=settings,
                                                extra_reasons=reasons.get(shard, ()),
                                                run_id=f"{run_id}/{shard}", created=created))
               for shard, es in sorted(entries.items())]
    if not reports:
        reports = [(f"run {run_id}", build_report([], settings=settings, run_id=run_id, created=created))]
    report = merge_reports(reports, allow_duplicates=True, created=created)
    shards = report.run.shards
    if len(reports) == 1:
        shards = (Shard(run_id, reports[0][0], created, len(report.tests)),)
    report = replace(report, run=replace(report.run, shards=shards, notes=(*notes, *report.run.notes)))
    return report, snap["cap_usd"]


class _Setting:
    def __init__(self, value: Decimal | None, source: str) -> None:
        self.value, self.source = value, source


class _RunSettings:
    """The budgets a store run knows: its session cap (per-test budgets stay with the shards)."""

    def __init__(self, cap: Decimal | None) -> None:
        self.session = _Setting(cap, "store")
        self.per_test = _Setting(None, "")
        self.preflight = True
        self.unknown_model = ""
