"""One session budget across machines: the store options and where the plugin opens the store.

``--token-budget-store=postgresql://…`` (or ``$TOKEN_BUDGET_STORE``, or ini ``token_budget_store``;
CLI > env > ini) keeps the session budget in PostgreSQL, shared by every shard that joins the same
run (``--token-budget-run-id`` / ``$TOKEN_BUDGET_RUN_ID``; default ``GITHUB_RUN_ID`` +
``GITHUB_RUN_ATTEMPT`` under GitHub Actions, else a fresh id: a run of its own). Without a store,
or with ``sqlite``, nothing changes: xdist workers share a temporary SQLite file as before.

Where it is wired:

* a serial run (no xdist) and each xdist worker join the run in :func:`join_shared_store`
  (from ``RunState.activate``) and keep their session budget there;
* the xdist controller joins in :func:`controller_run` (from ``pytest_configure``): a
  :class:`StoreRunControl` tells the workers the store, run and shard, and recovers what crashed
  workers left, like the SQLite ``RunControl``;
* :func:`finish_store` (from ``pytest_sessionfinish``) notes the whole run's spend and turns a
  lost connection into the run's failure.

No output ever shows the URL's password (:func:`~pytest_tokenbudget.plugin.ledger.storebase.mask_url`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pytest

from pytest_tokenbudget.core.money import format_usd
from pytest_tokenbudget.plugin.ledger.shared import RunControl
from pytest_tokenbudget.plugin.ledger.storebase import (
    DEFAULT_LEASE_S,
    LOST_PREFIX,
    StoreError,
    check_run_id,
    default_run_id,
    is_postgres,
    mask_url,
    parse_lease,
    scrub,
)
from pytest_tokenbudget.plugin.settings import ENV_RUN_ID, ENV_SHARD, ENV_STORE

__all__ = ["ENV_RUN_ID", "ENV_SHARD", "ENV_STORE", "STORE_KEY", "StoreRunControl", "StoreSettings",
           "add_store_options", "controller_run", "finish_store", "join_shared_store", "record_outcome",
           "resolve_store", "run_spent"]

STORE_KEY = "tokenbudget_store"  # config.workerinput key: {"url", "run_id", "shard"} of a store run
ERRORS_KEY = "tokenbudget_errors"  # = plugin.xdist.ERRORS_KEY (a worker's plugin errors, to the controller)


def add_store_options(group: Any, parser: pytest.Parser) -> None:
    group.addoption("--token-budget-store", metavar="URL", default=None, dest="token_budget_store",
                    help="keep the session budget in this store, shared by every shard of the run: "
                         f"postgresql://user@host/db?sslmode=require (or 'sqlite': per machine, the default). "
                         f"Overrides ini token_budget_store and ${ENV_STORE}.")
    group.addoption("--token-budget-run-id", metavar="ID", default=None, dest="token_budget_run_id",
                    help="the run the shards share in the store (default: $GITHUB_RUN_ID-$GITHUB_RUN_ATTEMPT "
                         f"under GitHub Actions, else a fresh id, i.e. no sharing). Overrides ${ENV_RUN_ID}.")
    group.addoption("--token-budget-shard", metavar="NAME", default=None, dest="token_budget_shard",
                    help=f"this shard's name in the store's reports (default ${ENV_SHARD}, else host-pid).")
    group.addoption("--token-budget-store-lease", metavar="DURATION", default=None, dest="token_budget_store_lease",
                    help="how long a call in flight holds its worst-case reservation in the store if its shard dies "
                         "(seconds, or 90s / 15m / 1h; default 15m). Longer than your slowest call. "
                         "Overrides ini token_budget_store_lease.")
    parser.addini("token_budget_store", "store of the shared session budget (postgresql://… or sqlite)", default=None)
    parser.addini("token_budget_store_lease", "lease of a reservation in the store (seconds, or 15m; default 15m)",
                  default=None)


@dataclass(frozen=True)
class StoreSettings:
    url: str
    run_id: str
    shard: str
    source: str  # where the URL came from
    joined: bool  # the run id was given (or GitHub's): other shards can join it
    lease_s: float = DEFAULT_LEASE_S  # a reservation's lease (--token-budget-store-lease)

    @property
    def shown(self) -> str:
        return mask_url(self.url)


def _first(*pairs: tuple[Any, str]) -> tuple[str, str] | tuple[None, str]:
    for value, source in pairs:
        if value not in (None, "", []) and str(value).strip():
            return str(value).strip(), source
    return None, ""


def resolve_store(config: pytest.Config, environ: Mapping[str, str] | None = None) -> StoreSettings | None:
    """The store settings, or None for the default (per-machine SQLite under xdist, nothing serially)."""
    env = os.environ if environ is None else environ
    url, source = _first((config.getoption("token_budget_store", None), "--token-budget-store"),
                         (env.get(ENV_STORE), f"${ENV_STORE}"), (config.getini("token_budget_store"),
                                                                 "ini token_budget_store"))
    if url is None or url.lower() in ("sqlite", "default"):
        return None
    if not is_postgres(url):
        raise pytest.UsageError(f"{source} = {mask_url(url)!r}: expected postgresql://… (or sqlite, the default)")
    run_id, _ = _first((config.getoption("token_budget_run_id", None), "cli"), (env.get(ENV_RUN_ID), "env"))
    joined = run_id is not None
    if run_id is None:
        run_id, joined = default_run_id(env)
    try:
        check_run_id(run_id)
    except ValueError as exc:
        raise pytest.UsageError(f"--token-budget-run-id: {exc}") from None
    shard, _ = _first((config.getoption("token_budget_shard", None), "cli"), (env.get(ENV_SHARD), "env"))
    if shard is None:
        import socket
        shard = f"{socket.gethostname()}-{os.getpid()}"
    return StoreSettings(url=url, run_id=run_id, shard=shard, source=source, joined=joined, lease_s=_lease(config))


def _lease(config: pytest.Config) -> float:
    raw, source = _first((config.getoption("token_budget_store_lease", None), "--token-budget-store-lease"),
                         (config.getini("token_budget_store_lease"), "ini token_budget_store_lease"))
    if raw is None:
        return DEFAULT_LEASE_S
    try:
        return parse_lease(raw)
    except ValueError as exc:
        raise pytest.UsageError(f"{source}: {exc}") from None


def _open(st: Any, url: str, run_id: str, shard: str, worker: str, create: bool, lease_s: float) -> Any:
    from pytest_tokenbudget.plugin.ledger.store import open_store
    try:
        return open_store(url, run_id, worker=worker, shard=shard, cap=st.settings.session.value, create=create,
                          lease_s=lease_s)
    except StoreError as exc:  # unshared, the run could spend n x the session budget: never go on without it
        raise pytest.UsageError(f"token budget: cannot share the session budget: {scrub(str(exc), url)}") from None


# ----------------------------------------------------------------------------- serial runs, workers
def join_shared_store(st: Any) -> None:
    """``RunState.activate`` on a serial run or an xdist worker: keep the session budget in the store."""
    if st.shared is not None or st.controller:
        return
    given = getattr(st.config, "workerinput", {}).get(STORE_KEY)
    if given:  # an xdist worker of a store run: the controller joined it already
        store = _open(st, given["url"], given["run_id"], given["shard"],
                      st.config.workerinput.get("workerid", "gw?"), create=False,
                      lease_s=float(given.get("lease_s", DEFAULT_LEASE_S)))
    elif hasattr(st.config, "workerinput"):  # a worker of a run without a store (or SQLite): as before
        return
    else:
        s = resolve_store(st.config)
        if s is None:
            return
        store = _open(st, s.url, s.run_id, s.shard, "main", create=True, lease_s=s.lease_s)
    try:
        store.worker_started()
    except StoreError as exc:
        store.close()
        raise pytest.UsageError(f"token budget: cannot share the session budget: {exc}") from None
    st.shared = store
    st.ledger.share_session(store)


# ----------------------------------------------------------------------------- the xdist controller
class StoreRunControl(RunControl):
    """The xdist controller's side of a store run: as :class:`RunControl`, with PostgreSQL in place of
    the SQLite file (no directory to make or remove) and the shard finished at the end."""

    def __init__(self, store: Any, url: str) -> None:  # noqa: D107 - RunControl.__init__ would make SQLite
        self.dir = None
        self.store = store
        self._url = url
        self.crashed: dict[str, Any] = {}
        self.reported: set[str] = set()

    @property
    def path(self) -> str:
        return self.store.path  # masked

    def workerinput(self) -> dict[str, Any]:
        return {STORE_KEY: {"url": self._url, "run_id": self.store.run_id, "shard": self.store.shard,
                            "lease_s": self.store.lease_s}}

    def finish(self, absorb: Callable[[list[Mapping[str, Any]]], None]) -> list[str]:
        try:
            self.store.worker_finished()  # the controller: the shard is done (workers mark themselves)
        except StoreError:
            pass  # RunControl.finish says the store could not be read
        return super().finish(absorb)

    def close(self, remove: bool = True) -> None:
        self.store.close()


def controller_run(st: Any) -> StoreRunControl | None:
    """``pytest_configure`` on the xdist controller: join the store run (None without a store)."""
    s = resolve_store(st.config)
    if s is None:
        return None
    store = _open(st, s.url, s.run_id, s.shard, "controller", create=True, lease_s=s.lease_s)
    try:
        store.worker_started()
    except StoreError as exc:
        store.close()
        raise pytest.UsageError(f"token budget: cannot share the session budget: {exc}") from None
    return StoreRunControl(store, s.url)


# ----------------------------------------------------------------------------- the end
def _store_of(st: Any) -> Any:
    if st.shared is not None and hasattr(st.shared, "run_id"):
        return st.shared
    if isinstance(st.run, StoreRunControl):
        return st.run.store
    return None


def record_outcome(st: Any, nodeid: str, outcome: str) -> None:
    """A test's teardown report: keep its outcome in the store, for ``tokenbudget report --store``.
    Recorded where every report of the shard arrives (a serial run, the xdist controller), once."""
    if hasattr(st.config, "workerinput"):
        return
    store = _store_of(st)
    if store is None or not hasattr(store, "record_outcome"):
        return
    try:
        store.record_outcome(nodeid, outcome)
    except StoreError as exc:  # the report will say "unknown"; the budget is not at stake
        st.internal(f"recording the outcome of {nodeid} in the store", exc)


def run_spent(st: Any) -> dict[str, Any] | None:
    """The whole run's spend from the store (every shard), or None without a store or when it cannot
    be read (the lost store fails the run anyway)."""
    store = _store_of(st)
    if store is None:
        return None
    try:
        return dict(store.totals()[0])
    except StoreError:
        return None


def finish_store(st: Any) -> str | None:
    """``pytest_sessionfinish``: a note with the whole run's spend (serial runs and controllers), and
    the reason the run fails when the store was lost here or on a worker (None when it was not)."""
    store = _store_of(st)
    if store is None:
        return None
    workeroutput = getattr(st.config, "workeroutput", None)
    if workeroutput is None:
        try:
            spent, reserved = store.totals()
            cap = store.cap()
            budget = "no session budget" if cap is None else f"of a {format_usd(cap)} session budget"
            held = f", {format_usd(reserved['usd'])} still reserved by calls in flight" if reserved["usd"] else ""
            st.notes.append(f"shared budget: run {store.run_id} in {store.path} (shard {store.shard}): the whole run "
                            f"spent {format_usd(spent['usd'])} {budget}{held}")
        except StoreError:
            pass  # store.lost says why, below
    lost = [store.lost] if store.lost else []
    lost += [e for e in st.internal_errors if LOST_PREFIX in e and e not in lost]
    if store.lost and workeroutput is not None:  # the controller fails the run for its worker
        workeroutput.setdefault(ERRORS_KEY, []).append(store.lost)
    if not lost:
        return None
    return f"{lost[0]}; the session budget could not be enforced across the run" + (
        f" ({len(lost) - 1} more)" if len(lost) > 1 else "")
