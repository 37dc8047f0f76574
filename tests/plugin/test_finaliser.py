"""No lock is ever taken from a finaliser (issue 17).

A streamed response dropped unread inside a reference cycle is freed by the garbage collector,
which may run at any allocation -- also while this very thread holds the shared session ledger's
(plain, non-reentrant) lock to record another call. The stream's ``__del__`` used to record the
call on the spot and so waited for that lock forever. Now a finaliser only queues the call; the
queue is drained outside (when the next call starts, when a test ends, when the run ends).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import INI, INNER_CONFTEST

INNER = '''
import gc
import pytest
from conftest import MSG


class Holder:
    """A reference cycle that keeps an unread stream alive until the collector frees it."""
    def __init__(self, stream):
        self.stream = stream
        self.me = self


@pytest.mark.parametrize("round", range(3))
def test_dropped_cyclic_streams(claude, round):
    gc.set_threshold(300, 1_000_000, 1_000_000)  # young collections only, at arbitrary allocations
    try:
        for _ in range(60):
            s = claude.messages.create(model="claude-haiku-4-5", max_tokens=20, messages=MSG, stream=True)
            Holder(s)
            del s
            claude.messages.create(model="claude-haiku-4-5", max_tokens=20, messages=MSG)
    finally:
        gc.set_threshold(700, 10, 10)
'''


@pytest.mark.slow  # a pytest subprocess with an xdist worker making 360 calls (~30 s on a loaded 2-core box)
def test_cyclic_streams_under_xdist_do_not_hang(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    pytester.makeconftest(INNER_CONFTEST)
    pytester.makeini(INI)
    pytester.makepyfile(test_cycles=INNER)
    try:
        result = pytester.runpytest_subprocess(
            "-p", "no:cacheprovider", "-n", "1", "--token-budget", "--token-budget-session", "5",
            "--token-budget-json", "out.json", "-p", "no:hypothesispytest", "-p", "no:recording",
            timeout=240)  # a hang never ends; a loaded 2-core box takes ~30 s
    except pytester.TimeoutExpired:
        pytest.fail("the run hung: a finaliser waited on the shared ledger's lock")
    result.assert_outcomes(passed=3)
    data = json.loads((pytester.path / "out.json").read_text())
    # every call recorded exactly once: 3 rounds x 60 x (one dropped stream + one plain call)
    assert data["totals"]["live"]["calls"] == 360, data["totals"]


SCRIPT = """
import gc, tempfile
import anthropic
from pytest_tokenbudget.plugin import capture
from pytest_tokenbudget.plugin.ledger.ledger import Ledger, Limits
from pytest_tokenbudget.plugin.ledger.shared import SharedLedger
from pytest_tokenbudget.testing import FakeLLMServer

with FakeLLMServer() as srv:
    store = SharedLedger.create(tempfile.mkdtemp())
    ledger = Ledger(session_limits=Limits.parse(usd=5))
    ledger.share_session(store)
    capture.install(ledger)
    client = anthropic.Anthropic(base_url=srv.url, api_key="sk-test", max_retries=0)

    class Holder:
        def __init__(self, stream):
            self.stream, self.me = stream, self

    gc.disable()
    s = client.messages.create(model="claude-haiku-4-5", max_tokens=20, stream=True,
                               messages=[{"role": "user", "content": "hi"}])
    Holder(s)
    del s
    # the collector runs while this thread holds the shared store's lock (as at any allocation there)
    store.reserve({}, lambda spent, reserved: gc.collect())
    assert len(ledger.entries) == 0  # queued by the finaliser, not recorded inside it
    client.messages.create(model="claude-haiku-4-5", max_tokens=20, messages=[{"role": "user", "content": "hi"}])
    assert len(ledger.entries) == 2, ledger.entries  # the next call drained the queue first
    assert ledger.entries[0].error == "stream dropped without being closed"
    print("ok")
"""


def test_collection_inside_the_store_lock_does_not_deadlock(tmp_path) -> None:
    """Deterministic: the collector frees a cyclic stream while this thread holds the lock."""
    script = tmp_path / "gc_in_lock.py"
    script.write_text(SCRIPT)
    try:
        done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("deadlock: the stream's finaliser waited on the shared ledger's lock")
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
