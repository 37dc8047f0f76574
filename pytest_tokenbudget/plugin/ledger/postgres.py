"""The shared ledger on PostgreSQL: one session budget for every shard of a run, on any machine.

psycopg 3, no pytest. A *run* (``tokenbudget_runs``) is one row holding the session cap and the
whole run's counters -- money and tokens as ``numeric`` (exact decimals, never a float). Each
pytest process that joins it is a *holder* (``shard/worker``: ``ci-3/gw1``, ``ci-3/controller``,
``ci-3/main`` for a serial shard) in ``tokenbudget_holders``.

Check-and-reserve is ONE conditional statement (:meth:`PostgresLedger.reserve_within`: ``UPDATE
tokenbudget_runs SET reserved = reserved + worst WHERE … AND spent + reserved + worst <= limit``, and
the reservation row inserted from its ``RETURNING`` in the same statement), so the run row's lock is
held for one round trip and no other process, on this machine or another, can reserve between the
check and the reservation. After a refusal the plugin's ``decide`` reads the totals for the detailed
reason. (:meth:`PostgresLedger.reserve`, a transaction around ``SELECT … FOR UPDATE``, remains for
arbitrary decisions and unbounded worst cases.) N machines
x M workers therefore overrun the cap by at most the calls already in flight when it was reached
(with pre-flight: not at all -- every reservation is a call's worst case). Settling is one statement.

Crashes: a reservation carries its holder and a lease (``lease_until``). A shard that dies
mid-call leaves its reservation charged at its worst case; once the lease has expired, the next
shard that joins the run turns it into spend (``expired``), and ``tokenbudget report --store``
names the shard that never finished. A late settle of an expired reservation replaces the worst
case by what the call really cost.

A lost connection is never retried into "no limit": the store remembers it (:attr:`lost`), every
later reservation raises :class:`~pytest_tokenbudget.plugin.ledger.store.StoreUnavailable` (the
call is refused) and the plugin fails the run naming the store (password masked).

``python -m pytest_tokenbudget.plugin.ledger.postgres`` prints the tables' DDL (for a database
owner to run once, so that CI can connect as a role with only the privileges in the README).
"""

from __future__ import annotations

import json
import os
import socket
import threading
from collections.abc import Callable, Container, Mapping
from decimal import Decimal
from typing import Any

from pytest_tokenbudget.core.money import format_usd
from pytest_tokenbudget.plugin.ledger.shared import AMOUNT_KEYS, _amounts
from pytest_tokenbudget.plugin.ledger.storebase import (
    DEFAULT_LEASE_S,
    LOST_PREFIX,
    StoreError,
    StoreLost,
    StoreUnavailable,
    mask_url,
    scrub,
)

__all__ = ["SCHEMA_SQL", "SCHEMA_VERSION", "TABLES", "PostgresLedger", "RunMismatch"]

SCHEMA_VERSION = 1
TABLES = ("tokenbudget_runs", "tokenbudget_holders", "tokenbudget_reservations", "tokenbudget_calls",
          "tokenbudget_tests")
CONNECT_TIMEOUT_S = 10
Counters = dict[str, Decimal]

_DIMS = ", ".join(f"{{0}}_{k}" for k in AMOUNT_KEYS)  # "{0}_usd, {0}_input_tokens, ..."
_AMOUNT_COLS = "usd numeric NOT NULL, input_tokens numeric NOT NULL, output_tokens numeric NOT NULL, " \
               "calls numeric NOT NULL"
