"""The PostgreSQL store on its own (no pytest run inside): same contract as the SQLite file, exact
money, one cap per run, leases, a lost connection refuses calls, passwords never shown."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import psycopg
import pytest
from .conftest import PASSWORD, terminate

from pytest_tokenbudget.core.errors import TokenBudgetExceeded
from pytest_tokenbudget.plugin.capture.types import CallRecord, CallRequest
from pytest_tokenbudget.plugin.ledger.ledger import Ledger, Limits
from pytest_tokenbudget.plugin.ledger.shared import RunControl, SharedLedger
from pytest_tokenbudget.plugin.ledger.store import (
    Store,
    StoreError,
    StoreLost,
    StoreUnavailable,
    default_run_id,
    mask_url,
    open_store,
    scrub,
)


def _request() -> CallRequest:
    return CallRequest(api="anthropic", endpoint="messages", url="http://x/v1/messages", model="claude-haiku-4-5",
                       max_tokens=100, stream=False, attempt=0, input_estimate=0)


def _record(req: CallRequest) -> CallRecord:
    return CallRecord(request=req, status=200, response_model="claude-haiku-4-5",
                      usage={"input_tokens": 0, "output_tokens": 100}, complete=True, streamed=False, live=True,
                      duration_s=0.0)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_factory(request, tmp_path, pg_url, run_id):
    """Opens holders of one run on either store (the contract both implementations keep)."""
    opened = []

    def make(worker: str, shard: str = "A", cap: Decimal | None = Decimal("0.0025")):
        url = f"sqlite://{tmp_path}" if request.param == "sqlite" else pg_url
        s = open_store(url, run_id, worker=worker, shard=shard, cap=cap)
        opened.append(s)
        return s
    yield make
    for s in opened:
        s.close()


def test_both_stores_satisfy_the_interface(store_factory):
    assert isinstance(store_factory("gw0"), Store)


def test_racing_holders_never_overspend(store_factory):
    """Two holders (two shards on PostgreSQL, two workers on SQLite) race 8 threads for a $0.0025 cap:
    each call's worst case is $0.0005, so exactly 5 calls fit; the money is exact."""
    ledgers = []
    for i, wid in enumerate(("gw0", "gw1")):
        led = Ledger(session_limits=Limits(usd=Decimal("0.0025")))
        led.share_session(store_factory(wid, shard=f"S{i}"))
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
    spent, reserved = ledgers[0].session.store.totals()
    assert len(sent) == 5
    assert spent["usd"] == Decimal("0.0025") and spent["calls"] == 5 and reserved["usd"] == 0
    assert ledgers[1].session.spent.usd == Decimal("0.0025")
    assert ledgers[0].session.store.open_reservations() == 0


def test_crashed_worker_in_flight_is_charged_and_recovered(store_factory, pg_url, run_id):
    """The xdist controller's recovery works on either store: the settled call comes back, the one in
    flight is charged its worst case."""
    store = store_factory("gw1")
    store.worker_started()
    led = Ledger(session_limits=Limits(usd=Decimal("1")))
    led.share_session(store)
    req = _request()
    led.on_record(led.before_send(req), _record(req))
    led.before_send(_request())  # in flight when the worker dies
    ctl = RunControl.__new__(RunControl)  # the controller's logic over this store (no new SQLite file)
    ctl.store, ctl.crashed, ctl.reported, ctl.dir = store_factory("controller"), {}, set(), None
    ctl.node_down("gw1", "worker crashed")
    recovered = []
    notes = ctl.finish(recovered.extend)
    assert len(recovered) == 1 and recovered[0]["request_model"] == "claude-haiku-4-5"
    assert notes[0].startswith("figures incomplete: worker gw1 crashed (1 call(s) of its unfinished test recovered")
    assert store.totals()[0]["usd"] == Decimal("0.001") and store.totals()[1]["usd"] == 0


def test_a_later_shard_with_another_cap_is_refused_naming_both(pg_url, run_id):
    first = open_store(pg_url, run_id, shard="ci-1", cap=Decimal("20"))
    with pytest.raises(StoreError) as err:
        open_store(pg_url, run_id, shard="ci-2", cap=Decimal("5"))
    msg = str(err.value)
    assert "session budget of $20 (set by shard ci-1)" in msg and "this shard (ci-2) was given $5" in msg
    assert PASSWORD not in msg and "postgres:***@" in msg
    with pytest.raises(StoreError, match="no limit"):
        open_store(pg_url, run_id, shard="ci-3", cap=None)
    open_store(pg_url, run_id, shard="ci-4", cap=Decimal("20.00")).close()  # the same amount, spelled otherwise
    first.close()


def test_expired_lease_stays_charged_and_a_late_settle_corrects_it(pg_url, run_id):
    a = open_store(pg_url, run_id, worker="gw0", shard="A", cap=Decimal("1"), lease_s=0.2)
    _, rid = a.reserve({"usd": Decimal("0.4"), "calls": 1}, lambda s, r: None, "t::x")
    time.sleep(0.3)
    b = open_store(pg_url, run_id, worker="main", shard="B", cap=Decimal("1"))  # joining expires old leases
    spent, reserved = b.totals()
    assert spent["usd"] == Decimal("0.4") and reserved["usd"] == 0  # still charged: worst case
    assert b.snapshot()["inflight"][0]["expired"] is True
    a.settle(rid, {"usd": Decimal("0.15"), "calls": 1}, nodeid="t::x", entry={"nodeid": "t::x"})  # the call ended
    spent, reserved = b.totals()
    assert spent["usd"] == Decimal("0.15") and spent["calls"] == 1 and reserved["usd"] == 0
    a.close()
    b.close()


