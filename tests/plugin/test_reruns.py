"""pytest-rerunfailures: each attempt's spend is counted once, serial and under pytest-xdist alike
(a worker's teardown report carries only the entries no earlier report carried); ``token_usage``
sees the current attempt; the terminal, the JSON report and the session budget agree."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from conftest import run

from pytest_tokenbudget import price
from pytest_tokenbudget.core.money import format_usd

ONE = price("claude-haiku-4-5", {"input_tokens": 17, "output_tokens": 7}).total_usd  # the fake's default usage

FLAKY = '''
    from pathlib import Path
    from conftest import MSG

    def test_flaky(claude, token_usage):
        counter = Path(__file__).with_name("attempts.txt")
        attempt = int(counter.read_text()) + 1 if counter.exists() else 1
        counter.write_text(str(attempt))
        claude.messages.create(model="claude-haiku-4-5", max_tokens=20, messages=MSG)
        assert token_usage.calls == 1          # this attempt's calls, on every attempt
        assert attempt == 3, f"flaky: attempt {attempt}"

    def test_other():
        pass
'''


# xdist: a controller and two worker processes, each importing the SDKs
@pytest.mark.parametrize("dist", [(), pytest.param(("-n", "2"), marks=pytest.mark.slow)], ids=["serial", "xdist"])
def test_each_attempt_counted_once(inner, tmp_path, dist):
    inner.makepyfile(test_flaky=FLAKY)
    path = tmp_path / "r.json"
    # a session cap that 3 calls (and the pre-flight worst case of the third) fit and 6 (the old 1+2+3 count) do not
    result = run(inner, "--token-budget", f"--token-budget-session={ONE * 5}", "--reruns", "2",
                 f"--token-budget-json={path}", *dist)
    assert result.parseoutcomes() == {"passed": 2, "rerun": 2}
    assert (inner.path / "attempts.txt").read_text() == "3"
    result.stdout.fnmatch_lines([f"live: 3 calls, 72 tokens *cost {format_usd(3 * ONE)}"])
    result.stdout.no_fnmatch_line("*over budget*")
    report = json.loads(path.read_text())
    assert report["totals"]["live"]["calls"] == 3
    assert Decimal(report["totals"]["live"]["cost_usd"]) == 3 * ONE
    [flaky] = [t for t in report["tests"] if t["nodeid"].endswith("test_flaky")]
    assert len(flaky["calls"]) == 3 and Decimal(flaky["cost_usd"]) == 3 * ONE
    assert result.ret == 0