SCHEMA_SQL = f"""\
CREATE TABLE IF NOT EXISTS tokenbudget_runs (
    run_id text PRIMARY KEY,
    cap_usd numeric,  -- the session budget in USD; NULL: no limit
    {', '.join(f'spent_{k} numeric NOT NULL DEFAULT 0' for k in AMOUNT_KEYS)},
    {', '.join(f'reserved_{k} numeric NOT NULL DEFAULT 0' for k in AMOUNT_KEYS)},
    created_by text NOT NULL,
    created timestamptz NOT NULL DEFAULT now(),
    schema_version integer NOT NULL
);
CREATE TABLE IF NOT EXISTS tokenbudget_holders (
    run_id text NOT NULL REFERENCES tokenbudget_runs ON DELETE CASCADE,
    holder text NOT NULL, shard text NOT NULL, worker text NOT NULL,
    host text, pid integer, state text NOT NULL,
    started timestamptz NOT NULL DEFAULT now(), finished timestamptz,
    PRIMARY KEY (run_id, holder)
);
CREATE TABLE IF NOT EXISTS tokenbudget_reservations (
    id bigserial PRIMARY KEY,
    run_id text NOT NULL REFERENCES tokenbudget_runs ON DELETE CASCADE,
    holder text NOT NULL, shard text NOT NULL, nodeid text,
    {_AMOUNT_COLS},
    created timestamptz NOT NULL DEFAULT now(),
    lease_until timestamptz NOT NULL,
    expired boolean NOT NULL DEFAULT false
);
CREATE INDEX IF NOT EXISTS tokenbudget_reservations_run ON tokenbudget_reservations (run_id, shard);
CREATE TABLE IF NOT EXISTS tokenbudget_calls (
    id bigserial PRIMARY KEY,
    run_id text NOT NULL REFERENCES tokenbudget_runs ON DELETE CASCADE,
    holder text NOT NULL, shard text NOT NULL, nodeid text,
    {_AMOUNT_COLS},
    entry text, note text,
    created timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS tokenbudget_calls_run ON tokenbudget_calls (run_id, shard);
CREATE TABLE IF NOT EXISTS tokenbudget_tests (
    run_id text NOT NULL REFERENCES tokenbudget_runs ON DELETE CASCADE,
    shard text NOT NULL, nodeid text NOT NULL,
    outcome text NOT NULL,  -- passed | failed | error | skipped | xfailed | xpassed
    recorded timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, shard, nodeid)
);
"""
# What a session limit's dimension is in the run row's counters (spent + reserved).
_LIMITED = {k: f"(spent_{k} + reserved_{k})" for k in AMOUNT_KEYS}
_LIMITED["total_tokens"] = "(spent_input_tokens + spent_output_tokens + reserved_input_tokens + reserved_output_tokens)"
_SCHEMA_LOCK = 0x746F6B656E  # pg_advisory_xact_lock key: shards creating the tables at once wait in turn


class RunMismatch(StoreError):
    """A shard joined a run that exists with another session cap."""


def _params(amt: Counters) -> dict[str, Decimal]:
    return {k: amt[k] for k in AMOUNT_KEYS}


