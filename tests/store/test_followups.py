"""Issue 18 follow-ups: the whole run's spend in an xdist shard's failure line, the lease option,
the one-statement check-and-reserve, and test outcomes kept in the store for its report."""

from __future__ import annotations

import re
from decimal import Decimal

import psycopg
import pytest

from pytest_tokenbudget.plugin.ledger.storebase import parse_lease
from pytest_tokenbudget.plugin.ledger.store import open_store

from .conftest import PASSWORD, row_once_created
from .test_shards import CAP, SPEND, _report, _shard, _shard_here, project, server  # noqa: F401 - fixtures


def _spend_elsewhere(pg_url: str, run_id: str, usd: str) -> None:
    """Another shard (another machine) of the run has already spent ``usd``."""
    other = open_store(pg_url, run_id, worker="main", shard="earlier", cap=CAP)
    _, rid = other.reserve({"usd": usd, "calls": 1}, lambda spent, reserved: None, "elsewhere::t")
    other.settle(rid, {"usd": usd, "calls": 1}, nodeid="elsewhere::t", entry=None)
    other.worker_finished()
    other.close()


@pytest.mark.slow  # a shard with two xdist workers: three interpreters importing the SDKs
def test_an_xdist_shard_quotes_the_whole_runs_spend(project, server, pg_url, run_id):
    """Another machine spent $0.95 of the $1 cap: this xdist shard's 6 calls ($0.10 worst case each)
    are all refused and it spent nothing itself -- its failure line quotes the run's $0.95, not $0."""
    _spend_elsewhere(pg_url, run_id, "0.95")
    project.makepyfile(test_spend=SPEND)
    proc = _shard(project, pg_url, run_id, "late", "-n", "2")
    out = proc.communicate(timeout=300)[0]
    assert proc.returncode == 1, out
    assert server.request_count == 0
    assert re.search(r"session token budget of \$1\S* reached: \$0\.95 spent, the whole run, 6 calls refused here",
                     out), out
    assert "reached: $0 spent" not in out and PASSWORD not in out


def test_a_serial_shard_quotes_the_whole_runs_spend_too(project, server, pg_url, run_id, monkeypatch):
    _spend_elsewhere(pg_url, run_id, "0.95")
    project.makepyfile(test_spend=SPEND)
    code, out = _shard_here(project, monkeypatch, pg_url, run_id, "late-serial")
    assert code == 1, out
    assert re.search(r"reached: \$0\.95 spent, the whole run, 6 calls refused here", out), out


@pytest.mark.parametrize("text, seconds", [("900", 900.0), ("90s", 90.0), ("15m", 900.0), ("1h", 3600.0),
                                           ("2.5", 2.5), (" 30 min ", 1800.0)])
def test_parse_lease(text, seconds):
    assert parse_lease(text) == seconds


@pytest.mark.parametrize("bad", ["", "0", "-5", "15x", "soon", "8d", "200h"])
def test_parse_lease_refuses_bad_values(bad):
    with pytest.raises(ValueError, match="expected seconds|more than 0 seconds"):
        parse_lease(bad)


@pytest.mark.slow  # a shard with two xdist workers (three interpreters) and a call held open for 1.5 s
def test_the_lease_option_reaches_the_reservations(project, server, pg_url, run_id):
    """--token-budget-store-lease=2m under xdist: the workers' reservations carry a 2-minute lease."""
    project.makepyfile(test_one='''
        from conftest import MSG
        def test_one(claude):
            claude.messages.create(model="claude-haiku-4-5", max_tokens=100, messages=MSG,
                                   extra_headers={"x-fake-delay-ms": "1500"})
    ''')
    proc = _shard(project, pg_url, run_id, "leased", "-n", "2", "--token-budget-store-lease=2m")
    seen = None
    with psycopg.connect(pg_url, autocommit=True) as c:
        while proc.poll() is None and seen is None:
            row = row_once_created(c, "SELECT extract(epoch FROM lease_until - created) FROM tokenbudget_reservations "
                                   "WHERE run_id=%s", (run_id,))
            seen = row[0] if row else None
    out = proc.communicate(timeout=120)[0]
    assert proc.returncode == 0, out
    assert seen is not None and 119 <= float(seen) <= 121, seen


@pytest.mark.parametrize("how", [("--token-budget-store-lease=15 minutes",), ("-o", "token_budget_store_lease=0")])
def test_a_bad_lease_is_a_usage_error(project, pg_url, run_id, how, monkeypatch):
    project.makepyfile(test_nothing="def test_x(): pass")
    code, out = _shard_here(project, monkeypatch, pg_url, run_id, "bad", *how)
    assert code == pytest.ExitCode.USAGE_ERROR, out
    assert re.search(r"(--token-budget-store-lease|ini token_budget_store_lease): '(15 minutes|0)': ", out), out