def test_a_lost_connection_refuses_calls_and_is_remembered(pg_url, admin_url, run_id):
    store = open_store(pg_url, run_id, worker="main", shard="A", cap=Decimal("1"))
    led = Ledger(session_limits=Limits(usd=Decimal("1")))
    led.share_session(store)
    assert terminate(admin_url, run_id) == 1
    with pytest.raises(StoreUnavailable) as err:
        led.before_send(_request())
    assert err.value.refused and err.value.scope == "session"
    assert "the connection to the shared budget store" in str(err.value) and "was lost" in str(err.value)
    assert PASSWORD not in str(err.value)
    assert store.lost and PASSWORD not in store.lost
    with pytest.raises(StoreLost):  # no reconnect into "no limit": every later use fails too
        store.totals()
    store.close()


def test_unreachable_store_is_an_error_without_the_password():
    url = f"postgresql://tb:{PASSWORD}@127.0.0.1:1/nowhere?sslmode=disable&connect_timeout=2"
    with pytest.raises(StoreError) as err:
        open_store(url, "r1")
    assert PASSWORD not in str(err.value) and "postgresql://tb:***@127.0.0.1:1/nowhere?sslmode=disable" in str(err.value)


def test_mask_url_hides_passwords_and_keeps_sslmode():
    assert mask_url("postgresql://u:p%40ss@db.example:5432/tb?sslmode=verify-full") == \
        "postgresql://u:***@db.example:5432/tb?sslmode=verify-full"
    assert mask_url("postgresql://db/tb?user=u&password=hunter2&sslmode=require") == \
        "postgresql://db/tb?user=u&password=***&sslmode=require"
    assert mask_url("postgresql://u@db/tb") == "postgresql://u@db/tb"
    url = "postgresql://u:hunter2@db/tb"
    assert scrub(f"failed for {url}; password hunter2", url) == "failed for postgresql://u:***@db/tb; password ***"


def test_sslmode_reaches_libpq(pg_url, run_id):
    """sslmode passes through untouched to libpq (a local socket needs no TLS, so both connect)."""
    for mode in ("require", "disable"):
        s = open_store(f"{pg_url}&sslmode={mode}", run_id)
        assert f"sslmode={mode}" in s.conninfo and PASSWORD not in s.conninfo
        s.close()


def test_default_run_id():
    assert default_run_id({"GITHUB_RUN_ID": "123", "GITHUB_RUN_ATTEMPT": "2"}) == ("gh-123-2", True)
    rid, shared = default_run_id({})
    assert not shared and rid != default_run_id({})[0]


def test_sqlite_store_is_the_per_machine_file(tmp_path):
    s = open_store(f"sqlite://{tmp_path}", "ignored", worker="gw0")
    assert isinstance(s, SharedLedger) and s.path == str(tmp_path / "tokenbudget-session.sqlite3")
    s.close()


def test_readme_role_has_just_enough_privileges(pg_url, admin_url, run_id):
    """The README's least-privilege role: the DDL run once by the owner, then the role can run and
    report a shard; it cannot create tables or read other tables."""
    import re
    from pathlib import Path
    readme = Path(__file__).resolve().parents[2].joinpath("README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## One budget across CI machines (PostgreSQL)"):]
    grants = re.search(r"```sql\n(.*?)```", section, re.S).group(1)
    from pytest_tokenbudget.plugin.ledger.postgres import SCHEMA_SQL
    with psycopg.connect(admin_url, autocommit=True) as c:
        c.execute(SCHEMA_SQL)
        c.execute("DROP OWNED BY tokenbudget_ci" if c.execute(
            "SELECT 1 FROM pg_roles WHERE rolname='tokenbudget_ci'").fetchone() else "SELECT 1")
        c.execute("DROP ROLE IF EXISTS tokenbudget_ci")
        c.execute(grants.replace("'change-me'", "'pw'"))
        c.execute("CREATE TABLE IF NOT EXISTS not_yours (x int)")
    role_url = admin_url.replace("postgres:@", "tokenbudget_ci:pw@", 1)
    s = open_store(role_url, run_id, worker="main", shard="A", cap=Decimal("1"))
    _, rid = s.reserve({"usd": Decimal("0.1"), "calls": 1}, lambda a, b: None, "t")
    s.settle(rid, {"usd": Decimal("0.05"), "calls": 1}, nodeid="t", entry={"nodeid": "t"})
    s.worker_finished()
    s.record_outcome("t", "passed")  # tokenbudget_tests: granted too
    snap = s.snapshot()
    assert snap["spent"]["usd"] == Decimal("0.05") and snap["tests"] == [{"shard": "A", "nodeid": "t", "outcome": "passed"}]
    s.close()
    with psycopg.connect(role_url, autocommit=True) as c:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            c.execute("SELECT * FROM not_yours")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            c.execute("CREATE TABLE mine (x int)")
