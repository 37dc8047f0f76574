"""The session budget of a distributed run (pytest-xdist), shared by every worker through SQLite.

Pure Python and the standard library's ``sqlite3``: no pytest. One file per run, in a temporary
directory the xdist controller creates (:meth:`SharedLedger.create`) and hands to the workers
(:meth:`SharedLedger.open`). The file is in WAL mode, so readers never wait for the writer.

What it holds:

``counters``      one row per dimension (``usd``, ``input_tokens``, ``output_tokens``, ``calls``):
                  what the whole run has *spent* and what calls in flight have *reserved*.
                  Stored as decimal strings -- never a float -- and added up in Python with
                  :class:`~decimal.Decimal`, so every process sees exact sums.
``reservations``  one row per call in flight: who reserved what (a crashed worker's rows tell
                  what it may have spent while it died).
``calls``         one row per settled call, with the ledger entry as JSON (plain values) so the
                  controller can recover the figures of a test whose worker crashed before its
                  report arrived.
``workers``       each worker's state: ``running`` -> ``finished`` (or ``crashed``); a worker still
                  ``running`` when the run ends means the figures are incomplete.
``meta``          schema version, creation time.

Concurrency: every change is one transaction opened with ``BEGIN IMMEDIATE`` (the write lock is
taken before anything is read, so a check-and-reserve cannot interleave with another process's),
with a short busy timeout and a few retries with back-off. A process that dies in the middle of a
transaction leaves nothing behind: SQLite rolls it back.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Container, Mapping
from decimal import Decimal
from typing import Any

__all__ = ["AMOUNT_KEYS", "FILENAME", "SCHEMA_VERSION", "SharedLedger", "SharedLedgerError"]

SCHEMA_VERSION = 1
FILENAME = "tokenbudget-session.sqlite3"
AMOUNT_KEYS = ("usd", "input_tokens", "output_tokens", "calls")
BUSY_TIMEOUT_S = 2.0
RETRIES = 8

Counters = dict[str, Decimal]


class SharedLedgerError(RuntimeError):
    """The shared ledger could not be read or written (after retries)."""


def _dec(value: Any) -> Decimal:
    if value is None:
        return Decimal(0)
    if isinstance(value, float):  # never expected; keep the decimal spelling rather than binary noise
        value = repr(value)
    return Decimal(str(value)) if not isinstance(value, Decimal) else value


def _amounts(values: Mapping[str, Any] | None) -> Counters:
    values = values or {}
    return {k: _dec(values.get(k)) for k in AMOUNT_KEYS}


def _text(d: Decimal) -> str:
    """A decimal string without exponent (``1E-7`` -> ``0.0000001``)."""
    s = format(d, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s or "0"


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS counters(dim TEXT PRIMARY KEY, spent TEXT NOT NULL, reserved TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reservations(
    id INTEGER PRIMARY KEY AUTOINCREMENT, worker TEXT NOT NULL, nodeid TEXT,
    usd TEXT NOT NULL, input_tokens TEXT NOT NULL, output_tokens TEXT NOT NULL, calls TEXT NOT NULL,
    created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS calls(
    id INTEGER PRIMARY KEY AUTOINCREMENT, worker TEXT NOT NULL, nodeid TEXT,
    usd TEXT NOT NULL, input_tokens TEXT NOT NULL, output_tokens TEXT NOT NULL, calls TEXT NOT NULL,
    entry TEXT, note TEXT);
CREATE TABLE IF NOT EXISTS workers(
    worker TEXT PRIMARY KEY, pid INTEGER, state TEXT NOT NULL, started REAL, finished REAL);
"""


