"""`--token-budget-save` / `--token-budget-compare`: a cost regression beyond the tolerance fails the
test (pytest-django wording), much cheaper tests are listed (or fail the run on request), tiny
changes under the absolute floor never count."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest
from conftest import run

SCHEMA = json.loads(resources.files("pytest_tokenbudget.report").joinpath("schema.json").read_text("utf-8"))

LEAN = ("-p", "no:hypothesispytest", "-p", "no:recording", "-p", "no:anyio", "-p", "no:asyncio")

# claude-haiku-4-5 at $1/$5 per MTok: input=N, output=100 costs N/1e6 + $0.0005
SUITE = '''
import pytest
from conftest import MSG

USAGE = {usage!r}

@pytest.mark.parametrize("name", sorted(USAGE))
def test_cost(claude, fake_llm_server, name):
    fake_llm_server.set_usage(input=USAGE[name], output=100)
    claude.messages.create(model="claude-haiku-4-5", max_tokens=200, messages=MSG)

def test_tiny(claude):  # the fake server's default usage: $0.000052 a call
    for _ in range({tiny}):
        claude.messages.create(model="claude-haiku-4-5", max_tokens=50, messages=MSG)

def test_free():
    pass
'''


def _suite(inner, usage, tiny=1):
    inner.makepyfile(test_b=SUITE.format(usage=usage, tiny=tiny))


@pytest.mark.slow
def test_save_then_compare(inner, tmp_path):
    base = tmp_path / "cost-baseline.json"
    _suite(inner, {"grows": 1500, "same": 1000, "shrinks": 9500})
    result = run(inner, f"--token-budget-save={base}", *LEAN)
    result.assert_outcomes(passed=5)
    assert f"baseline (5 tests) written to {base}" in result.stdout.str()
    saved = json.loads(base.read_text())
    assert saved["schema"] == "pytest-tokenbudget/baseline"
    assert saved["tests"]["test_b.py::test_cost[grows]"] == {"calls": 1, "cost_usd": "0.002", "total_tokens": 1600}
    assert saved["tests"]["test_b.py::test_free"]["cost_usd"] == "0"

    # grows +50% (fails), same, shrinks -80% (listed), tiny doubles (+100% but under the floor), a new test
    _suite(inner, {"grows": 2500, "same": 1050, "shrinks": 1500, "new": 1000}, tiny=2)
    report = tmp_path / "report.json"
    result = run(inner, f"--token-budget-compare={base}", "--token-budget-max-increase=20%",
                 f"--token-budget-json={report}", *LEAN)
    result.assert_outcomes(passed=5, failed=1)
    data = json.loads(report.read_text())
    jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)
    rows = {r["nodeid"].split("[")[-1].rstrip("]"): r for r in data["comparison"]["tests"]}
    assert rows["grows"]["status"] == "more" and rows["grows"]["delta_usd"] == "0.001"
    assert rows["shrinks"]["status"] == "cheaper" and rows["new"]["status"] == "new"
    assert next(t for t in data["tests"] if t["nodeid"].endswith("[grows]"))["outcome"] == "failed"
    out = result.stdout.str()
    assert (f"token budget baseline of test_b.py::test_cost[grows]: cost $0.003, baseline $0.002 "
            f"(+50%, allowed +20%)") in out
    assert f"refresh it with --token-budget-save={base}" in out
    assert "compared with baseline" in out and "1 more expensive, 1 much cheaper, 1 new, 0 not run" in out
    assert "much cheaper: test_b.py::test_cost[shrinks]: cost $0.002, baseline $0.01 (-80%, allowed +20%)" in out
    assert result.ret == 1

    # the same with a wider tolerance passes; asking for it, much cheaper tests fail the run
    result = run(inner, f"--token-budget-compare={base}", "--token-budget-max-increase=60", *LEAN)
    result.assert_outcomes(passed=6)
    assert result.ret == 0
    result = run(inner, f"--token-budget-compare={base}", "--token-budget-max-increase=60",
                 "--token-budget-fail-on-decrease", *LEAN)
    result.assert_outcomes(passed=6)
    assert result.ret == 1
    assert "1 test got much cheaper than the baseline" in result.stdout.str()


def test_floor_is_configurable(inner, tmp_path):
    base = tmp_path / "b.json"
    _suite(inner, {"x": 1000})
    run(inner, f"--token-budget-save={base}", *LEAN).assert_outcomes(passed=3)
    _suite(inner, {"x": 1000}, tiny=2)  # test_tiny: $0.000052 -> $0.000104
    run(inner, f"--token-budget-compare={base}", *LEAN).assert_outcomes(passed=3)
    result = run(inner, f"--token-budget-compare={base}", "--token-budget-min-change=0.00001", *LEAN)
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*test_b.py::test_tiny: cost $0.000104, baseline $0.000052 (+100%, allowed +20%)"])


def test_bad_baseline_is_a_usage_error(inner, tmp_path):
    _suite(inner, {"x": 1000})
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "pytest-tokenbudget/baseline", "version": 3, "tests": {}}')
    result = run(inner, f"--token-budget-compare={bad}", *LEAN)
    assert result.ret == 4
    assert "baseline version 3 is newer" in result.stderr.str()
    result = run(inner, f"--token-budget-compare={bad}", "--token-budget-max-increase=lots", *LEAN)
    assert result.ret == 4 and "expected a percentage" in result.stderr.str()


def test_a_failing_test_over_its_baseline_is_not_counted_twice(inner, tmp_path):
    base = tmp_path / "b.json"
    base.write_text('{"schema": "pytest-tokenbudget/baseline", "version": 1, "tests": {'
                    '"test_f.py::test_fails": {"cost_usd": "0.0001"}, "test_f.py::test_late": {"cost_usd": "0.0001"}}}')
    inner.makepyfile(test_f='''
        import pytest
        from conftest import MSG

        def test_fails(claude, fake_llm_server):
            fake_llm_server.set_usage(input=5000, output=100)
            claude.messages.create(model="claude-haiku-4-5", max_tokens=200, messages=MSG)
            assert False, "the test's own failure"

        @pytest.fixture
        def spends_in_teardown(claude, fake_llm_server):
            yield
            fake_llm_server.set_usage(input=5000, output=100)
            claude.messages.create(model="claude-haiku-4-5", max_tokens=200, messages=MSG)

        def test_late(spends_in_teardown):
            pass
    ''')
    result = run(inner, f"--token-budget-compare={base}", *LEAN)
    result.assert_outcomes(failed=1, passed=1, errors=1)  # test_fails: failed, not also an error; test_late: at teardown
    out = result.stdout.str()
    assert "the test's own failure" in out
    assert "token budget baseline of test_f.py::test_late: cost $0.0055, baseline $0.0001" in out
    assert "2 more expensive" in out
