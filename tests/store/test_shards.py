"""Shards as machines: separate pytest processes (each with pytest-xdist workers) share one session
budget through the embedded PostgreSQL. The fake API server runs here, in the outer test, so that
every shard's calls reach it and can be counted."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from decimal import Decimal

import psycopg
import pytest
from .conftest import PASSWORD, row_once_created, terminate

from pytest_tokenbudget.plugin.ledger.store import open_store
from pytest_tokenbudget.testing.server import FakeLLMServer

LEAN = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-p", "no:recording", "-p", "no:anyio",
        "-p", "no:asyncio", "-p", "no:randomly")
CAP = Decimal("1.00")
MAX_TOKENS = 20000  # claude-haiku-4-5 at $5/MTok output: a $0.10 worst case per call

CONFTEST = '''
import anthropic, pytest
URL = {url!r}
ADMIN = {admin!r}

@pytest.fixture
def claude():
    return anthropic.Anthropic(base_url=URL, api_key="sk-test", max_retries=0)

MSG = [{{"role": "user", "content": "Say hi"}}]
'''

SPEND = '''
import pytest
from conftest import MSG
from pytest_tokenbudget import TokenBudgetExceeded

@pytest.mark.parametrize("n", range(6))
def test_spend(claude, n):
    for _ in range(3):
        try:
            claude.messages.create(model="claude-haiku-4-5", max_tokens=20000, messages=MSG)
        except TokenBudgetExceeded:
            return
'''


@pytest.fixture
def server():
    with FakeLLMServer() as s:
        s.set_usage(input=1, output=MAX_TOKENS)  # each call really costs $0.100001
        yield s


@pytest.fixture
def project(pytester, server, admin_url):
    pytester.makeconftest(CONFTEST.format(url=server.url, admin=admin_url))
    pytester.makeini("[pytest]\n")
    return pytester


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TOKEN_BUDGET_", "GITHUB_", "PYTEST_ADDOPTS", "PYTEST_XDIST"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _shard(project, url: str, run_id: str, name: str, *args: str, cap: Decimal = CAP) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pytest", *LEAN, f"--token-budget-session={cap}", f"--token-budget-store={url}",
         f"--token-budget-run-id={run_id}", f"--token-budget-shard={name}", *args],
        cwd=project.path, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True)


def _shard_here(project, monkeypatch, url: str, run_id: str, name: str, *args: str,
                cap: Decimal = CAP) -> tuple[int, str]:
    """One serial shard run in this process (pytester in-process): for what a shard reports and how
    it exits, where no second process is involved. Returns (exit code, stdout + stderr)."""
    for key in list(os.environ):
        if key.startswith(("TOKEN_BUDGET_", "GITHUB_", "PYTEST_ADDOPTS", "PYTEST_XDIST")):
            monkeypatch.delenv(key)
    result = project.runpytest_inprocess(*LEAN, f"--token-budget-session={cap}", f"--token-budget-store={url}",
                                         f"--token-budget-run-id={run_id}", f"--token-budget-shard={name}", *args)
    return int(result.ret), result.stdout.str() + "\n" + result.stderr.str()


def _report(url: str, run_id: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest_tokenbudget", "report", "--store", url, "--run-id", run_id,
                           "--top", "0", *args], capture_output=True, text=True, env=_env(), timeout=120)


@pytest.mark.slow
def test_four_machines_share_one_cap(project, server, pg_url, run_id):
    """4 pytest processes x 2 xdist workers attempt 72 calls of a $0.10 worst case under one $1.00 cap:
    at most 9 fit. Every shard stops at the cap and exits 1 with the reason; the report from the
    store shows the whole run (every shard), and nothing shows the password."""
    project.makepyfile(test_spend=SPEND)
    shards = [_shard(project, pg_url, run_id, f"m{i}", "-n", "2") for i in range(4)]
    outs = [p.communicate(timeout=300)[0] for p in shards]
    calls = server.request_count
    assert 1 <= calls <= 9, calls
    for p, out in zip(shards, outs):
        assert p.returncode == 1, out
        assert re.search(r"session token budget of \$1\S* reached: .* refused", out), out
        assert re.search(rf"shared budget: run {run_id} in postgresql://postgres:\*\*\*@.* the whole run spent", out)
        assert PASSWORD not in out
    store = open_store(pg_url, run_id, join=False)
    spent, reserved = store.totals()
    store.close()
    assert spent["usd"] == calls * Decimal("0.100001") <= CAP  # exact, and within the cap
    assert spent["calls"] == calls and reserved["usd"] == 0

    rep = _report(pg_url, run_id)
    assert rep.returncode == 0, rep.stderr
    text = rep.stdout
    assert "merged from 4 reports: shard m0, shard m1, shard m2, shard m3" in text
    live = re.search(rf"^live: {calls} calls?,.*$", text, re.M)
    assert live, text
    shown = Decimal(re.search(r"cost \$([0-9.]+)$", live.group(0)).group(1))  # as displayed: rounded
    assert abs(shown - calls * Decimal("0.100001")) < Decimal("0.0001"), live.group(0)
    assert re.search(r"^refused before sending: \d+ calls?", text, re.M)
    assert f"note: run {run_id} from postgresql://postgres:***@" in text and "4 shards, a session budget of $1" in text
    assert "figures incomplete" not in text and PASSWORD not in text + rep.stderr
    assert re.search(r"^session budget: spent \$0\.\d+ of \$1", text, re.M)


@pytest.mark.slow
def test_a_killed_shard_stays_charged_and_is_named(project, server, pg_url, run_id):
    """A shard killed (SIGKILL, the whole process group) while a call is in flight: its reservation
    stays charged at the worst case, another shard sees it, and the report names the dead shard."""
    project.makepyfile(test_slow='''
        from conftest import MSG

        def test_done(claude):
            claude.messages.create(model="claude-haiku-4-5", max_tokens=20000, messages=MSG)

        def test_hangs(claude):
            claude.messages.create(model="claude-haiku-4-5", max_tokens=20000, messages=MSG,
                                   extra_headers={"x-fake-delay-ms": "20000"})
    ''')
    proc = _shard(project, pg_url, run_id, "doomed", "-n", "2", "--dist", "loadfile")
    deadline = time.monotonic() + 120
    with psycopg.connect(pg_url, autocommit=True) as c:
        while not row_once_created(c, "SELECT 1 FROM tokenbudget_reservations WHERE run_id=%s AND nodeid LIKE %s",
                                   (run_id, "%test_hangs")):
            assert time.monotonic() < deadline and proc.poll() is None, "the call never got in flight"
            time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)

    other = open_store(pg_url, run_id, shard="later", cap=CAP)  # a later shard: the worst case is still held
    spent, reserved = other.totals()
    other.close()
    assert spent["usd"] == Decimal("0.100001") and Decimal("0.1") <= reserved["usd"] < Decimal("0.1001")

    rep = _report(pg_url, run_id)
    text = rep.stdout
    assert re.search(r"shard doomed never finished \(.*controller.* still marked running", text), text
    assert re.search(r"a call of test_slow\.py::test_hangs \(doomed/gw\d\) was in flight when its shard stopped, "
                     r"\$0\.1\d* reserved at its worst case until its lease ends", text), text
    assert re.search(r"^live: 1 call,", text, re.M)


# xdist: a controller and two worker processes, each importing the SDKs (~20 s on a loaded 2-core box)
@pytest.mark.parametrize("xdist", [(), pytest.param(("-n", "2", "--dist", "loadfile"), marks=pytest.mark.slow)],
                         ids=["serial", "xdist"])
def test_a_dropped_connection_fails_the_run_loudly(project, server, pg_url, admin_url, run_id, xdist, monkeypatch):
    """The store's backends are terminated mid-run (pg_terminate_backend): the next call is refused,
    never sent unchecked, and the run fails naming the store (password masked)."""
    project.makepyfile(test_drop=f'''
        import psycopg
        from conftest import MSG, ADMIN

        def test_a(claude):
            claude.messages.create(model="claude-haiku-4-5", max_tokens=100, messages=MSG)

        def test_b():
            with psycopg.connect(ADMIN, autocommit=True) as c:
                n = c.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                              "WHERE application_name = %s", ("pytest-tokenbudget {run_id}",)).fetchone()[0]
            assert n >= 1

        def test_c(claude):
            claude.messages.create(model="claude-haiku-4-5", max_tokens=100, messages=MSG)
    ''')
    if xdist:
        proc = _shard(project, pg_url, run_id, "dropped", *xdist)
        out = proc.communicate(timeout=180)[0]
        code = proc.returncode
    else:  # the terminated backends are the inner run's own (its application_name): in-process is the same run
        code, out = _shard_here(project, monkeypatch, pg_url, run_id, "dropped")
    assert code == 1, out
    assert server.request_count == 1  # test_c's call was refused, not sent
    assert re.search(r"test_c .*FAILED|FAILED .*test_c", out) or "1 failed" in out, out
    assert "StoreUnavailable: token budget: call refused, the connection to the shared budget store" in out
    assert re.search(r"the connection to the shared budget store postgresql://postgres:\*\*\*@\S+ \(run "
                     rf"{run_id}\) was lost: .*; the session budget could not be enforced across the run", out), out
    assert PASSWORD not in out


def test_a_later_shard_with_another_cap_stops_naming_both(project, pg_url, run_id, monkeypatch):
    project.makepyfile(test_nothing="def test_x(): pass")
    code1, out1 = _shard_here(project, monkeypatch, pg_url, run_id, "first")
    assert code1 == 0, out1
    code2, out2 = _shard_here(project, monkeypatch, pg_url, run_id, "later", cap=Decimal("2.50"))
    assert code2 == pytest.ExitCode.USAGE_ERROR, out2
    assert re.search(rf"run '{run_id}' in postgresql://postgres:\*\*\*@\S+ has a session budget of \$1 \(set by "
                     r"shard first\), but this shard \(later\) was given \$2\.50", out2), out2
    assert PASSWORD not in out1 + out2


def test_an_unreachable_store_is_a_usage_error(project, monkeypatch):
    project.makepyfile(test_nothing="def test_x(): pass")
    url = f"postgresql://ci:{PASSWORD}@127.0.0.1:1/tb?connect_timeout=2"
    code, out = _shard_here(project, monkeypatch, url, "r1", "x")
    assert code == pytest.ExitCode.USAGE_ERROR, out
    assert "cannot share the session budget: cannot connect to the store postgresql://ci:***@127.0.0.1:1/tb" in out
    assert PASSWORD not in out
