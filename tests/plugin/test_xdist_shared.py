"""The session budget under pytest-xdist: one SQLite ledger shared by all workers, so the whole run
stops spending at the cap (not n x cap); crashed workers are reported, never dropped; exit codes as
without ``-n``.

The fake server of these runs is started here, in the outer test, so that the calls of every worker
process reach the same server and can be counted."""

from __future__ import annotations

import re
import threading
from decimal import Decimal

import pytest
from conftest import run

from pytest_tokenbudget.plugin.capture.types import CallRecord, CallRequest
from pytest_tokenbudget.core.errors import TokenBudgetExceeded
from pytest_tokenbudget.plugin.ledger.ledger import Ledger, Limits
from pytest_tokenbudget.plugin.ledger.shared import RunControl, SharedLedger
from pytest_tokenbudget.testing.server import FakeLLMServer

# workers are fresh processes: spare them the plugins these tests do not use
LEAN = ("-p", "no:hypothesispytest", "-p", "no:recording", "-p", "no:anyio", "-p", "no:asyncio")

CONFTEST = '''
import anthropic, pytest
URL = {url!r}

@pytest.fixture
def claude():
    return anthropic.Anthropic(base_url=URL, api_key="sk-test", max_retries=0)

MSG = [{{"role": "user", "content": "Say hi"}}]
'''


@pytest.fixture
def server():
    with FakeLLMServer() as s:
        yield s


@pytest.fixture
def shared_inner(pytester, server):
    pytester.makeconftest(CONFTEST.format(url=server.url))
    pytester.makeini("[pytest]\n")
    return pytester


# ----------------------------------------------------------------------------- pure: the store
def _request() -> CallRequest:
    return CallRequest(api="anthropic", endpoint="messages", url="http://x/v1/messages", model="claude-haiku-4-5",
                       max_tokens=100, stream=False, attempt=0, input_estimate=0)


def _record(req: CallRequest) -> CallRecord:
    return CallRecord(request=req, status=200, response_model="claude-haiku-4-5",
                      usage={"input_tokens": 0, "output_tokens": 100}, complete=True, streamed=False, live=True,
                      duration_s=0.0)