def test_reserve_within_decides_in_the_statement_and_explains_refusals(pg_url, run_id):
    """The one-statement check-and-reserve: it reserves while the worst case fits, refuses exactly at
    the cap (spent + reserved + worst > cap) with decide's detailed reasons from the totals, records
    the refusal, and falls back to the locked transaction for an unbounded worst case."""
    s = open_store(pg_url, run_id, worker="main", shard="A", cap=Decimal("1"))
    seen: list[tuple[Decimal, Decimal]] = []

    def decide(spent, reserved):
        seen.append((spent["usd"], reserved["usd"]))
        return [("usd", Decimal("1"), spent["usd"], reserved["usd"])]

    worst = {"usd": Decimal("0.4"), "calls": 1}
    ok1 = s.reserve_within(worst, worst, {"usd": Decimal("1")}, decide, "t::a")
    ok2 = s.reserve_within(worst, worst, {"usd": Decimal("1")}, decide, "t::b")
    assert ok1[0] is None and ok2[0] is None and ok1[1] != ok2[1] and not seen  # $0.80 reserved, no decide
    problems, rid = s.reserve_within(worst, worst, {"usd": Decimal("1")}, decide, "t::c")  # 0.8 + 0.4 > 1
    assert rid is None and problems == [("usd", Decimal("1"), Decimal("0"), Decimal("0.8"))]
    exact = {"usd": Decimal("0.2"), "calls": 1}
    assert s.reserve_within(exact, exact, {"usd": Decimal("1")}, decide, "t::d")[0] is None  # exactly the cap: fits
    assert s.reserve_within(exact, {"usd": None}, {"usd": Decimal("1")}, decide, "t::e")[1] is None  # unbounded
    spent, reserved = s.totals()
    assert reserved["usd"] == Decimal("1.0") and reserved["calls"] == 3
    snap = s.snapshot()
    assert [c["nodeid"] for c in snap["calls"] if c["note"] == "refused"] == ["t::c", "t::e"]
    assert len(snap["inflight"]) == 3
    s.close()


@pytest.mark.slow  # two shard processes, one with two xdist workers, and `tokenbudget report` in another
def test_outcomes_are_kept_in_the_store_and_reported(project, server, pg_url, run_id):
    """Each test's outcome reaches the store at its teardown report (serial and xdist shards), and
    ``tokenbudget report --store`` shows it instead of ``unknown``."""
    project.makepyfile(test_mixed='''
        import pytest
        from conftest import MSG

        def test_pass(claude):
            claude.messages.create(model="claude-haiku-4-5", max_tokens=100, messages=MSG)

        def test_fail(claude):
            claude.messages.create(model="claude-haiku-4-5", max_tokens=100, messages=MSG)
            assert False

        @pytest.mark.skip(reason="not today")
        def test_skip():
            pass

        @pytest.fixture
        def broken():
            raise RuntimeError("setup")

        def test_error(broken):
            pass
    ''')
    for name, args in (("serial", ()), ("dist", ("-n", "2"))):
        proc = _shard(project, pg_url, run_id, name, *args)
        out = proc.communicate(timeout=300)[0]
        assert proc.returncode == 1, out
    with psycopg.connect(pg_url, autocommit=True) as c:
        rows = c.execute("SELECT shard, nodeid, outcome FROM tokenbudget_tests WHERE run_id=%s ORDER BY 1, 2",
                         (run_id,)).fetchall()
    expect = {"test_mixed.py::test_error": "error", "test_mixed.py::test_fail": "failed",
              "test_mixed.py::test_pass": "passed", "test_mixed.py::test_skip": "skipped"}
    assert rows == [(shard, n, o) for shard in ("dist", "serial") for n, o in sorted(expect.items())]
    rep = _report(pg_url, run_id, "--format", "json")
    import json
    tests = json.loads(rep.stdout)["tests"]
    assert {(t["nodeid"], t["outcome"]) for t in tests} == set(expect.items()), tests


def test_a_store_from_an_earlier_version_names_the_upgrade(pg_url, admin_url, run_id):
    """Tables made by the previous DDL (no tokenbudget_tests) and a role that cannot create tables:
    joining fails with the upgrade step, not a bare permission error."""
    from pytest_tokenbudget.plugin.ledger.postgres import SCHEMA_SQL
    from pytest_tokenbudget.plugin.ledger.store import StoreError
    schema = f"old_{run_id.replace('-', '_')}"
    with psycopg.connect(admin_url, autocommit=True) as c:
        c.execute(f"CREATE SCHEMA {schema}")
        c.execute(f"SET search_path TO {schema}")
        c.execute(SCHEMA_SQL[:SCHEMA_SQL.index("CREATE TABLE IF NOT EXISTS tokenbudget_tests")])
        c.execute(f"CREATE ROLE {schema} LOGIN PASSWORD 'pw'")
        c.execute(f"GRANT USAGE ON SCHEMA {schema} TO {schema}")
        c.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {schema}")
        c.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {schema}")
        c.execute(f"ALTER ROLE {schema} SET search_path TO {schema}")
    role_url = admin_url.replace("postgres:@", f"{schema}:pw@", 1)
    try:
        with pytest.raises(StoreError, match=r"earlier version \(no tokenbudget_tests\): run `python -m "
                                             r"pytest_tokenbudget\.plugin\.ledger\.postgres"):
            open_store(role_url, run_id, worker="main", shard="A", cap=CAP)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as c:
            c.execute(f"DROP SCHEMA {schema} CASCADE")
            c.execute(f"DROP OWNED BY {schema}")
            c.execute(f"DROP ROLE {schema}")
