"""Child processes join the run (the way coverage.py measures subprocesses).

While the plugin is active it exports two things to every process the tests start:

- ``PYTHONPATH`` with the package's ``_bootstrap`` directory first: its ``sitecustomize`` runs at
  the startup of any Python child (``subprocess.run([sys.executable, …])``, multiprocessing
  *spawn* and *forkserver*) and calls :func:`bootstrap` -- only when the variable below is set; it
  then runs the ``sitecustomize`` it shadows, if any;
- ``PYTEST_TOKENBUDGET_CHILD``: the run's shared SQLite ledger (:mod:`.ledger.shared`, the file
  pytest-xdist workers share), the session limit and the settings. A serial run keeps its budgets
  in memory and makes that file only when its first Python child starts: the child asks for it
  (:mod:`.joining`) and the parent moves its session spend and calls in flight into it first.
  ``PYTEST_TOKENBUDGET_CHILD_TEST`` names the test (and phase) running when the child started.

A child installs the capture with a ledger whose session budget *is* the shared one: each call is
checked and reserved against the whole run's spend (parent, workers and every child) in one SQLite
transaction, and settled there with its entry. A process made by ``os.fork()`` (multiprocessing
*fork*, or a plain fork) inherits the capture and its test; :func:`_after_fork` gives it its own
connection to the shared ledger and a worker name of its own, so it never enforces against a stale
copy. The parent adopts its children's entries (at each test's teardown, and at the end) into its
report, attributed to the test that started them.

Out of reach: non-Python children, Python started with ``-S`` / ``-I`` or with ``PYTHONPATH``
replaced, and test budgets inside a child (a child checks the session budget; its spend is added
to its test's budget when the parent adopts it, after the fact).
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import replace
from decimal import Decimal
from typing import Any

from pytest_tokenbudget.plugin.ledger.attribution import set_current
from pytest_tokenbudget.plugin.ledger.ledger import Entry, Ledger, Limits

__all__ = ["CHILD_ENV", "TEST_ENV", "Children", "bootstrap", "bootstrap_dir"]

CHILD_ENV = "PYTEST_TOKENBUDGET_CHILD"
TEST_ENV = "PYTEST_TOKENBUDGET_CHILD_TEST"

# The ledger this process records into, when it shares the run's file: (ledger, path, worker prefix).
_JOINED: dict[str, Any] = {}
_FORK_HOOK: list[bool] = []


def bootstrap_dir() -> str:
    import pytest_tokenbudget
    return os.path.join(os.path.dirname(os.path.abspath(pytest_tokenbudget.__file__)), "_bootstrap")


def _worker_name(prefix: str) -> str:
    return f"{prefix}child-{os.getpid()}"


def _after_fork() -> None:
    """In a forked child: a connection of its own to the shared ledger, its own worker name, fresh locks."""
    joined = dict(_JOINED)
    if not joined:
        return
    from pytest_tokenbudget.plugin.ledger.shared import SharedLedger
    ledger = joined["ledger"]
    ledger._lock = threading.RLock()  # another thread may have held it at the fork
    if joined.get("join"):  # a serial run's parent opens the shared ledger when its first child starts
        from pytest_tokenbudget.plugin.joining import request
        request(joined["join"], joined["token"])
    store = SharedLedger.open(joined["path"], _worker_name(joined["prefix"]))
    session = ledger.session
    if hasattr(session, "store"):
        session.store = store
        session._ids = {}  # the parent's calls in flight are the parent's
    else:  # the parent keeps an in-memory session (no session cap): this process records into the store
        ledger.share_session(store)
    _JOINED["store"] = store
    if _share_refusal not in ledger.listeners:
        ledger.listeners.append(_share_refusal)


def _share_refusal(entry: Entry) -> None:
    """A child's refused call goes to the shared ledger too (settled calls get there with their spend)."""
    store = _JOINED.get("store")
    if entry.refused and store is not None:
        store.settle(None, {}, nodeid=entry.nodeid, entry=entry.as_json())


def _after_fork_safely() -> None:
    try:
        _after_fork()
    except Exception as exc:  # never enforce against the parent's connection: stop measuring, say so
        _JOINED.clear()
        try:
            from pytest_tokenbudget.plugin import capture
            capture.uninstall()
        finally:
            import sys
            sys.stderr.write(f"pytest-tokenbudget: this forked process is not measured: {exc!r}\n")


def _install_fork_hook() -> None:
    if not _FORK_HOOK and hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_after_fork_safely)
        _FORK_HOOK.append(True)


