"""`--token-budget-junit` (properties per test case, only when asked) and the GitHub job summary
(appended when $GITHUB_STEP_SUMMARY is set, capped, opt-out by ini)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from conftest import INI, run

LEAN = ("-p", "no:hypothesispytest", "-p", "no:recording", "-p", "no:anyio", "-p", "no:asyncio")

SUITE = '''
import pytest
from conftest import MSG

@pytest.mark.token_budget(usd=0.5)
def test_two_calls(claude, fake_llm_server):
    fake_llm_server.set_usage(input=1000, output=100, cache_read=400)
    claude.messages.create(model="claude-haiku-4-5", max_tokens=200, messages=MSG)
    claude.messages.create(model="claude-haiku-4-5", max_tokens=200, messages=MSG)

@pytest.mark.token_budget(calls=0)
def test_refused(claude):
    claude.messages.create(model="claude-haiku-4-5", max_tokens=50, messages=MSG)

@pytest.mark.token_budget(usd=0.01)
def test_over(claude, fake_llm_server):
    fake_llm_server.set_usage(input=2300, output=2000)
    claude.messages.create(model="claude-haiku-4-5", max_tokens=1000, messages=MSG)

def test_free():
    pass
'''


def junit_properties(path):
    root = ET.parse(path).getroot()
    out = {}
    for case in root.iter("testcase"):
        props = {p.get("name"): p.get("value") for p in case.iter("property")}
        out[case.get("name")] = props
    return out


def test_junit_properties_only_when_asked(inner, tmp_path):
    inner.makepyfile(test_j=SUITE)
    xml = tmp_path / "junit.xml"
    result = run(inner, f"--junitxml={xml}", "--token-budget-junit", *LEAN)  # implies --token-budget
    result.assert_outcomes(passed=2, failed=2)
    assert "record_property is incompatible" not in result.stdout.str()  # no xunit2 warning: no fixture used
    props = junit_properties(xml)
    two = props["test_two_calls"]
    assert two == {"tokenbudget.cost_usd": "0.00308", "tokenbudget.calls": "2", "tokenbudget.input_tokens": "2000",
                   "tokenbudget.cache_write_tokens": "0", "tokenbudget.cache_read_tokens": "800",
                   "tokenbudget.output_tokens": "200", "tokenbudget.total_tokens": "3000",
                   "tokenbudget.budget_usd": "0.5"}
    assert props["test_refused"]["tokenbudget.refused_calls"] == "1"
    assert props["test_refused"]["tokenbudget.calls"] == "0"
    assert props["test_over"]["tokenbudget.cost_usd"] == "0.0123"
    assert props["test_free"]["tokenbudget.cost_usd"] == "0"

    plain = tmp_path / "plain.xml"
    run(inner, "--token-budget", f"--junitxml={plain}", *LEAN).assert_outcomes(passed=2, failed=2)
    assert all(not p for p in junit_properties(plain).values())


def test_github_step_summary(inner, tmp_path, monkeypatch):
    inner.makepyfile(test_j=SUITE)
    summary = tmp_path / "step_summary.md"
    summary.write_text("earlier output\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    run(inner, "--token-budget", *LEAN).assert_outcomes(passed=2, failed=2)
    md = summary.read_text()
    assert md.startswith("earlier output\n\n## Token budget\n")
    assert "- **Live spend: $0.0154** — 3 calls" in md
    assert "- Refused before sending (nothing was sent): 1 call" in md
    assert "### Per model" in md and "### Tests by cost" in md
    assert "### Over budget (1)" in md and "| `test_j.py::test_over` | spent $0.0123 of a $0.01 budget" in md
    assert len(md.encode()) < 1_000_000

    summary.write_text("")
    inner.makeini(INI + "token_budget_github_summary = false\n")
    run(inner, "--token-budget", *LEAN).assert_outcomes(passed=2, failed=2)
    assert summary.read_text() == ""


@pytest.mark.slow
def test_junit_and_baseline_under_xdist(inner, tmp_path):
    inner.makepyfile(test_j=SUITE)
    base = tmp_path / "base.json"
    base.write_text('{"schema": "pytest-tokenbudget/baseline", "version": 1, "tests": {'
                    '"test_j.py::test_two_calls": {"cost_usd": "0.001"}}}')
    xml = tmp_path / "junit.xml"
    result = run(inner, "--token-budget", "-n", "2", f"--junitxml={xml}", "--token-budget-junit",
                 f"--token-budget-compare={base}", *LEAN)
    result.assert_outcomes(passed=1, failed=3)  # test_two_calls now fails on the baseline, in its worker
    assert "cost $0.00308, baseline $0.001 (+208%, allowed +20%)" in result.stdout.str()
    props = junit_properties(xml)
    assert props["test_two_calls"]["tokenbudget.cost_usd"] == "0.00308"
    assert props["test_over"]["tokenbudget.cost_usd"] == "0.0123"
    assert props["test_free"]["tokenbudget.calls"] == "0"
