"""The report model: built from ledger entries, written as JSON, read back and checked against the
shipped schema, without pytest runs."""

from __future__ import annotations

import json

import pytest

from pytest_tokenbudget.report.model import Report, ReportError, load_report


def test_build_report_figures_and_schema(report_factory, entry_factory, validate):
    r = validate(report_factory(
        {"t.py::a": [{}, {"inp": 3000}], "t.py::b": [{"live": False}], "t.py::c": [{"refused": True}],
         "t.py::d": [{"usage_unknown": True}]},
        extra=[entry_factory(99, None, inp=2000, out=0)], limits={"t.py::a": {"usd": "0.004"}}))
    tests = {t["nodeid"]: t for t in r["tests"]}
    assert tests["t.py::a"]["cost_usd"] == "0.005"
    assert tests["t.py::a"]["over_budget"] is True
    assert tests["t.py::a"]["overruns"] == ["spent $0.005 of a $0.004 budget (+$0.001, 25% over)"]
    assert tests["t.py::a"]["budget"] == {"usd": "0.004", "input_tokens": None, "output_tokens": None,
                                          "total_tokens": None, "calls": None}
    assert tests["t.py::b"]["live"]["calls"] == 0 and tests["t.py::b"]["replayed"]["cost_usd"] == "0.0015"
    assert tests["t.py::c"]["live"]["refused"] == 1 and tests["t.py::c"]["cost_usd"] == "0"
    assert tests["t.py::d"]["complete"] is False and tests["t.py::d"]["charged"]["usd"] == "0.0015"
    assert r["totals"]["live"]["cost_usd"] == "0.007"  # a (0.005) + the unattributed call (0.002)
    assert r["totals"]["replayed"]["cost_usd"] == "0.0015"
    assert r["totals"]["refused"] == 1 and len(r["refused"]) == 1
    assert r["unattributed_calls"][0]["cost_usd"] == "0.002"
    assert r["run"]["complete"] is False and len(r["run"]["incomplete_reasons"]) == 1
    assert [m["model"] for m in r["models"]] == ["claude-haiku-4-5"]


def test_unpriced_calls_make_the_report_incomplete(report_factory, validate):
    r = validate(report_factory({"t.py::a": [{"unpriced": True}]}))
    assert r["run"]["complete"] is False
    assert "could not be priced" in r["run"]["incomplete_reasons"][0]
    assert r["models"][0]["model"] == "mystery-model"


@pytest.mark.parametrize("content, message", [
    ("not json", "not JSON"),
    ("[1, 2]", "not a pytest-tokenbudget report"),
    ('{"schema": "pytest-tokenbudget/baseline", "version": 1}', "is not a run report"),
    ('{"schema": "pytest-tokenbudget/report", "version": 2}', "report version 2 is newer than this tokenbudget"),
    ('{"schema": "pytest-tokenbudget/report", "version": "1"}', "not a whole number"),
])
def test_load_report_rejects_what_it_cannot_read(write, content, message):
    with pytest.raises(ReportError, match=message):
        load_report(write("r.json", content))


def test_load_report_checks_money_and_duplicates(report_factory):
    r = report_factory({"t.py::a": [{}]}).to_json()
    bad = json.loads(json.dumps(r))
    bad["tests"][0]["cost_usd"] = 0.0015  # a float is not money
    with pytest.raises(ReportError, match=r"tests\[0\]\.cost_usd: expected a decimal string"):
        Report.from_json(bad)
    dup = json.loads(json.dumps(r))
    dup["tests"].append(dup["tests"][0])
    with pytest.raises(ReportError, match="appears twice"):
        Report.from_json(dup)
    with pytest.raises(ReportError, match="no such file"):
        load_report("/nonexistent/r.json")


def test_schema_violations_name_the_place(report_factory):
    data = report_factory({"t.py::a": [{}]}).to_json()
    del data["tests"][0]["calls"][0]["api"]
    with pytest.raises(ReportError, match=r"r\.json: tests\[0\]\.calls\[0\]: 'api' is a required property"):
        Report.from_json(data, "r.json")


def test_json_round_trip_is_exact(report_factory, entry_factory, write):
    """Written and read back, a report is the same model and the same JSON, money to the last digit."""
    r = report_factory({"t.py::a": [{}, {"inp": 3, "model": "claude-sonnet-4-6"}], "t.py::b": [{"refused": True}],
                        "t.py::c": [{"usage_unknown": True}], "t.py::d": [{"live": False}]},
                       extra=[entry_factory(99, None, inp=7, out=0)], limits={"t.py::a": {"usd": "0.004"}})
    again = load_report(write("r.json", r))
    assert again == r
    assert again.to_json() == r.to_json()
    assert again.tests[0].calls[1].cost_usd == r.tests[0].calls[1].cost_usd
