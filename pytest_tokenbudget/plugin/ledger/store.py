"""The shared ledger's interface, and the choice of implementation by URL (no pytest in here).

A *store* keeps the session budget of one run where every process of the run sees it: the
counters (what was spent, what calls in flight reserved), one row per call in flight, one row per
settled call (the ledger entry, so that a report can be rebuilt from the store), and the state of
each process that joined. Two implementations satisfy :class:`Store`:

* :class:`~pytest_tokenbudget.plugin.ledger.shared.SharedLedger` -- one SQLite file per run, shared
  by the pytest-xdist workers of one machine (the default, as before);
* :class:`~pytest_tokenbudget.plugin.ledger.postgres.PostgresLedger` -- PostgreSQL, shared by every
  shard of a run on any number of machines (``--token-budget-store=postgresql://…``).

:func:`open_store` picks one from the URL's scheme. :func:`mask_url` is what any output shows of a
store URL: its password never appears.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Container, Mapping
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlsplit

from pytest_tokenbudget.plugin.ledger.shared import FILENAME, SharedLedger
from pytest_tokenbudget.plugin.ledger.storebase import (
    DEFAULT_LEASE_S,
    POSTGRES_SCHEMES,
    StoreError,
    StoreLost,
    StoreUnavailable,
    check_run_id,
    default_run_id,
    is_postgres,
    mask_url,
    scrub,
)

__all__ = ["DEFAULT_LEASE_S", "POSTGRES_SCHEMES", "Store", "StoreError", "StoreLost", "StoreUnavailable",
           "check_run_id", "default_run_id", "is_postgres", "mask_url", "open_store", "scrub"]

Counters = dict[str, Decimal]


@runtime_checkable
class Store(Protocol):
    """What :class:`~pytest_tokenbudget.plugin.ledger.budgets.SharedBudget` and the xdist controller's
    :class:`~pytest_tokenbudget.plugin.ledger.shared.RunControl` need of a shared ledger."""

    worker: str

    def totals(self) -> tuple[Counters, Counters]:
        """(spent, reserved) of the whole run, per dimension (usd, input_tokens, output_tokens, calls)."""

    def reserve(self, amount: Mapping[str, Any], decide: Callable[[Counters, Counters], Any],
                nodeid: str | None = None) -> tuple[Any, int | None]:
        """Atomically: ``problems = decide(spent, reserved)``; when falsy, reserve ``amount``."""

    def settle(self, reservation: int | None, charged: Mapping[str, Any], *, nodeid: str | None = None,
               entry: Mapping[str, Any] | None = None) -> None:
        """Release ``reservation`` and add ``charged`` to the run's spend (with the ledger entry)."""

    def release(self, reservation: int) -> None:
        """Give a reservation back unspent."""

    def worker_started(self, pid: int | None = None) -> None: ...

    def worker_finished(self) -> None: ...

    def worker_crashed(self, worker: str) -> tuple[int, Counters]:
        """Charge a dead worker's calls in flight their worst case; (how many, their amount)."""

    def workers(self) -> dict[str, str]:
        """This machine's workers -> ``running`` | ``finished`` | ``crashed``."""

    def entries(self, worker: str | None = None,
                skip_nodeids: Container[str] = ()) -> list[tuple[str, str | None, dict[str, Any] | None]]:
        """This machine's settled calls as ``(worker, nodeid, entry)``, oldest first."""

    def open_reservations(self) -> int: ...

    def close(self) -> None: ...


def open_store(url: str, run_id: str, *, worker: str = "main", shard: str | None = None,
               cap: Decimal | None = None, create: bool = True, lease_s: float = DEFAULT_LEASE_S,
               join: bool = True) -> Any:
    """Open the store at ``url`` for ``run_id`` as ``worker`` of ``shard``.

    ``postgresql://…`` / ``postgres://…``: PostgreSQL (``create``: the run is created with session cap
    ``cap`` when it does not exist yet; a run that exists with another cap is an error naming both).
    ``sqlite:///path`` or a plain path: the SQLite file of one machine's run (``run_id`` unused: one
    file is one run). ``join=False`` opens a run read-only (reports)."""
    if is_postgres(url):
        from pytest_tokenbudget.plugin.ledger.postgres import PostgresLedger
        return PostgresLedger.connect(url, check_run_id(run_id), worker=worker, shard=shard, cap=cap,
                                      create=create, lease_s=lease_s, join=join)
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("sqlite", "file", ""):
        raise StoreError(f"store {mask_url(url)}: unknown kind {parts.scheme!r} (use postgresql://… or sqlite:///path)")
    path = ("/" + parts.path.lstrip("/") if parts.path.startswith("/") else parts.path) if parts.scheme else url
    if os.path.isdir(path):
        path = os.path.join(path, FILENAME)
    if not os.path.exists(path):
        if not create:
            raise StoreError(f"{path}: no such shared ledger")
        SharedLedger.create(os.path.dirname(path) or ".").close()
        if os.path.basename(path) != FILENAME:
            os.replace(os.path.join(os.path.dirname(path) or ".", FILENAME), path)
    return SharedLedger.open(path, worker)
