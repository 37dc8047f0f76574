"""Data safety (issue 8): a pytest-xdist worker killed with SIGKILL in the middle of a test — after
three settled calls, with a stream in flight — loses nothing that was settled, and the run says
its figures are incomplete.

The shared SQLite ledger (WAL) is copied by the controller just before the run removes it, and
checked: it passes ``PRAGMA integrity_check``, holds every settled call (with its entry), no
reservation is left open, the in-flight call was charged its worst case and the dead worker is
marked crashed. The JSON report has every settled call of the killed test (recovered from the
ledger: its report never arrived) and ``run.complete`` is false with the reason.

(tests/plugin/test_xdist_shared.py covers ``os._exit`` after one settled call, in the terminal.)
"""

from __future__ import annotations

import json
import re
import sqlite3
from decimal import Decimal

import pytest
from conftest import run

from pytest_tokenbudget.testing.server import FakeLLMServer

LEAN = ("-p", "no:hypothesispytest", "-p", "no:recording", "-p", "no:anyio", "-p", "no:asyncio", "-p", "no:randomly")

CONFTEST = '''
import pathlib, shutil
import anthropic, pytest
URL = {url!r}
OUT = pathlib.Path({out!r})

@pytest.fixture
def claude():
    return anthropic.Anthropic(base_url=URL, api_key="sk-test", max_retries=0)

MSG = [{{"role": "user", "content": "Say hi"}}]


@pytest.hookimpl(tryfirst=True)
def pytest_unconfigure(config):
    """The controller: keep a copy of the run's SQLite ledger (the plugin removes it next)."""
    from pytest_tokenbudget.plugin.state import STATE
    st = config.stash.get(STATE, None)
    if st is not None and st.run is not None:
        for suffix in ("", "-wal"):
            src = pathlib.Path(st.run.path + suffix)
            if src.exists():
                shutil.copy(src, OUT / ("ledger.sqlite3" + suffix))
'''

INNER = '''
import os, signal
import pytest
from conftest import MSG

@pytest.mark.parametrize("n", range(4))
def test_ok(claude, n):
    claude.messages.create(model="claude-haiku-4-5", max_tokens=20, messages=MSG)


def test_killed(claude):
    for _ in range(3):  # settled
        claude.messages.create(model="claude-haiku-4-5", max_tokens=30, messages=MSG)
    with claude.messages.stream(model="claude-haiku-4-5", max_tokens=500, messages=MSG) as s:
        next(iter(s))  # message_start: the call is in flight, its worst case reserved
        os.kill(os.getpid(), signal.SIGKILL)
'''


@pytest.fixture
def server():
    with FakeLLMServer() as s:
        yield s


