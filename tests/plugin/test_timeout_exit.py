"""pytest-timeout's thread method ends the process with ``os._exit`` (issue 17): the JSON report and
the baseline are still written, with the calls made up to the timeout and a note saying why the
figures stop there."""

from __future__ import annotations

import json

import pytest


import pytest_timeout  # noqa: F401  (in the [test] extra: a missing plugin fails, never skips)

TESTS = '''
import time
from conftest import MSG

def test_first(claude):
    claude.messages.create(model="claude-haiku-4-5", max_tokens=5, messages=MSG)

def test_hangs(claude):
    claude.messages.create(model="claude-haiku-4-5", max_tokens=5, messages=MSG)
    time.sleep(30)

def test_never_runs(claude):
    claude.messages.create(model="claude-haiku-4-5", max_tokens=5, messages=MSG)
'''


# Inherently slow: pytest-timeout's thread method ends the process (os._exit), so the run must be a
# subprocess, and it waits out the 3 s timeout (shorter would time out test_first on a loaded box).
@pytest.mark.slow
def test_thread_timeout_still_writes_the_reports(inner):
    inner.makepyfile(test_slow=TESTS)
    result = inner.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:randomly", "--token-budget",
                                        "--token-budget-json=out.json", "--token-budget-save=baseline.json",
                                        "--timeout=3", "--timeout-method=thread", timeout=120)
    assert result.ret == 1
    assert "Timeout" in result.stdout.str()
    report = json.loads((inner.path / "out.json").read_text())
    assert report["totals"]["live"]["calls"] == 2
    outcomes = {t["nodeid"]: t["outcome"] for t in report["tests"]}
    assert outcomes == {"test_slow.py::test_first": "passed", "test_slow.py::test_hangs": "failed"}
    assert any("pytest-timeout" in n and "test_slow.py::test_hangs" in n for n in report["run"]["notes"])
    baseline = json.loads((inner.path / "baseline.json").read_text())
    assert sorted(baseline["tests"]) == ["test_slow.py::test_first", "test_slow.py::test_hangs"]
    assert "token budget: JSON report written to out.json" in result.stderr.str()