class SharedLedger:
    """One run's shared session counters in an SQLite file. Thread-safe within a process."""

    def __init__(self, path: str, worker: str = "controller") -> None:
        self.path = path
        self.worker = worker
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
        self._conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
        self._conn.execute("PRAGMA synchronous=NORMAL")

    # -- lifecycle ------------------------------------------------------------------------------
    @classmethod
    def create(cls, directory: str) -> SharedLedger:
        """Create the run's ledger file in ``directory`` (the controller does this once)."""
        path = os.path.join(directory, FILENAME)
        led = cls(path, "controller")
        mode = led._conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":  # pragma: no cover - a filesystem without shared memory
            raise SharedLedgerError(f"{path}: cannot use WAL mode (got {mode!r})")

        def init(c: sqlite3.Connection) -> None:
            # one by one: executescript() would COMMIT the transaction
            for stmt in filter(None, (s.strip() for s in _SCHEMA.split(";"))):
                c.execute(stmt)
            c.executemany("INSERT OR IGNORE INTO counters(dim, spent, reserved) VALUES (?, '0', '0')",
                          [(k,) for k in AMOUNT_KEYS])
            c.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                          [("schema", str(SCHEMA_VERSION)), ("created", repr(time.time()))])
        led._tx(init)
        return led

    @classmethod
    def open(cls, path: str, worker: str) -> SharedLedger:
        """Open an existing run ledger as ``worker`` (e.g. ``gw0``)."""
        if not os.path.exists(path):
            raise SharedLedgerError(f"{path}: the run's shared ledger does not exist")
        led = cls(path, worker)
        version = led._read(lambda c: c.execute("SELECT value FROM meta WHERE key='schema'").fetchone())
        if version is None or int(version[0]) != SCHEMA_VERSION:
            raise SharedLedgerError(f"{path}: unexpected schema {version!r}")
        return led

    def close(self) -> None:
        with self._lock:
            try:
                self._conn.close()
            except sqlite3.Error:  # pragma: no cover
                pass

    # -- transactions ---------------------------------------------------------------------------
    def _tx(self, fn: Callable[[sqlite3.Connection], Any]) -> Any:
        """Run ``fn`` in one ``BEGIN IMMEDIATE`` transaction, retrying while the file is busy."""
        delay = 0.005
        last: Exception | None = None
        with self._lock:
            c = self._conn
            for _ in range(RETRIES):
                try:
                    c.execute("BEGIN IMMEDIATE")
                except sqlite3.OperationalError as exc:
                    if not _busy(exc):
                        raise SharedLedgerError(f"{self.path}: {exc}") from exc
                    last = exc
                    time.sleep(delay * (1 + random.random()))
                    delay = min(delay * 2, 0.25)
                    continue
                try:
                    result = fn(c)
                    c.execute("COMMIT")
                    return result
                except BaseException as exc:
                    try:
                        c.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass
                    if isinstance(exc, sqlite3.OperationalError) and _busy(exc):
                        last = exc
                        time.sleep(delay * (1 + random.random()))
                        delay = min(delay * 2, 0.25)
                        continue
                    if isinstance(exc, sqlite3.Error):
                        raise SharedLedgerError(f"{self.path}: {exc}") from exc
                    raise
        raise SharedLedgerError(f"{self.path}: still busy after {RETRIES} attempts ({last})")

    def _read(self, fn: Callable[[sqlite3.Connection], Any]) -> Any:
        with self._lock:
            try:
                return fn(self._conn)
            except sqlite3.Error as exc:
                raise SharedLedgerError(f"{self.path}: {exc}") from exc

    @staticmethod
    def _counters(c: sqlite3.Connection) -> tuple[Counters, Counters]:
        spent: Counters = {}
        reserved: Counters = {}
        for dim, s, r in c.execute("SELECT dim, spent, reserved FROM counters"):
            spent[dim] = Decimal(s)
            reserved[dim] = Decimal(r)
        return spent, reserved

    @staticmethod
    def _add(c: sqlite3.Connection, column: str, amounts: Counters, sign: int = 1) -> None:
        for dim, value in amounts.items():
            if not value:
                continue
            (cur,) = c.execute(f"SELECT {column} FROM counters WHERE dim=?", (dim,)).fetchone()
            c.execute(f"UPDATE counters SET {column}=? WHERE dim=?", (_text(Decimal(cur) + sign * value), dim))

    # -- the budget's operations ------------------------------------------------------------------
    def totals(self) -> tuple[Counters, Counters]:
        """(spent, reserved) by the whole run, per dimension (a consistent snapshot)."""
        return self._read(self._counters)

    def reserve(self, amount: Mapping[str, Any], decide: Callable[[Counters, Counters], Any],
                nodeid: str | None = None) -> tuple[Any, int | None]:
        """Atomically: ``problems = decide(spent, reserved)``; when it is falsy, reserve ``amount``.

        Returns ``(problems, reservation id or None)``. ``decide`` sees the whole run's counters
        with the write lock held, so no other process can reserve between the check and this
        reservation."""
        amt = _amounts(amount)

        def op(c: sqlite3.Connection) -> tuple[Any, int | None]:
            spent, reserved = self._counters(c)
            problems = decide(spent, reserved)
            if problems:
                return problems, None
            self._add(c, "reserved", amt)
            cur = c.execute("INSERT INTO reservations(worker, nodeid, usd, input_tokens, output_tokens, calls, created) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?)",
                            (self.worker, nodeid, *(_text(amt[k]) for k in AMOUNT_KEYS), time.time()))
            return problems, cur.lastrowid
        return self._tx(op)

    def settle(self, reservation: int | None, charged: Mapping[str, Any], *, nodeid: str | None = None,
               entry: Mapping[str, Any] | None = None) -> None:
        """Release ``reservation`` (if still open) and add ``charged`` to the run's spend."""
        amt = _amounts(charged)
        blob = json.dumps(entry, separators=(",", ":"), default=str) if entry is not None else None

        def op(c: sqlite3.Connection) -> None:
            if reservation is not None:
                row = c.execute("SELECT usd, input_tokens, output_tokens, calls FROM reservations WHERE id=?",
                                (reservation,)).fetchone()
                if row is not None:  # gone: the controller already charged it (worker declared crashed)
                    self._add(c, "reserved", dict(zip(AMOUNT_KEYS, map(Decimal, row))), -1)
                    c.execute("DELETE FROM reservations WHERE id=?", (reservation,))
            self._add(c, "spent", amt)
            c.execute("INSERT INTO calls(worker, nodeid, usd, input_tokens, output_tokens, calls, entry) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?)",
                      (self.worker, nodeid, *(_text(amt[k]) for k in AMOUNT_KEYS), blob))
        self._tx(op)

    def seed(self, spent: Mapping[str, Any], reservations: list[Mapping[str, Any]],
             nodeid: str | None = None) -> list[int]:
        """One transaction: add ``spent`` (what this process spent before it shared its session budget)
        to the run's spend, and reserve each of ``reservations`` (its calls in flight); their ids."""
        amounts = [_amounts(r) for r in reservations]

        def op(c: sqlite3.Connection) -> list[int]:
            self._add(c, "spent", _amounts(spent))
            ids = []
            for amt in amounts:
                self._add(c, "reserved", amt)
                cur = c.execute("INSERT INTO reservations(worker, nodeid, usd, input_tokens, output_tokens, calls, "
                                "created) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                (self.worker, nodeid, *(_text(amt[k]) for k in AMOUNT_KEYS), time.time()))
                ids.append(cur.lastrowid)
            return ids
        return self._tx(op)

    def release(self, reservation: int) -> None:
        """Give a reservation back unspent (the call was refused by another budget)."""
        def op(c: sqlite3.Connection) -> None:
            row = c.execute("SELECT usd, input_tokens, output_tokens, calls FROM reservations WHERE id=?",
                            (reservation,)).fetchone()
            if row is not None:
                self._add(c, "reserved", dict(zip(AMOUNT_KEYS, map(Decimal, row))), -1)
                c.execute("DELETE FROM reservations WHERE id=?", (reservation,))
        self._tx(op)

    # -- workers ----------------------------------------------------------------------------------
    def worker_started(self, pid: int | None = None) -> None:
        self._tx(lambda c: c.execute(
            "INSERT OR REPLACE INTO workers(worker, pid, state, started) VALUES (?, ?, 'running', ?)",
            (self.worker, pid if pid is not None else os.getpid(), time.time())))

    def worker_finished(self) -> None:
        self._tx(lambda c: c.execute("UPDATE workers SET state='finished', finished=? WHERE worker=?",
                                     (time.time(), self.worker)))

    def worker_crashed(self, worker: str) -> tuple[int, Counters]:
        """Declare ``worker`` dead (controller side): its calls in flight are charged their reserved
        worst case (whether they were billed is unknown). Returns (calls in flight, their amount)."""
        def op(c: sqlite3.Connection) -> tuple[int, Counters]:
            rows = c.execute("SELECT id, nodeid, usd, input_tokens, output_tokens, calls FROM reservations "
                             "WHERE worker=?", (worker,)).fetchall()
            total = _amounts(None)
            for rid, nodeid, *vals in rows:
                amt = dict(zip(AMOUNT_KEYS, map(Decimal, vals)))
                self._add(c, "reserved", amt, -1)
                self._add(c, "spent", amt)
                for k in AMOUNT_KEYS:
                    total[k] += amt[k]
                c.execute("DELETE FROM reservations WHERE id=?", (rid,))
                c.execute("INSERT INTO calls(worker, nodeid, usd, input_tokens, output_tokens, calls, entry, note) "
                          "VALUES (?, ?, ?, ?, ?, ?, NULL, 'in flight when the worker crashed')",
                          (worker, nodeid, *vals))
            c.execute("INSERT INTO workers(worker, state) VALUES (?, 'crashed') "
                      "ON CONFLICT(worker) DO UPDATE SET state='crashed'", (worker,))
            return len(rows), total
        return self._tx(op)

    def workers(self) -> dict[str, str]:
        """Worker id -> state (``running``, ``finished``, ``crashed``)."""
        return dict(self._read(lambda c: c.execute("SELECT worker, state FROM workers").fetchall()))

    def entries(self, worker: str | None = None,
                skip_nodeids: Container[str] = ()) -> list[tuple[str, str | None, dict[str, Any] | None]]:
        """Settled calls as ``(worker, nodeid, entry)``, oldest first (``entry`` None for in-flight
        charges), leaving out the tests in ``skip_nodeids`` (only their ids are read)."""
        where = " WHERE worker=?" if worker else ""
        args = (worker,) if worker else ()
        pairs = self._read(lambda c: c.execute(f"SELECT DISTINCT worker, nodeid FROM calls{where}", args).fetchall())
        wanted = [(w, n) for w, n in pairs if n is None or n not in skip_nodeids]
        if not wanted:
            return []

        def read(c: sqlite3.Connection) -> list[tuple[str, str | None, str | None]]:
            rows = []
            for w, n in wanted:
                rows += c.execute("SELECT id, worker, nodeid, entry FROM calls WHERE worker=? AND nodeid IS ?",
                                  (w, n)).fetchall()
            return [r[1:] for r in sorted(rows)]
        return [(w, n, json.loads(e) if e else None) for w, n, e in self._read(read)]

    def rows_after(self, last_id: int, worker_prefix: str) -> list[tuple[int, str | None, dict[str, Any]]]:
        """Settled calls of the workers named ``worker_prefix…`` (child processes) with an id above
        ``last_id``, as ``(id, nodeid, entry)``, oldest first."""
        pattern = worker_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self._read(lambda c: c.execute(
            "SELECT id, nodeid, entry FROM calls WHERE id>? AND worker LIKE ? ESCAPE '\\' AND entry IS NOT NULL "
            "ORDER BY id", (last_id, pattern)).fetchall())
        return [(i, n, json.loads(e)) for i, n, e in rows]

    def open_reservations(self) -> int:
        return self._read(lambda c: c.execute("SELECT COUNT(*) FROM reservations").fetchone()[0])


def _busy(exc: sqlite3.OperationalError) -> bool:
    msg = str(exc).lower()
    return "locked" in msg or "busy" in msg



class RunControl:
    """The pytest-xdist controller's side of a distributed run (still no pytest in here).

    Creates the run's directory and ledger file, hears which workers went down and how, and at the
    end says what is missing: a crashed worker's calls in flight (charged their worst case in the
    shared ledger), the figures of tests whose reports never arrived (recovered from the file), and
    workers that never finished (a half-written run)."""

    def __init__(self, directory: str | None = None) -> None:
        import tempfile
        self.dir = directory or tempfile.mkdtemp(prefix="tokenbudget-run-")
        self.store = SharedLedger.create(self.dir)
        self.crashed: dict[str, tuple[int, Counters]] = {}
        self.reported: set[str] = set()  # node ids whose figures arrived on a report

    @property
    def path(self) -> str:
        return self.store.path

    def node_down(self, worker: str, error: Any) -> None:
        """A worker went down; ``error`` is not None when it crashed."""
        if error is None:
            return
        try:
            self.crashed[worker] = self.store.worker_crashed(worker)
        except SharedLedgerError:
            self.crashed[worker] = (0, _amounts(None))

    def finish(self, absorb: Callable[[list[Mapping[str, Any]]], None]) -> list[str]:
        """Notes for the report (each starts with ``figures incomplete``) after recovering, through
        ``absorb(entries)``, the settled calls of tests whose reports never reached the controller."""
        notes: list[str] = []
        try:
            states = self.store.workers()
            rows = self.store.entries(skip_nodeids=self.reported)
        except SharedLedgerError as exc:
            return [f"figures incomplete: the shared ledger could not be read ({exc})"]
        lost: dict[str, list[Mapping[str, Any]]] = {}
        for worker, nodeid, entry in rows:
            if entry is not None and nodeid not in self.reported:
                lost.setdefault(worker, []).append(entry)
        for worker in sorted(set(self.crashed) | {w for w, s in states.items() if s == "crashed"}):
            inflight, amount = self.crashed.get(worker, (0, _amounts(None)))
            recovered = lost.pop(worker, [])
            if recovered:
                absorb(recovered)
            bits = []
            if recovered:
                bits.append(f"{len(recovered)} call(s) of its unfinished test recovered from the shared ledger")
            if inflight:
                bits.append(f"{inflight} call(s) in flight charged their worst case "
                            f"(${_text(amount['usd'])}) to the session budget, their real cost unknown")
            notes.append(f"figures incomplete: worker {worker} crashed" + (f" ({'; '.join(bits)})" if bits else ""))
        for worker, state in sorted(states.items()):
            if state == "running" and worker not in self.crashed:
                notes.append(f"figures incomplete: worker {worker} never finished (its last figures may be missing)")
        for worker, entries in sorted(lost.items()):  # no report carried them: recover them here
            absorb(entries)
            in_tests = sum(1 for e in entries if e.get("nodeid") is not None)
            if in_tests:
                notes.append(f"figures incomplete: {in_tests} call(s) of worker {worker} arrived only through "
                             "the shared ledger (their test reports did not carry them)")
        return notes

    def close(self, remove: bool = True) -> None:
        self.store.close()
        if remove:
            import shutil
            shutil.rmtree(self.dir, ignore_errors=True)