@pytest.mark.slow
def test_sigkilled_worker_loses_no_settled_call(pytester, server):
    out = pytester.mkdir("out")
    pytester.makeconftest(CONFTEST.format(url=server.url, out=str(out)))
    pytester.makeini("[pytest]\n")
    pytester.makepyfile(test_kill=INNER)
    result = run(pytester, "--token-budget", "--token-budget-session=1", "--token-budget-json=report.json",
                 "--token-budget-top=0", "-n", "2", *LEAN)
    text = result.stdout.str()
    assert result.ret == 1 and "INTERNALERROR" not in text and "plugin error" not in text
    result.assert_outcomes(passed=4, failed=1)
    assert server.request_count == 8  # 4 + 3 settled + the stream in flight

    # the terminal and the JSON report say the figures are incomplete, and why
    m = re.search(r"^figures incomplete: worker (gw\d) crashed \(3 call\(s\) of its unfinished test recovered "
                  r"from the shared ledger; 1 call\(s\) in flight charged their worst case \(\$([0-9.]+)\) to the "
                  r"session budget, their real cost unknown\)$", text, re.M)
    assert m, text
    worker, inflight_usd = m.group(1), Decimal(m.group(2))
    assert inflight_usd > Decimal("0.0025")  # 500 output tokens of haiku at least
    report = json.loads((pytester.path / "report.json").read_text())
    assert not report["run"]["complete"]
    reasons = report["run"]["incomplete_reasons"]
    assert any(r.startswith(f"figures incomplete: worker {worker} crashed") for r in reasons)

    # no settled call lost: all 7 are in the report, each once, with its test
    tests = {t["nodeid"]: t for t in report["tests"]}
    killed = tests["test_kill.py::test_killed"]
    assert [(c["status"], c["complete"], c["max_tokens"]) for c in killed["calls"]] == [(200, True, 30)] * 3
    for n in range(4):
        assert [c["max_tokens"] for c in tests[f"test_kill.py::test_ok[{n}]"]["calls"]] == [20]
    assert report["totals"]["live"]["calls"] == 7 and "live: 7 calls" in text
    assert len({(t["nodeid"], c["seq"]) for t in report["tests"] for c in t["calls"]}) == 7

    # the SQLite ledger survived the kill: consistent, everything settled is there
    db = sqlite3.connect(out / "ledger.sqlite3")
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = db.execute("SELECT worker, nodeid, entry, note FROM calls ORDER BY id").fetchall()
        settled = [r for r in rows if r[2] is not None]
        assert len(settled) == 7 and sorted(json.loads(r[2])["max_tokens"] for r in settled) == [20] * 4 + [30] * 3
        [charged] = [r for r in rows if r[2] is None]
        assert charged[:2] == (worker, "test_kill.py::test_killed") and "in flight" in charged[3]
        assert db.execute("SELECT COUNT(*) FROM reservations").fetchone()[0] == 0
        states = dict(db.execute("SELECT worker, state FROM workers").fetchall())
        assert states[worker] == "crashed" and list(states.values()).count("finished") >= 1
        spent = {d: Decimal(s) for d, s, _ in db.execute("SELECT dim, spent, reserved FROM counters")}
        reserved = {d: Decimal(r) for d, _, r in db.execute("SELECT dim, spent, reserved FROM counters")}
        assert all(v == 0 for v in reserved.values())
        assert spent["calls"] == 8  # 7 settled + the in-flight one, charged
        settled_usd = sum(Decimal(json.loads(r[2])["charged"]["usd"]) for r in settled)
        assert spent["usd"] == settled_usd + inflight_usd
    finally:
        db.close()


LEAKY = '''
import anthropic, pytest
from conftest import MSG
KEEP = []

def test_leaves_a_stream_open(claude):
    s = claude.messages.create(model="claude-haiku-4-5", max_tokens=500, messages=MSG, stream=True)
    next(iter(s))
    KEEP.append(s)  # never closed, still referenced when the run ends

def test_plain(claude):
    claude.messages.create(model="claude-haiku-4-5", max_tokens=5, messages=MSG)

def test_interrupted(claude, request):
    if not request.config.getoption("--interrupt", default=False):
        return
    with claude.messages.stream(model="claude-haiku-4-5", max_tokens=500, messages=MSG) as s:
        next(iter(s))
        raise KeyboardInterrupt  # the run stops with this stream in flight
'''


@pytest.mark.parametrize("how", ["serial", *(pytest.param(h, marks=pytest.mark.slow) for h in ("xdist", "interrupted"))])
def test_a_call_still_open_when_the_run_ends_is_recorded(pytester, server, how):
    """A stream nobody closed (or a run interrupted mid-stream) is still billed: it is recorded when
    the run ends, incomplete, charged its worst case -- not left out of the totals."""
    out = pytester.mkdir("out")
    pytester.makeconftest(CONFTEST.format(url=server.url, out=str(out)) +
                          "\ndef pytest_addoption(parser):\n    parser.addoption('--interrupt', action='store_true')\n")
    pytester.makeini("[pytest]\n")
    pytester.makepyfile(test_leak=LEAKY)
    args = ["--token-budget", "--token-budget-session=1", "--token-budget-json=report.json", *LEAN]
    if how == "xdist":
        args += ["-n", "2"]
    if how == "interrupted":
        args += ["--interrupt", "-p", "no:xdist"]
    if how == "interrupted":  # in a subprocess: in-process, the KeyboardInterrupt would stop this run too
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *args, timeout=120)
    else:
        result = run(pytester, *args)
    assert result.ret == (2 if how == "interrupted" else 0), result.stdout.str()
    report = json.loads((pytester.path / "report.json").read_text())
    calls = {t["nodeid"].split("::")[1]: t["calls"] for t in report["tests"] if t["calls"]}
    expected = {"test_leaves_a_stream_open", "test_plain"} | ({"test_interrupted"} if how == "interrupted" else set())
    assert set(calls) == expected and server.request_count == len(expected)
    for name in expected - {"test_plain"}:
        [c] = calls[name]
        assert c["status"] == 200 and c["streamed"] and not c["complete"] and "incomplete" in c["flags"]
        assert c["usage"]["input_tokens"] == 17 and c["charged"]["output_tokens"] == 500
        if name == "test_leaves_a_stream_open":
            assert c["error"] == "still open when the run ended (never closed or read to its end)"
    assert not report["run"]["complete"] and report["totals"]["live"]["calls"] == len(expected)