class PostgresLedger:
    """One holder's connection to one run in PostgreSQL; satisfies :class:`~.store.Store`.

    ``workers()`` and ``entries()`` are this shard's (what the xdist controller of this machine
    recovers); ``totals()`` and every budget decision are the whole run's."""

    def __init__(self, conn: Any, url: str, run_id: str, worker: str, shard: str, lease_s: float) -> None:
        self._conn = conn
        self._url = url
        self.path = mask_url(url)  # what messages show
        self.run_id = run_id
        self.worker = worker
        self.shard = shard
        self.holder = f"{shard}/{worker}"
        self.lease_s = float(lease_s)
        self.lost: str | None = None
        self._lock = threading.Lock()

    @property
    def conninfo(self) -> str:
        """The connection's libpq parameters as libpq took them (never the password)."""
        return self._conn.info.dsn

    # -- connecting -----------------------------------------------------------------------------
    @classmethod
    def connect(cls, url: str, run_id: str, *, worker: str = "main", shard: str | None = None,
                cap: Decimal | None = None, create: bool = True, lease_s: float = DEFAULT_LEASE_S,
                join: bool = True) -> PostgresLedger:
        try:
            import psycopg
        except ImportError:
            raise StoreError("a postgresql:// store needs psycopg 3: pip install 'psycopg[binary]'") from None
        kwargs: dict[str, Any] = {"autocommit": True, "application_name": f"pytest-tokenbudget {run_id}"[:63]}
        if "connect_timeout" not in url:
            kwargs["connect_timeout"] = CONNECT_TIMEOUT_S
        try:
            conn = psycopg.connect(url, **kwargs)
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to the store {mask_url(url)}: {scrub(str(exc).strip(), url)}") from None
        except Exception as exc:  # a malformed URL: its message may quote it
            raise StoreError(f"cannot connect to the store {mask_url(url)}: {scrub(str(exc), url)}") from None
        led = cls(conn, url, run_id, worker, shard or default_shard(), lease_s)
        try:
            # A commit need not wait for its WAL flush: if the server crashes, every shard's connection
            # drops and the run fails anyway (never "no limit"); a commit costs no disk flush (~10x).
            conn.execute("SET synchronous_commit TO off")
            if join:
                led._ensure_schema()
                led._join(cap, create)
                led.expire_leases()
            elif led._read(lambda c: c.execute("SELECT 1 FROM tokenbudget_runs WHERE run_id=%s",
                                               (run_id,)).fetchone()) is None:
                raise StoreError(f"no run {run_id!r} in the store {led.path}")
        except BaseException:
            led.close()
            raise
        return led

    def _ensure_schema(self) -> None:
        exists = self._read(lambda c: c.execute("SELECT to_regclass('tokenbudget_tests') IS NOT NULL").fetchone()[0])
        if exists:
            return

        def init(c: Any) -> None:
            c.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
            c.execute(SCHEMA_SQL)
        older = self._read(lambda c: c.execute("SELECT to_regclass('tokenbudget_calls') IS NOT NULL").fetchone()[0])
        try:
            self._tx(init)
        except StoreError as exc:
            if not older:
                raise
            raise StoreError(f"{exc}; the store's tables are from an earlier version (no tokenbudget_tests): run "
                             "`python -m pytest_tokenbudget.plugin.ledger.postgres | psql ADMIN_URL` as their owner "
                             "and grant tokenbudget_tests to the CI role (see the README)") from None

    def _join(self, cap: Decimal | None, create: bool) -> None:
        def op(c: Any) -> None:
            if create:
                c.execute("INSERT INTO tokenbudget_runs (run_id, cap_usd, created_by, schema_version) "
                          "VALUES (%s, %s, %s, %s) ON CONFLICT (run_id) DO NOTHING",
                          (self.run_id, cap, self.shard, SCHEMA_VERSION))
            row = c.execute("SELECT cap_usd, created_by, schema_version FROM tokenbudget_runs WHERE run_id=%s",
                            (self.run_id,)).fetchone()
            if row is None:
                raise StoreError(f"no run {self.run_id!r} in the store {self.path}")
            theirs, by, version = row
            if version != SCHEMA_VERSION:
                raise StoreError(f"run {self.run_id!r} in {self.path} has schema {version}, expected {SCHEMA_VERSION}")
            if (theirs is None) != (cap is None) or (cap is not None and Decimal(theirs) != Decimal(cap)):
                def show(v: Any) -> str:
                    return "no limit" if v is None else format_usd(Decimal(v))
                raise RunMismatch(
                    f"run {self.run_id!r} in {self.path} has a session budget of {show(theirs)} (set by shard "
                    f"{by}), but this shard ({self.shard}) was given {show(cap)}: every shard of a run must use the "
                    "same --token-budget-session (or another --token-budget-run-id)")
        self._tx(op)

    # -- transactions ---------------------------------------------------------------------------
    def _fail(self, exc: Exception) -> StoreError:
        import psycopg
        text = scrub(str(exc).strip() or type(exc).__name__, self._url)
        if isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError)) and (
                self._conn.closed or self._conn.broken):
            self.lost = (f"{LOST_PREFIX} {self.path} (run {self.run_id}) was lost: "
                         f"{text.splitlines()[0]}")
            return StoreLost(self.lost)
        return StoreError(f"{self.path}: {text}")

    def _tx(self, fn: Callable[[Any], Any], block: bool = True) -> Any:
        """Run ``fn(connection)`` in a transaction; ``block=False`` for ONE statement, which autocommit
        makes atomic on its own (no BEGIN / COMMIT round trips)."""
        import psycopg
        with self._lock:
            if self.lost:
                raise StoreLost(self.lost)
            try:
                if not block:
                    return fn(self._conn)
                with self._conn.transaction():
                    return fn(self._conn)
            except psycopg.Error as exc:
                raise self._fail(exc) from None

    def _read(self, fn: Callable[[Any], Any]) -> Any:
        return self._tx(fn)

    def _holder(self, c: Any, worker: str, state: str, pid: int | None = None) -> None:
        c.execute("INSERT INTO tokenbudget_holders (run_id, holder, shard, worker, host, pid, state) "
                  "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (run_id, holder) DO UPDATE "
                  "SET state = EXCLUDED.state, pid = COALESCE(EXCLUDED.pid, tokenbudget_holders.pid), "
                  "finished = CASE WHEN EXCLUDED.state = 'running' THEN NULL ELSE now() END",
                  (self.run_id, f"{self.shard}/{worker}", self.shard, worker, socket.gethostname(), pid, state))

    # -- the budget's operations ------------------------------------------------------------------
    def totals(self) -> tuple[Counters, Counters]:
        row = self._read(lambda c: c.execute(
            f"SELECT {_DIMS.format('spent')}, {_DIMS.format('reserved')} FROM tokenbudget_runs WHERE run_id=%s",
            (self.run_id,)).fetchone())
        n = len(AMOUNT_KEYS)
        return dict(zip(AMOUNT_KEYS, row[:n])), dict(zip(AMOUNT_KEYS, row[n:]))

    def cap(self) -> Decimal | None:
        return self._read(lambda c: c.execute("SELECT cap_usd FROM tokenbudget_runs WHERE run_id=%s",
                                              (self.run_id,)).fetchone()[0])

    def reserve(self, amount: Mapping[str, Any], decide: Callable[[Counters, Counters], Any],
                nodeid: str | None = None) -> tuple[Any, int | None]:
        """Lock the run row, ``problems = decide(spent, reserved)``, and when falsy reserve ``amount``
        under a lease -- one transaction. A lost store refuses the call (:class:`StoreUnavailable`)."""
        amt = _amounts(amount)
        n = len(AMOUNT_KEYS)

        def op(c: Any) -> tuple[Any, int | None]:
            row = c.execute(f"SELECT {_DIMS.format('spent')}, {_DIMS.format('reserved')} FROM tokenbudget_runs "
                            "WHERE run_id=%s FOR UPDATE", (self.run_id,)).fetchone()
            problems = decide(dict(zip(AMOUNT_KEYS, row[:n])), dict(zip(AMOUNT_KEYS, row[n:])))
            if problems:  # kept for the run's report: which shard was refused what
                self._refused(c, amt, nodeid)
                return problems, None
            sets = ", ".join(f"reserved_{k} = reserved_{k} + %({k})s" for k in AMOUNT_KEYS)
            rid = c.execute(
                f"WITH r AS (UPDATE tokenbudget_runs SET {sets} WHERE run_id = %(run)s) "
                "INSERT INTO tokenbudget_reservations (run_id, holder, shard, nodeid, usd, input_tokens, "
                "output_tokens, calls, lease_until) VALUES (%(run)s, %(holder)s, %(shard)s, %(nodeid)s, %(usd)s, "
                "%(input_tokens)s, %(output_tokens)s, %(calls)s, now() + make_interval(secs => %(lease)s)) "
                "RETURNING id",
                {**_params(amt), "run": self.run_id, "holder": self.holder, "shard": self.shard, "nodeid": nodeid,
                 "lease": self.lease_s}).fetchone()[0]
            return problems, rid
        return self._refusing(lambda: self._tx(op))

    def _refusing(self, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except StoreLost as exc:
            raise StoreUnavailable(f"token budget: call refused, {exc}; without it the session budget cannot be "
                                   "enforced, so the run fails", scope="session", budget="session",
                                   refused=True) from None

    def _refused(self, c: Any, amt: Counters, nodeid: str | None) -> None:
        c.execute("INSERT INTO tokenbudget_calls (run_id, holder, shard, nodeid, usd, input_tokens, "
                  "output_tokens, calls, note) VALUES (%(run)s, %(holder)s, %(shard)s, %(nodeid)s, %(usd)s, "
                  "%(input_tokens)s, %(output_tokens)s, %(calls)s, 'refused')",
                  {**_params(amt), "run": self.run_id, "holder": self.holder, "shard": self.shard, "nodeid": nodeid})

    def reserve_within(self, amount: Mapping[str, Any], worst: Mapping[str, Any], limits: Mapping[str, Any],
                       decide: Callable[[Counters, Counters], Any], nodeid: str | None = None) -> tuple[Any, int | None]:
        """:meth:`reserve` as ONE conditional statement: reserve ``amount`` only if, for every dimension
        in ``limits``, ``spent + reserved + worst <= limit`` -- the run row is locked for one round trip
        instead of a transaction's four. Refused: ``decide(spent, reserved)`` on the totals read after it
        gives the detailed reasons (if they no longer refuse -- a call settled meanwhile -- try again).
        An unbounded worst case (None) or a dimension the store does not count: :meth:`reserve`."""
        if any(worst.get(d) is None or d not in _LIMITED for d in limits):
            return self.reserve(amount, decide, nodeid)
        amt = _amounts(amount)
        cond = " AND ".join(f"{_LIMITED[d]} + %(w_{d})s <= %(l_{d})s" for d in limits) or "true"
        sets = ", ".join(f"reserved_{k} = reserved_{k} + %({k})s" for k in AMOUNT_KEYS)
        sql = (f"WITH r AS (UPDATE tokenbudget_runs SET {sets} WHERE run_id = %(run)s AND {cond} RETURNING run_id) "
               "INSERT INTO tokenbudget_reservations (run_id, holder, shard, nodeid, usd, input_tokens, output_tokens, "
               "calls, lease_until) SELECT r.run_id, %(holder)s, %(shard)s, %(nodeid)s, %(usd)s, %(input_tokens)s, "
               "%(output_tokens)s, %(calls)s, now() + make_interval(secs => %(lease)s) FROM r RETURNING id")
        params: dict[str, Any] = {**_params(amt), "run": self.run_id, "holder": self.holder, "shard": self.shard,
                                  "nodeid": nodeid, "lease": self.lease_s}
        for d, limit in limits.items():
            params[f"w_{d}"], params[f"l_{d}"] = worst[d], limit
        for _ in range(3):
            row = self._refusing(lambda: self._tx(lambda c: c.execute(sql, params).fetchone(), block=False))
            if row is not None:
                return None, row[0]
            spent, reserved = self._refusing(self.totals)
            problems = decide(spent, reserved)
            if problems:
                self._refusing(lambda: self._tx(lambda c: self._refused(c, amt, nodeid), block=False))
                return problems, None
        return self.reserve(amount, decide, nodeid)  # the totals keep moving: decide under the row lock


    def settle(self, reservation: int | None, charged: Mapping[str, Any], *, nodeid: str | None = None,
               entry: Mapping[str, Any] | None = None) -> None:
        """One statement: drop the reservation (an expired one gives its worst-case charge back), add
        ``charged`` to the run's spend, keep the entry."""
        amt = _amounts(charged)
        blob = json.dumps(entry, separators=(",", ":"), default=str) if entry is not None else None
        sets = ", ".join(f"reserved_{k} = reserved_{k} - COALESCE((SELECT {k} FROM d WHERE NOT expired), 0), "
                         f"spent_{k} = spent_{k} + %({k})s - COALESCE((SELECT {k} FROM d WHERE expired), 0)"
                         for k in AMOUNT_KEYS)
        sql = ("WITH d AS (DELETE FROM tokenbudget_reservations WHERE id = %(rid)s AND run_id = %(run)s "
               f"RETURNING {', '.join(AMOUNT_KEYS)}, expired), "
               f"u AS (UPDATE tokenbudget_runs SET {sets} WHERE run_id = %(run)s) "
               "INSERT INTO tokenbudget_calls (run_id, holder, shard, nodeid, usd, input_tokens, output_tokens, calls, "
               "entry) VALUES (%(run)s, %(holder)s, %(shard)s, %(nodeid)s, %(usd)s, %(input_tokens)s, "
               "%(output_tokens)s, %(calls)s, %(entry)s)")
        params = {**_params(amt), "rid": reservation if reservation is not None else -1, "run": self.run_id,
                  "holder": self.holder, "shard": self.shard, "nodeid": nodeid, "entry": blob}
        self._tx(lambda c: c.execute(sql, params), block=False)

    def release(self, reservation: int) -> None:
        sets = ", ".join(f"reserved_{k} = reserved_{k} - COALESCE((SELECT {k} FROM d WHERE NOT expired), 0), "
                         f"spent_{k} = spent_{k} - COALESCE((SELECT {k} FROM d WHERE expired), 0)"
                         for k in AMOUNT_KEYS)
        sql = ("WITH d AS (DELETE FROM tokenbudget_reservations WHERE id = %(rid)s AND run_id = %(run)s "
               f"RETURNING {', '.join(AMOUNT_KEYS)}, expired) UPDATE tokenbudget_runs SET {sets} "
               "WHERE run_id = %(run)s")
        self._tx(lambda c: c.execute(sql, {"rid": reservation, "run": self.run_id}), block=False)

    def expire_leases(self) -> int:
        """Turn reservations whose lease ran out (their holder died mid-call, or the call outlived
        its lease) into spend at their worst case. Returns how many."""
        sets = ", ".join(f"reserved_{k} = reserved_{k} - (SELECT COALESCE(SUM({k}), 0) FROM x), "
                         f"spent_{k} = spent_{k} + (SELECT COALESCE(SUM({k}), 0) FROM x)" for k in AMOUNT_KEYS)

        def op(c: Any) -> int:
            c.execute("SELECT 1 FROM tokenbudget_runs WHERE run_id=%s FOR UPDATE", (self.run_id,))
            return c.execute(
                "WITH x AS (UPDATE tokenbudget_reservations SET expired = true WHERE run_id = %(run)s AND NOT expired "
                f"AND lease_until < now() RETURNING {', '.join(AMOUNT_KEYS)}), "
                f"u AS (UPDATE tokenbudget_runs SET {sets} WHERE run_id = %(run)s) SELECT COUNT(*) FROM x",
                {"run": self.run_id}).fetchone()[0]
        return self._tx(op)

    # -- holders ----------------------------------------------------------------------------------
    def worker_started(self, pid: int | None = None) -> None:
        self._tx(lambda c: self._holder(c, self.worker, "running", pid if pid is not None else os.getpid()))

    def worker_finished(self) -> None:
        self._tx(lambda c: self._holder(c, self.worker, "finished"))

    def worker_crashed(self, worker: str) -> tuple[int, Counters]:
        """This shard's ``worker`` died (its controller says so): its calls in flight are charged their
        worst case now (whether they were billed is unknown)."""
        holder = f"{self.shard}/{worker}"

        def op(c: Any) -> tuple[int, Counters]:
            c.execute("SELECT 1 FROM tokenbudget_runs WHERE run_id=%s FOR UPDATE", (self.run_id,))
            rows = c.execute(f"DELETE FROM tokenbudget_reservations WHERE run_id=%s AND holder=%s "
                             f"RETURNING nodeid, {', '.join(AMOUNT_KEYS)}, expired", (self.run_id, holder)).fetchall()
            total = _amounts(None)
            for nodeid, *vals, expired in rows:
                amt = dict(zip(AMOUNT_KEYS, vals))
                for k in AMOUNT_KEYS:
                    total[k] += amt[k]
                if not expired:  # an expired one is already spend
                    c.execute(f"UPDATE tokenbudget_runs SET {', '.join(f'reserved_{k} = reserved_{k} - %({k})s, spent_{k} = spent_{k} + %({k})s' for k in AMOUNT_KEYS)} "  # noqa: E501
                              "WHERE run_id = %(run)s", {**amt, "run": self.run_id})
                c.execute("INSERT INTO tokenbudget_calls (run_id, holder, shard, nodeid, usd, input_tokens, "
                          "output_tokens, calls, note) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, "
                          "'in flight when the worker crashed')", (self.run_id, holder, self.shard, nodeid, *vals))
            self._holder(c, worker, "crashed")
            return len(rows), total
        return self._tx(op)

    def workers(self) -> dict[str, str]:
        """This shard's workers (its controller left out) -> state."""
        return dict(self._read(lambda c: c.execute(
            "SELECT worker, state FROM tokenbudget_holders WHERE run_id=%s AND shard=%s AND worker <> 'controller'",
            (self.run_id, self.shard)).fetchall()))

    def entries(self, worker: str | None = None,
                skip_nodeids: Container[str] = ()) -> list[tuple[str, str | None, dict[str, Any] | None]]:
        """This shard's settled calls as ``(worker, nodeid, entry)``, oldest first, leaving out the tests
        in ``skip_nodeids`` (their entries are not even read)."""
        where, args = "run_id=%s AND shard=%s AND note IS DISTINCT FROM 'refused'", [self.run_id, self.shard]
        if worker:
            where, args = where + " AND holder=%s", args + [f"{self.shard}/{worker}"]
        pairs = self._read(lambda c: c.execute(f"SELECT DISTINCT holder, nodeid FROM tokenbudget_calls WHERE {where}",
                                               args).fetchall())
        holders = sorted({h for h, n in pairs if n is None or n not in skip_nodeids})
        nodeids = sorted({n for _, n in pairs if n is not None and n not in skip_nodeids})
        if not holders:
            return []
        rows = self._read(lambda c: c.execute(
            f"SELECT holder, nodeid, entry FROM tokenbudget_calls WHERE {where} AND holder = ANY(%s) "
            "AND (nodeid IS NULL OR nodeid = ANY(%s)) ORDER BY id", args + [holders, nodeids]).fetchall())
        return [(h.split("/", 1)[1], n, json.loads(e) if e else None) for h, n, e in rows]

    def record_outcome(self, nodeid: str, outcome: str) -> None:
        """Keep a test's outcome (at its teardown report) for ``tokenbudget report --store``; a test that
        reports again in this shard (a rerun) replaces it."""
        self._tx(lambda c: c.execute(
            "INSERT INTO tokenbudget_tests (run_id, shard, nodeid, outcome) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (run_id, shard, nodeid) DO UPDATE SET outcome = EXCLUDED.outcome, recorded = now()",
            (self.run_id, self.shard, nodeid, outcome)), block=False)

    def open_reservations(self) -> int:
        return self._read(lambda c: c.execute(
            "SELECT COUNT(*) FROM tokenbudget_reservations WHERE run_id=%s AND NOT expired",
            (self.run_id,)).fetchone()[0])

    # -- the whole run (reports) ------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        """The whole run as plain values: cap, counters, holders, calls in flight, every settled call."""
        def read(c: Any) -> dict[str, Any]:
            run = c.execute(f"SELECT cap_usd, created_by, created, {_DIMS.format('spent')}, {_DIMS.format('reserved')} "
                            "FROM tokenbudget_runs WHERE run_id=%s", (self.run_id,)).fetchone()
            holders = c.execute("SELECT shard, worker, state, host, started, finished FROM tokenbudget_holders "
                                "WHERE run_id=%s ORDER BY shard, worker", (self.run_id,)).fetchall()
            inflight = c.execute(f"SELECT shard, holder, nodeid, {', '.join(AMOUNT_KEYS)}, lease_until, expired, "
                                 "lease_until < now() FROM tokenbudget_reservations WHERE run_id=%s ORDER BY id",
                                 (self.run_id,)).fetchall()
            calls = c.execute("SELECT shard, holder, nodeid, usd, entry, note FROM tokenbudget_calls WHERE run_id=%s "
                              "ORDER BY id", (self.run_id,)).fetchall()
            tests = c.execute("SELECT shard, nodeid, outcome FROM tokenbudget_tests WHERE run_id=%s ORDER BY shard, "
                              "nodeid", (self.run_id,)).fetchall()
            return {"run": run, "holders": holders, "inflight": inflight, "calls": calls, "tests": tests}
        raw = self._read(read)
        n = len(AMOUNT_KEYS)
        cap, by, created, *counters = raw["run"]
        return {
            "run_id": self.run_id, "store": self.path, "cap_usd": cap, "created_by": by, "created": created,
            "spent": dict(zip(AMOUNT_KEYS, counters[:n])), "reserved": dict(zip(AMOUNT_KEYS, counters[n:])),
            "holders": [dict(zip(("shard", "worker", "state", "host", "started", "finished"), h))
                        for h in raw["holders"]],
            "inflight": [{"shard": r[0], "holder": r[1], "nodeid": r[2], **dict(zip(AMOUNT_KEYS, r[3:3 + n])),
                          "lease_until": r[3 + n], "expired": r[4 + n] or r[5 + n]} for r in raw["inflight"]],
            "calls": [{"shard": s, "worker": h.split("/", 1)[1], "nodeid": nd, "usd": u,
                       "entry": json.loads(e) if e else None, "note": note} for s, h, nd, u, e, note in raw["calls"]],
            "tests": [{"shard": s, "nodeid": nd, "outcome": o} for s, nd, o in raw["tests"]],
        }

    def close(self) -> None:
        with self._lock:
            try:
                self._conn.close()
            except Exception:  # pragma: no cover - closing a broken connection
                pass


def default_shard() -> str:
    """``$TOKEN_BUDGET_SHARD``, else this machine and process (unique within a run)."""  # noqa: D401
    return os.environ.get("TOKEN_BUDGET_SHARD", "").strip() or f"{socket.gethostname()}-{os.getpid()}"


if __name__ == "__main__":  # pragma: no cover - prints the DDL for a database owner
    print(SCHEMA_SQL, end="")
