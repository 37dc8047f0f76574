"""Merging shard reports: exact sums, conflicts decided."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pytest_tokenbudget.report.merge import MergeError, merge_reports
from pytest_tokenbudget.report.model import Setting, replace


def test_merge_sums_exactly_and_validates(report_factory, validate):
    a = report_factory({"t.py::a": [{}, {"model": "claude-sonnet-4-6"}]})
    b = report_factory({"t.py::b": [{"inp": 1}], "t.py::c": [{"live": False}]})
    m = validate(merge_reports([("a.json", a), ("b.json", b)]))
    assert [t["nodeid"] for t in m["tests"]] == ["t.py::a", "t.py::b", "t.py::c"]
    total = a.totals.live.cost_usd + b.totals.live.cost_usd
    assert Decimal(m["totals"]["live"]["cost_usd"]) == total
    assert m["totals"]["live"]["calls"] == 3 and m["totals"]["replayed"]["calls"] == 1
    assert Decimal(m["totals"]["charged"]["usd"]) == total + Decimal("0.0015")
    haiku = next(x for x in m["models"] if x["model"] == "claude-haiku-4-5")
    assert haiku["live"]["calls"] == 2 and haiku["replayed"]["calls"] == 1
    assert m["models"][0]["model"] == "claude-sonnet-4-6"  # most expensive first
    assert [s["source"] for s in m["run"]["shards"]] == ["a.json", "b.json"]
    assert m["run"]["id"] not in (a.run.id, b.run.id)


def test_merge_refuses_the_same_run_twice(report_factory):
    a = report_factory({"t.py::a": [{}]})
    with pytest.raises(MergeError, match="same run"):
        merge_reports([("a.json", a), ("copy.json", a)])


def test_merge_duplicate_tests_refused_unless_allowed(report_factory, validate):
    a = report_factory({"t.py::a": [{}], "t.py::x": [{}]}, outcomes={"t.py::a": "passed"})
    b = report_factory({"t.py::a": [{"inp": 3000}]}, outcomes={"t.py::a": "failed"},
                       limits={"t.py::a": {"usd": "0.001"}})
    with pytest.raises(MergeError, match=r"test t.py::a is in a.json and b.json.*--allow-duplicates"):
        merge_reports([("a.json", a), ("b.json", b)])
    m = validate(merge_reports([("a.json", a), ("b.json", b)], allow_duplicates=True))
    t = next(t for t in m["tests"] if t["nodeid"] == "t.py::a")
    assert t["cost_usd"] == "0.005" and len(t["calls"]) == 2 and t["live"]["calls"] == 2
    assert t["outcome"] == "failed" and t["over_budget"] is True and t["shards"] == ["a.json", "b.json"]
    assert t["overruns"][0].endswith("[b.json]")


def test_merge_keeps_incomplete_reasons_and_notes_differences(report_factory, validate):
    a = report_factory({"t.py::a": [{"unpriced": True}]})
    b = report_factory({"t.py::b": [{}]})
    b = replace(b, budgets=replace(b.budgets, per_test=Setting(Decimal("0.5"), "--token-budget-per-test")),
                run=replace(b.run, catalog_checked="2026-10-01"))
    m = validate(merge_reports([("a.json", a), ("b.json", b)]))
    assert m["run"]["complete"] is False and m["run"]["incomplete_reasons"][0].startswith("a.json: ")
    assert any("different budgets" in n for n in m["run"]["notes"])
    assert any("different price catalogs" in n for n in m["run"]["notes"])