def test_finish_open_races_streams_being_read(server):
    """Streams read by 20 threads while finish_open() records them: every call recorded exactly
    once, whichever comes first; the readers see their streams unchanged."""
    import threading

    import anthropic

    from pytest_tokenbudget.plugin import capture

    class Listener:
        def __init__(self):
            self.lock = threading.Lock()
            self.records = []

        def before_send(self, request):
            return object()

        def on_record(self, token, record):
            with self.lock:
                self.records.append((token, record))

    server.event_delay_ms = 15
    listener = Listener()
    capture.install(listener)
    texts, started = [], threading.Barrier(21)
    try:
        client = anthropic.Anthropic(base_url=server.url, api_key="sk-test", max_retries=0)

        def read():
            with client.messages.stream(model="claude-haiku-4-5", max_tokens=50,
                                        messages=[{"role": "user", "content": "hi"}]) as s:
                started.wait()
                texts.append("".join(s.text_stream))

        threads = [threading.Thread(target=read) for _ in range(20)]
        for t in threads:
            t.start()
        started.wait()
        abandoned = capture.finish_open("cut short by the test", listener)
        for t in threads:
            t.join()
        assert capture.finish_open("again", listener) == 0
    finally:
        capture.uninstall()
    assert texts == ["the quick brown fox jumps over the lazy dog"] * 20
    assert len(listener.records) == 20 and len({id(tok) for tok, _ in listener.records}) == 20
    cut = [r for _, r in listener.records if r.error == "cut short by the test"]
    assert len(cut) == abandoned >= 1 and all(not r.complete and r.status == 200 for r in cut)
    assert all(r.complete for _, r in listener.records if r.error is None)


def test_a_worker_killed_inside_a_ledger_transaction_leaves_it_consistent(tmp_path):
    """SIGKILL while a worker holds the shared ledger's write lock, half-way through a reservation:
    the transaction is rolled back, the lock is free for the others, the file is intact."""
    import subprocess
    import sys

    from pytest_tokenbudget.plugin.ledger.shared import RunControl

    run_ctl = RunControl(str(tmp_path))
    store = run_ctl.store
    store.settle(None, {"usd": "0.25", "calls": 1}, nodeid="t::before")
    code = f'''
import os, signal
from pytest_tokenbudget.plugin.ledger.shared import SharedLedger
led = SharedLedger.open({store.path!r}, "gw9")
led.worker_started()
def decide(spent, reserved):
    led._conn.execute("UPDATE counters SET spent='999' WHERE dim='usd'")  # a write in the same transaction
    os.kill(os.getpid(), signal.SIGKILL)
led.reserve({{"usd": "0.5", "calls": 1}}, decide, "t::killed")
'''
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert proc.returncode == -9, proc.stderr.decode()
    assert store.totals()[0]["usd"] == Decimal("0.25") and store.totals()[1]["usd"] == 0  # rolled back
    assert store.open_reservations() == 0 and store.workers() == {"gw9": "running"}  # a half-written run
    problems, rid = store.reserve({"usd": "0.1", "calls": 1}, lambda s, r: None, "t::after")  # lock is free
    assert problems is None and rid is not None
    db = sqlite3.connect(store.path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        db.close()
    recovered: list = []
    assert run_ctl.finish(recovered.extend) == [  # and the run says so
        "figures incomplete: worker gw9 never finished (its last figures may be missing)"]
    run_ctl.close(remove=False)