def test_two_processes_worth_of_ledgers_never_overspend(tmp_path):
    """Two ledgers on two connections (as two workers would be) race 8 threads for a $0.0025 cap:
    each call's worst case is $0.0005, so exactly 5 calls fit; the money is exact (no float)."""
    run_ctl = RunControl(str(tmp_path))
    ledgers = []
    for wid in ("gw0", "gw1"):
        led = Ledger(session_limits=Limits(usd=Decimal("0.0025")))
        led.share_session(SharedLedger.open(run_ctl.path, wid))
        ledgers.append(led)
    sent = []
    lock = threading.Lock()

    def worker(led):
        for _ in range(6):
            req = _request()
            try:
                token = led.before_send(req)
            except TokenBudgetExceeded:
                continue
            with lock:
                sent.append(1)
            led.on_record(token, _record(req))

    threads = [threading.Thread(target=worker, args=(ledgers[i % 2],)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    spent, reserved = run_ctl.store.totals()
    assert len(sent) == 5
    assert spent["usd"] == Decimal("0.0025") and spent["calls"] == 5 and reserved["usd"] == 0
    assert ledgers[0].session.spent.usd == Decimal("0.0025")  # every process sees the whole run
    assert sum(led.session.local_spent.calls for led in ledgers) == 5
    assert run_ctl.store.open_reservations() == 0
    run_ctl.close()
    assert not tmp_path.joinpath("tokenbudget-session.sqlite3").exists()


def test_a_refusal_by_an_inner_budget_gives_the_shared_reservation_back():
    run_ctl = RunControl()
    led = Ledger(session_limits=Limits(usd=Decimal("1")))
    led.share_session(SharedLedger.open(run_ctl.path, "gw0"))
    led.begin_test("t", Limits(calls=0))
    from pytest_tokenbudget.plugin.ledger.ledger import set_current
    set_current("t", "call")
    try:
        with pytest.raises(TokenBudgetExceeded):
            led.before_send(_request())
    finally:
        set_current(None, None)
    spent, reserved = run_ctl.store.totals()
    assert reserved["usd"] == 0 and spent["usd"] == 0 and run_ctl.store.open_reservations() == 0
    run_ctl.close()


def test_a_busy_file_is_waited_for(tmp_path):
    """Another process holding the write lock delays a reservation; it does not fail it."""
    import sqlite3
    import time
    run_ctl = RunControl()
    store = SharedLedger.open(run_ctl.path, "gw0")
    holder = sqlite3.connect(run_ctl.path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    threading.Timer(0.3, lambda: holder.execute("COMMIT")).start()
    t0 = time.perf_counter()
    problems, rid = store.reserve({"usd": "0.5", "calls": 1}, lambda spent, reserved: None)
    assert rid is not None and not problems and time.perf_counter() - t0 >= 0.25
    holder.close()
    run_ctl.close()


def test_crashed_worker_in_flight_is_charged_and_reported(tmp_path):
    run_ctl = RunControl()
    led = Ledger(session_limits=Limits(usd=Decimal("1")))
    store = SharedLedger.open(run_ctl.path, "gw1")
    store.worker_started()
    led.share_session(store)
    req = _request()
    led.on_record(led.before_send(req), _record(req))  # settled
    led.before_send(_request())  # in flight when the worker dies
    run_ctl.node_down("gw1", "worker crashed")
    recovered = []
    notes = run_ctl.finish(recovered.extend)
    assert len(recovered) == 1 and recovered[0]["request_model"] == "claude-haiku-4-5"
    assert notes == ["figures incomplete: worker gw1 crashed (1 call(s) of its unfinished test recovered from the "
                     "shared ledger; 1 call(s) in flight charged their worst case ($0.0005) to the session budget, "
                     "their real cost unknown)"]
    assert run_ctl.store.totals()[0]["usd"] == Decimal("0.001")
    run_ctl.close()


def test_unfinished_worker_means_incomplete(tmp_path):
    run_ctl = RunControl()
    SharedLedger.open(run_ctl.path, "gw0").worker_started()
    done = SharedLedger.open(run_ctl.path, "gw1")
    done.worker_started()
    done.worker_finished()
    assert run_ctl.finish(lambda e: None) == [
        "figures incomplete: worker gw0 never finished (its last figures may be missing)"]
    run_ctl.close()


# ----------------------------------------------------------------------------- pytester, -n 2
CAPPED = '''
import pytest
from conftest import MSG
from pytest_tokenbudget import TokenBudgetExceeded

@pytest.mark.parametrize("n", range(8))
def test_spend(claude, n):
    for _ in range(3):
        try:
            claude.messages.create(model="claude-haiku-4-5", max_tokens=100, messages=MSG)
        except TokenBudgetExceeded:
            return
'''


def _live(result) -> str:
    return re.search(r"^live: .*$", result.stdout.str(), re.M).group(0)


@pytest.mark.slow
def test_session_cap_stops_the_whole_distributed_run(shared_inner, server):
    """24 calls are attempted across 2 workers; each call's worst case is ~$0.0005 and a real call
    costs $0.000501, so a $0.003 session cap has room for 5 calls. Enforced per worker, the run
    could make 10; shared, the fake server receives at most 5 — and exactly 5 in a serial run."""
    server.set_usage(input=1, output=100)
    shared_inner.makepyfile(test_cap=CAPPED)
    serial = run(shared_inner, "--token-budget-session=0.003", *LEAN)
    serial_calls = server.request_count
    server.reset()
    server.set_usage(input=1, output=100)
    parallel = run(shared_inner, "--token-budget-session=0.003", "-n", "2", *LEAN)
    parallel_calls = server.request_count
    assert serial_calls == 5
    assert 1 <= parallel_calls <= 5, parallel_calls
    serial.assert_outcomes(passed=8)
    parallel.assert_outcomes(passed=8)
    assert serial.ret == parallel.ret == 1  # refused calls fail the run, with or without -n
    for result, calls in ((serial, serial_calls), (parallel, parallel_calls)):
        out = result.stdout.str()
        assert f"live: {calls} call" in _live(result)
        assert "session token budget of $0.003 reached" in out
        assert "each worker enforces the session budget on its own" not in out
    spent = Decimal(re.search(r"cost \$([0-9.]+)", _live(parallel)).group(1))
    assert spent <= Decimal("0.003")


@pytest.mark.slow
def test_without_preflight_a_distributed_stop_exits_like_serial(shared_inner, server):
    """No pre-flight: the first overrun stops the run. Without -n that is exit 1; xdist would say
    'Interrupted' (exit 2): the plugin makes it 1 too."""
    server.set_usage(input=1, output=100)
    shared_inner.makeini("[pytest]\ntoken_budget_preflight = false\n")
    shared_inner.makepyfile(test_cap=CAPPED)
    parallel = run(shared_inner, "--token-budget-session=0.001", "-n", "2", *LEAN)
    assert parallel.ret == 1  # serial: 1 too (tests/plugin/test_budgets.py)
    out = parallel.stdout.str()
    assert "Interrupted: token budget: session spent" in out and "session token budget exceeded" in out
    assert server.request_count < 24  # the run stopped spending


@pytest.mark.slow
def test_crashed_worker_is_reported(shared_inner, server):
    """Also: a worker's plugin errors (here a user's hook that raises) reach the controller's report."""
    shared_inner.makeconftest(CONFTEST.format(url=server.url) + '''
def pytest_tokenbudget_call_recorded(record):
    if record.nodeid.endswith("test_ok[0]"):
        raise RuntimeError("hook boom")
''')
    shared_inner.makepyfile(test_crash='''
        import os
        import pytest
        from conftest import MSG

        @pytest.mark.parametrize("n", range(3))
        def test_ok(claude, n):
            claude.messages.create(model="claude-haiku-4-5", max_tokens=20, messages=MSG)

        def test_dies(claude):
            claude.messages.create(model="claude-haiku-4-5", max_tokens=20, messages=MSG)
            os._exit(1)
    ''')
    result = run(shared_inner, "--token-budget", "-n", "2", *LEAN)
    out = result.stdout.str()
    assert result.ret == 1
    result.assert_outcomes(passed=3, failed=1)
    assert re.search(r"^figures incomplete: worker gw\d crashed \(1 call\(s\) of its unfinished test recovered",
                     out, re.M), out
    assert server.request_count == 4
    assert "live: 4 calls" in _live(result)  # the crashed test's call is counted, not dropped
    assert re.search(r"^plugin error: worker gw\d: ledger listener .* failed: RuntimeError\('hook boom'\)", out, re.M)


def test_moving_an_in_memory_session_keeps_its_spend_and_its_calls_in_flight(tmp_path):
    """A serial run's session budget moves into the shared store when its first child starts: what it
    spent, and the call still in flight (settled in the store later), so a second process sees both."""
    cap = Decimal("0.0025")  # $0.0005 worst case (and real cost) a call: 5 fit
    parent = Ledger(session_limits=Limits(usd=cap))
    done = parent.before_send(_request())
    parent.on_record(done, _record(_request()))
    in_flight = parent.before_send(_request())
    store = SharedLedger.create(str(tmp_path))
    session = parent.move_session(store)
    assert session.spent.usd == Decimal("0.0005") and session.reserved.usd == Decimal("0.0005")
    child = Ledger(session_limits=Limits(usd=cap))
    child.share_session(SharedLedger.open(store.path, "child-1"))
    for _ in range(3):
        child.on_record(child.before_send(_request()), _record(_request()))
    with pytest.raises(TokenBudgetExceeded):  # the parent's 1 spent + 1 in flight + the child's 3 = the cap
        child.before_send(_request())
    parent.on_record(in_flight, _record(_request()))  # settles in the store, not in the old in-memory budget
    assert parent.session.reserved.usd == 0 and parent.session.spent.usd == Decimal("0.0025")
    assert child.session.spent.usd == Decimal("0.0025") and store.open_reservations() == 0
    assert parent.move_session(store) is session  # once
