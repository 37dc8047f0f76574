"""`tokenbudget report`: render, merge shards, session budget, compare; exit codes 0 / 1 / 2."""

from __future__ import annotations

import json

import pytest

from pytest_tokenbudget.cli import main


@pytest.fixture
def shards(report_factory, write):
    a = report_factory({"tests/test_a.py::test_1": [{}, {"model": "claude-sonnet-4-6"}],
                        "tests/test_a.py::test_2": [{"refused": True}]})
    b = report_factory({"tests/test_b.py::test_3": [{"inp": 3000}], "tests/test_b.py::test_4": [{"live": False}]})
    return write("a.json", a), write("b.json", b)


def test_render_text(shards, capsys):
    assert main(["report", shards[0]]) == 0
    out = capsys.readouterr().out
    assert "live: 2 calls, 2,200 tokens" in out and "cost $0.006" in out
    assert "claude-sonnet-4-6" in out and "refused before sending: 1 call" in out
    assert "  $0.006  2 calls  2,200 tok  tests/test_a.py::test_1" in out


def test_merge_with_session_budget_sets_the_exit_code(shards, capsys, validate, tmp_path):
    # merged live total: 0.006 + 0.0035 = 0.0095; charged (what budgets count) adds the replayed 0.0015
    assert main(["report", "--merge", *shards, "--session-budget", "0.02"]) == 0
    out = capsys.readouterr().out
    assert "merged from 2 reports" in out and "session budget: spent $0.011 of $0.02" in out
    assert main(["report", "--merge", *shards, "--session-budget", "$0.01"]) == 1
    assert "session budget exceeded: spent $0.011 of a $0.01 budget (+$0.001, 10% over)" in capsys.readouterr().out
    out_file = tmp_path / "merged.json"
    assert main(["report", shards[0], "--merge", shards[1], "--format", "json", "-o", str(out_file)]) == 0
    merged = validate(json.loads(out_file.read_text()))
    assert len(merged["tests"]) == 4 and merged["totals"]["live"]["cost_usd"] == "0.0095"
    # a merged report is a report: it renders and merges again (not with one of its own shards' runs? it may)
    assert main(["report", str(out_file)]) == 0


def test_unpriced_calls_fail_a_session_budget_check(report_factory, write, capsys):
    p = write("u.json", report_factory({"t.py::a": [{"unpriced": True}]}))
    assert main(["report", p, "--session-budget", "100"]) == 1
    assert "could not be priced" in capsys.readouterr().out


@pytest.mark.parametrize("content, message", [
    ("{not json", "not JSON"),
    ('{"hello": 1}', "not a pytest-tokenbudget report"),
    ('{"schema": "pytest-tokenbudget/report", "version": 7}', "report version 7 is newer"),
])
def test_bad_input_exits_2_with_one_line(write, capsys, content, message):
    assert main(["report", write("bad.json", content)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tokenbudget report: error: ") and message in err and err.count("\n") == 1


def test_duplicates_and_same_run_exit_2(shards, report_factory, write, capsys):
    dup = write("dup.json", report_factory({"tests/test_a.py::test_1": [{}]}))
    assert main(["report", "--merge", shards[0], dup]) == 2
    assert "test tests/test_a.py::test_1 is in" in capsys.readouterr().err
    assert main(["report", "--merge", shards[0], dup, "--allow-duplicates"]) == 0
    capsys.readouterr()
    assert main(["report", "--merge", shards[0], shards[0]]) == 2
    assert "same run" in capsys.readouterr().err
    assert main(["report"]) == 2
    assert main(["report", shards[0], "--session-budget", "lots"]) == 2


def test_compare_exit_codes(report_factory, write, capsys, tmp_path, validate):
    base = write("base.json", report_factory({"t.py::a": [{}], "t.py::b": [{"inp": 10000}], "t.py::c": [{}]}))
    now = write("now.json", report_factory({"t.py::a": [{"inp": 2000}], "t.py::b": [{"inp": 1000}],
                                            "t.py::c": [{"inp": 1010}], "t.py::d": [{}]}))
    assert main(["report", now, "--compare", base]) == 1
    out = capsys.readouterr().out
    assert "1 more expensive, 1 much cheaper, 1 new, 0 not run" in out
    assert "more expensive: t.py::a: cost $0.0025, baseline $0.0015 (+67%, allowed +20%)" in out
    assert "much cheaper: t.py::b: cost $0.0015, baseline $0.0105 (-86%, allowed +20%)" in out
    assert main(["report", now, "--compare", base, "--max-increase", "70%"]) == 0
    capsys.readouterr()
    assert main(["report", now, "--compare", base, "--max-increase", "70%", "--fail-on-decrease"]) == 1
    capsys.readouterr()
    # a baseline file works like a report, and JSON output carries the comparison
    from pytest_tokenbudget.report import baseline as bl
    from pytest_tokenbudget.report.model import load_report
    bl.write_baseline(tmp_path / "b.json", bl.baseline_from_report(load_report(base)))
    assert main(["report", now, "--compare", str(tmp_path / "b.json"), "--format", "json"]) == 1
    data = validate(json.loads(capsys.readouterr().out))
    assert data["comparison"]["more_expensive"] == 1 and data["comparison"]["cheaper"] == 1
    assert main(["report", now, "--compare", str(tmp_path / "missing.json")]) == 2


def test_markdown_output(shards, tmp_path, capsys):
    out = tmp_path / "summary.md"
    assert main(["report", "--merge", *shards, "--format", "markdown", "-o", str(out), "--session-budget", "1"]) == 0
    md = out.read_text()
    assert md.startswith("## Token budget") and "merged from 2 reports" in md
    assert "**session budget: spent $0.011 of $1 (live $0.0095; counted as budgets count" in md
    assert "session budget: spent" in capsys.readouterr().err