class Children:
    """The parent's side: export the environment, adopt the children's entries, restore at the end."""

    def __init__(self, ledger: Ledger, store: Any, prefix: str, settings: dict[str, Any],
                 own_dir: str | None = None) -> None:
        self.ledger = ledger
        self.store = store
        self.prefix = prefix
        self.own_dir = own_dir  # a serial run's ledger directory (removed at the end)
        self.capped = settings.get("session_usd") is not None
        self.last_id = 0
        self._adopting = threading.Lock()
        self._opening = threading.Lock()
        self._server: Any = None
        self._saved = {k: os.environ.get(k) for k in ("PYTHONPATH", CHILD_ENV, TEST_ENV)}
        env = dict(settings, prefix=prefix)
        if store is not None:
            env["path"] = store.path
        else:  # a serial run: the shared ledger is made when the first child asks for it
            from pytest_tokenbudget.plugin.joining import JoinServer
            from pytest_tokenbudget.plugin.ledger.shared import FILENAME
            self._server = JoinServer(own_dir or "", self._open_store)
            env.update(path=os.path.join(own_dir or "", FILENAME), join=self._server.address,
                       token=self._server.token)
        os.environ[CHILD_ENV] = json.dumps(env)
        paths = [bootstrap_dir()] + [p for p in (os.environ.get("PYTHONPATH") or "").split(os.pathsep) if p]
        os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
        _JOINED.update(ledger=ledger, path=env["path"], prefix=prefix, join=env.get("join"), token=env.get("token"))
        _install_fork_hook()

    @classmethod
    def start(cls, ledger: Ledger, shared: Any, worker: str | None, settings: dict[str, Any]) -> Children | None:
        """Join the run's shared ledger (``shared``: an xdist worker's) or make one (a serial run)."""
        if shared is not None:
            if not hasattr(shared, "rows_after"):  # a PostgreSQL store run: children are not joined
                return None
            return cls(ledger, shared, f"{worker or 'gw?'}/", settings)
        import tempfile
        return cls(ledger, None, "", settings, own_dir=tempfile.mkdtemp(prefix="tokenbudget-run-"))

    def _open_store(self) -> None:
        """A child asks for the shared ledger (the server's thread): make it, once. With a session cap
        this process's session budget moves into it (spend and calls in flight, in one transaction),
        so parent and children check one figure; without one this process keeps its in-memory budgets
        and only adopts the entries its children settle there."""
        with self._opening:
            if self.store is not None:
                return
            from pytest_tokenbudget.plugin.ledger.shared import SharedLedger
            try:
                store = SharedLedger.create(self.own_dir or "")
                if self.capped:
                    self.ledger.move_session(store)
            except Exception as exc:  # the child runs unmeasured (it says so); the report says why
                self.ledger.internal_errors.append(
                    f"opening the shared ledger for a child process (its calls are not measured): {exc!r}")
                raise
            self.store = store

    @staticmethod
    def set_test(nodeid: str | None, phase: str | None) -> None:
        """The test a child started from now on belongs to."""
        os.environ[TEST_ENV] = json.dumps([nodeid, phase])

    def adopt(self, budget: Any = None, nodeid: str | None = None) -> list[Entry]:
        """Take the entries the children settled since the last time into this process's ledger
        (fresh seqs; the shared counters already hold their spend). ``budget``: the open budget of
        test ``nodeid``, charged what that test's children spent."""
        if self.store is None:  # no child has started yet
            return []
        with self._adopting:  # two threads must not adopt the same rows
            rows = self.store.rows_after(self.last_id, self.prefix + "child-")
            if not rows:
                return []
            self.last_id = rows[-1][0]
            return self._take(rows, budget, nodeid)

    def _take(self, rows: list, budget: Any, nodeid: str | None) -> list[Entry]:
        led = self.ledger
        adopted = []
        with led._lock:
            for _, _, data in rows:
                led._seq += 1
                entry = replace(Entry.from_json(data), seq=led._seq)
                led._store(entry, (led.session,))
                if budget is not None and entry.nodeid == nodeid and not entry.refused:
                    budget.settle(type(entry.charged)(), entry.charged, entry)
                adopted.append(entry)
        return adopted

    def stop(self) -> None:
        _JOINED.clear()
        if self._server is not None:
            self._server.close()
        for k, v in self._saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        if self.own_dir is not None:
            with self._opening:
                if self.store is not None:
                    self.store.close()
            import shutil
            shutil.rmtree(self.own_dir, ignore_errors=True)


# ----------------------------------------------------------------------------- the child's side
def bootstrap() -> None:
    """In a child process (from ``sitecustomize``): record into the run's shared ledger."""
    raw = os.environ.get(CHILD_ENV)
    if not raw or _JOINED:
        return
    cfg = json.loads(raw)
    from pytest_tokenbudget.core.config import load_config
    from pytest_tokenbudget.plugin import capture
    from pytest_tokenbudget.plugin.ledger.shared import SharedLedger
    catalog = load_config(cfg.get("rootdir") or os.getcwd()).catalog
    usd = cfg.get("session_usd")
    ledger = Ledger(catalog=catalog, unknown_model=cfg.get("unknown_model") or "error",
                    preflight=bool(cfg.get("preflight", True)), count_replayed=bool(cfg.get("count_replayed", True)),
                    session_limits=Limits(usd=None if usd is None else Decimal(usd)))
    if cfg.get("join"):  # a serial run: the parent makes the shared ledger now (once), and shares its budget
        from pytest_tokenbudget.plugin.joining import request
        request(cfg["join"], cfg["token"])
    store = SharedLedger.open(cfg["path"], _worker_name(cfg["prefix"]))
    ledger.share_session(store)
    try:
        nodeid, phase = json.loads(os.environ.get(TEST_ENV) or "[null, null]")
    except ValueError:
        nodeid, phase = None, None
    set_current(nodeid, phase)
    from pytest_tokenbudget.plugin.ledger.attribution import propagate
    propagate()  # threads of the child belong to the same test
    capture.install(ledger)
    _JOINED.update(ledger=ledger, path=cfg["path"], prefix=cfg["prefix"], store=store, join=cfg.get("join"),
                   token=cfg.get("token"))
    ledger.listeners.append(_share_refusal)
    _install_fork_hook()
    import atexit
    atexit.register(_child_exit, ledger)


def _child_exit(ledger: Ledger) -> None:
    from pytest_tokenbudget.plugin import capture
    try:
        capture.finish_open("still open when the child process exited", ledger)
    finally:
        capture.uninstall()

