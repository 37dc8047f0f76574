"""Baselines: the verdict (tolerance and absolute floor), wording, the file format."""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest

from pytest_tokenbudget.report import baseline as bl
from pytest_tokenbudget.report.model import ReportError


@pytest.mark.parametrize("text, value", [("20%", D("0.2")), ("20", D("0.2")), (" 12.5 % ", D("0.125")), (0, D(0))])
def test_parse_percent(text, value):
    assert bl.parse_percent(text) == value


@pytest.mark.parametrize("text", ["-5%", "twenty", "inf"])
def test_parse_percent_rejects(text):
    with pytest.raises(ValueError, match="percentage"):
        bl.parse_percent(text)


@pytest.mark.parametrize("cost, base, expected", [
    ("0.0150", "0.0100", "more"),        # +50% > 20%, +$0.005 > floor
    ("0.0120", "0.0100", "same"),        # exactly +20%: allowed
    ("0.01201", "0.0100", "more"),
    ("0.000002", "0.000001", "same"),    # +100%, but $0.000001 is under the floor
    ("0.0003", "0", "more"),             # new spend above the floor
    ("0.00005", "0", "same"),            # new spend under the floor
    ("0.004", "0.010", "cheaper"),       # -60%
    ("0.0099", "0.010", "same"),
    ("0", "0.00005", "same"),            # -100% but under the floor
])
def test_verdict(cost, base, expected):
    assert bl.verdict(D(cost), D(base), D("0.2"), bl.DEFAULT_MIN_CHANGE) == expected


def test_describe_is_pytest_django_style():
    cmp = bl.compare({"t::a": (D("0.015"), True), "t::b": (D("0.002"), True), "t::new": (D("0.1"), True)},
                     bl.Baseline({"t::a": bl.BaselineTest(D("0.01")), "t::b": bl.BaselineTest(D(0)),
                                  "t::gone": bl.BaselineTest(D("0.3"))}, "base.json"))
    rows = {r.nodeid: r for r in cmp.rows}
    assert cmp.describe(rows["t::a"]) == "cost $0.015, baseline $0.01 (+50%, allowed +20%)"
    assert cmp.describe(rows["t::b"]) == "cost $0.002, baseline $0 (new spend, allowed +20%)"
    assert [r.nodeid for r in cmp.more] == ["t::a", "t::b"]  # largest increase first
    assert rows["t::new"].status == "new" and rows["t::gone"].status == "not run"
    assert cmp.total("cost") == D("0.017") and cmp.total("baseline") == D("0.01")
    j = cmp.as_json()
    assert j["more_expensive"] == 2 and j["new"] == 1 and j["not_run"] == 1 and j["max_increase"] == "20%"
    assert next(t for t in j["tests"] if t["nodeid"] == "t::a")["delta_usd"] == "0.005"


def test_cheaper_rows_and_custom_tolerance():
    base = bl.Baseline({"t::a": bl.BaselineTest(D("0.01"))})
    cmp = bl.compare({"t::a": (D("0.006"), True)}, base, max_increase=D("0.5"))
    assert cmp.rows[0].status == "same"
    cmp = bl.compare({"t::a": (D("0.004"), True)}, base, max_increase=D("0.5"))
    assert cmp.rows[0].status == "cheaper"
    assert cmp.describe(cmp.rows[0]) == "cost $0.004, baseline $0.01 (-60%, allowed +50%)"


def test_baseline_file_round_trip_one_test_per_line(tmp_path, report_factory):
    report = report_factory({"t.py::b": [{}], "t.py::a": [{"inp": 3000}], "t.py::s": []},
                            outcomes={"t.py::s": "skipped"})
    base = bl.baseline_from_report(report)
    assert set(base.tests) == {"t.py::a", "t.py::b"}  # skipped tests say nothing about cost
    path = bl.write_baseline(tmp_path / "b.json", base)
    text = path.read_text()
    assert text.splitlines()[1:3] == [' "t.py::a": {"calls": 1, "cost_usd": "0.0035", "total_tokens": 3100},',
                                      ' "t.py::b": {"calls": 1, "cost_usd": "0.0015", "total_tokens": 1100}']
    data = json.loads(text)
    assert data["schema"] == "pytest-tokenbudget/baseline" and data["version"] == 1
    again = bl.load_baseline(path)
    assert again.tests == base.tests
    # a full report serves as a baseline too
    rp = tmp_path / "r.json"
    rp.write_text(json.dumps(report.to_json()))
    assert bl.load_baseline(rp).tests == base.tests


@pytest.mark.parametrize("content, message", [
    ('{"schema": "pytest-tokenbudget/baseline", "version": 9, "tests": {}}', "newer than this"),
    ('{"schema": "pytest-tokenbudget/baseline", "version": 1, "tests": {"a": {"cost_usd": "x"}}}', "dollar amount"),
    ('{"schema": "something/else"}', "not a pytest-tokenbudget baseline"),
    ('{"schema": "pytest-tokenbudget/baseline", "version": 1}', '"tests" missing'),
])
def test_bad_baselines(write, content, message):
    with pytest.raises(ReportError, match=message):
        bl.load_baseline(write("b.json", content))
