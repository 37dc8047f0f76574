"""Budgets: limits over a scope (session, test, block), with reservations for calls in flight.

A :class:`SharedBudget` keeps the session scope in the SQLite file that pytest-xdist workers share.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pytest_tokenbudget.plugin.ledger.amounts import (
    _NONE,
    _ZERO,
    Amounts,
    Limits,
    Overrun,
    _scope_title,
)
from pytest_tokenbudget.plugin.ledger.entries import Entry, UsageView


# ----------------------------------------------------------------------------- budgets
class Budget(UsageView):
    """One budget: a scope, limits, what was spent and what calls in flight have reserved.

    Counters change only under the owning ledger's lock. (A budget shared between processes, as the
    session budget under pytest-xdist will be, overrides :meth:`violations`, :meth:`reserve` and
    :meth:`settle` to keep its counters in a shared store.)
    """

    def __init__(self, scope: str, name: str, limits: Limits | None = None) -> None:
        self.scope = scope
        self.name = name
        self.limits = limits or Limits()
        self.spent = Amounts()
        self.reserved = Amounts()
        self.entries: list[Entry] = []
        self.closed = False

    def __repr__(self) -> str:
        return f"<Budget {self.scope} {self.name!r}: {self.limits.describe()}; spent {self.spent}>"

    @property
    def title(self) -> str:
        return _scope_title(self.scope, self.name)

    def violations(self, worst: Amounts) -> list[tuple[str, Any, Any, Any, Any]]:
        """``(dimension, limit, spent, reserved, worst)`` for every limit the call could overrun."""
        return self._violations(self.spent, self.reserved, worst)

    def _violations(self, spent_all: Amounts, reserved_all: Amounts,
                    worst: Amounts) -> list[tuple[str, Any, Any, Any, Any]]:
        out = []
        for dim, limit in self.limits.items():
            w = worst.get(dim)
            spent, reserved = spent_all.get(dim), reserved_all.get(dim)
            if w is None:
                # Unbounded or unpriceable worst case: only an untouched, non-zero limit would not know.
                out.append((dim, limit, spent, reserved, None))
            elif spent + reserved + w > limit:
                out.append((dim, limit, spent, reserved, w))
        return out

    def reserve(self, amounts: Amounts) -> None:
        self.reserved = self.reserved + amounts

    def try_reserve(self, check: Amounts, amounts: Amounts, nodeid: str | None = None) -> list[tuple]:
        """Reserve ``amounts`` unless ``check`` could overrun a limit; return the violations.

        One step, so that a budget shared between processes can check and reserve atomically."""
        problems = self.violations(check)
        if not problems:
            self.reserve(amounts)
        return problems

    def release(self, amounts: Amounts) -> None:
        """Give back a reservation unspent (another budget refused the call)."""
        self.reserved = self.reserved - amounts

    def settle(self, reserved: Amounts, charged: Amounts, entry: Entry) -> None:
        self.reserved = self.reserved - reserved
        self.spent = self.spent + charged
        self.entries.append(entry)

    def overruns(self) -> list[Overrun]:
        out = []
        for dim, limit in self.limits.items():
            spent = self.spent.get(dim)
            if spent is not None and spent > limit:
                out.append(Overrun(self.scope, self.name, dim, limit, spent))
        return out

    def _entries(self) -> list[Entry]:
        return self.entries


def _from_counters(values: Mapping[str, Decimal]) -> Amounts:
    return Amounts(usd=values.get("usd", _ZERO), input_tokens=int(values.get("input_tokens", 0)),
                   output_tokens=int(values.get("output_tokens", 0)), calls=int(values.get("calls", 0)))


def _to_counters(a: Amounts) -> dict[str, Any]:
    k = a.known()
    return {"usd": k.usd, "input_tokens": k.input_tokens, "output_tokens": k.output_tokens, "calls": k.calls}


class SharedBudget(Budget):
    """The session budget of a distributed run: its counters live in a shared store (SQLite, see
    :mod:`pytest_tokenbudget.plugin.ledger.shared`) that every pytest-xdist worker reads and writes.

    ``spent`` and ``reserved`` are the *whole run's*; ``local_spent`` is this process's share.
    Check and reservation happen in one store transaction (:meth:`try_reserve`)."""

    def __init__(self, store: Any, limits: Limits | None = None) -> None:
        self.store = store
        self.local_spent = Amounts()
        self.errors: list[str] = []  # store failures: spend the other workers could not see
        self._ids: dict[int, tuple[Amounts, int]] = {}
        super().__init__("session", "session", limits)

    @property
    def spent(self) -> Amounts:  # type: ignore[override]
        return _from_counters(self.store.totals()[0])

    @spent.setter
    def spent(self, value: Amounts) -> None:  # Budget.__init__; the store keeps the run's figure
        pass

    @property
    def reserved(self) -> Amounts:  # type: ignore[override]
        return _from_counters(self.store.totals()[1])

    @reserved.setter
    def reserved(self, value: Amounts) -> None:
        pass

    def violations(self, worst: Amounts) -> list[tuple[str, Any, Any, Any, Any]]:
        spent, reserved = self.store.totals()
        return self._violations(_from_counters(spent), _from_counters(reserved), worst)

    def _remember(self, amounts: Amounts, rid: int | None) -> None:
        if rid is not None:
            self._ids[id(amounts)] = (amounts, rid)  # the key object is kept alive: ids stay unique

    def _forget(self, amounts: Amounts) -> int | None:
        got = self._ids.pop(id(amounts), None)
        return got[1] if got is not None and got[0] is amounts else None

    def try_reserve(self, check: Amounts, amounts: Amounts, nodeid: str | None = None) -> list[tuple]:
        def decide(spent: Mapping[str, Decimal], reserved: Mapping[str, Decimal]) -> list[tuple]:
            return self._violations(_from_counters(spent), _from_counters(reserved), check)
        within = getattr(self.store, "reserve_within", None)  # PostgreSQL: the cap check in the statement
        if within is not None:
            limits = dict(self.limits.items())
            problems, rid = within(_to_counters(amounts), {d: check.get(d) for d in limits}, limits, decide, nodeid)
        else:
            problems, rid = self.store.reserve(_to_counters(amounts), decide, nodeid)
        self._remember(amounts, rid)
        return problems

    def reserve(self, amounts: Amounts) -> None:
        _, rid = self.store.reserve(_to_counters(amounts), lambda s, r: None)
        self._remember(amounts, rid)

    def release(self, amounts: Amounts) -> None:
        rid = self._forget(amounts)
        if rid is not None:
            self.store.release(rid)

    def settle(self, reserved: Amounts, charged: Amounts, entry: Entry) -> None:
        try:
            self.store.settle(self._forget(reserved), _to_counters(charged), nodeid=entry.nodeid,
                              entry=entry.as_json())
        except Exception as exc:  # the entry is still recorded here and reported; only sharing failed
            self.errors.append(f"shared session ledger: a call of {entry.nodeid} could not be settled "
                               f"(other workers did not see its spend): {exc}")
        self.local_spent = self.local_spent + charged
        self.entries.append(entry)


class SessionBudget(Budget):
    """The session budget while it is in this process's memory (a serial run): it remembers the
    reservations of calls in flight, so that :meth:`Ledger.move_session` can carry them into a shared
    store when the run's first child process joins. From then on it forwards to that
    :class:`SharedBudget` (``moved``): a call reserved before the move settles in the store."""

    def __init__(self, limits: Limits | None = None) -> None:
        super().__init__("session", "session", limits)
        self.inflight: dict[int, Amounts] = {}  # id(reserved) -> reserved (kept alive: ids stay unique)
        self.moved: SharedBudget | None = None

    def violations(self, worst: Amounts) -> list[tuple[str, Any, Any, Any, Any]]:
        if self.moved is not None:
            return self.moved.violations(worst)
        return self._violations(self.spent, self.reserved, worst)

    def try_reserve(self, check: Amounts, amounts: Amounts, nodeid: str | None = None) -> list[tuple]:
        if self.moved is not None:
            return self.moved.try_reserve(check, amounts, nodeid)
        problems = self._violations(self.spent, self.reserved, check)
        if not problems:
            self.reserved = self.reserved + amounts
            self.inflight[id(amounts)] = amounts
        return problems

    def reserve(self, amounts: Amounts) -> None:
        if self.moved is not None:
            self.moved.reserve(amounts)
            return
        self.reserved = self.reserved + amounts
        self.inflight[id(amounts)] = amounts

    def release(self, amounts: Amounts) -> None:
        if self.moved is not None:
            self.moved.release(amounts)
        elif self.inflight.pop(id(amounts), None) is amounts:
            self.reserved = self.reserved - amounts

    def settle(self, reserved: Amounts, charged: Amounts, entry: Entry) -> None:
        if self.moved is not None:
            self.moved.settle(reserved, charged, entry)
            return
        if self.inflight.pop(id(reserved), None) is not reserved:
            reserved = _NONE  # never reserved here (a mock's empty reservation, an absorbed entry)
        super().settle(reserved, charged, entry)

    def move_to(self, store: Any) -> SharedBudget:
        """Carry the spend and the calls in flight into ``store`` in one transaction; forward from now on.
        The caller holds the ledger's lock."""
        shared = SharedBudget(store, self.limits)
        inflight = list(self.inflight.values())
        rids = store.seed(_to_counters(self.spent), [_to_counters(a) for a in inflight])
        shared._ids = {id(a): (a, rid) for a, rid in zip(inflight, rids)}
        shared.local_spent = self.spent
        shared.entries = self.entries
        self.inflight = {}
        self.moved = shared
        return shared


@dataclass
class Reservation:
    """What :meth:`Ledger.before_send` hands to capture, and gets back in :meth:`Ledger.on_record`."""

    nodeid: str | None
    phase: str | None
    budgets: tuple[Budget, ...]
    worst: Amounts  # the full worst case (None fields = unbounded)
    reserved: Amounts  # what was reserved (unknown fields as 0)
    started: float
    day: Any = None  # the date the request was priced on (its price is taken on the same day)
