"""The run's ledger: one entry per LLM call attempt, budgets with reservations, totals.

The pieces live beside it (re-exported): :mod:`.amounts`, :mod:`.entries`, :mod:`.budgets`; the
SQLite file processes share is :mod:`.shared`.

Pure Python, no pytest. The plugin owns one :class:`Ledger` per run and hands it to
``capture.install`` as the :class:`~pytest_tokenbudget.plugin.capture.types.CaptureListener`.

Attribution. The test (node id) and phase a call belongs to are read at *request* time
(:func:`~.attribution.current`: the thread's or task's test, see :mod:`.attribution`), as streams
may finish later (teardown, garbage collection).

Budgets. A :class:`Budget` has a scope (``session``, ``test`` or ``block``; blocks nest) and
:class:`Limits` in five dimensions. In every dimension ``None`` means *no limit* and ``0`` means
*nothing allowed*: ``usd=0`` refuses any call whose worst case costs more than $0, ``calls=0``
refuses every call. When a request is about to leave, its worst case (:meth:`Ledger.worst_case`:
the input estimate at the input price plus ``max_tokens`` at the output price, cache discounts
ignored) is checked against every active budget: ``spent + reserved + worst > limit`` refuses it
with :class:`~pytest_tokenbudget.core.errors.TokenBudgetExceeded` (pre-flight; can be turned off).
Otherwise the worst case is reserved, and settled with the real figures when the record arrives.

What a call is charged. A 2xx response with complete usage is charged what it reports. When the
real figure is not known -- usage missing (an OpenAI stream without ``include_usage``), usage
that does not parse, a stream that ended early (output is billed until the API noticed), or a
request that left but whose response was lost (read timeout, reset, undecodable body) -- the
budgets are charged the larger of what was seen and the pre-flight worst case, so the unknown is
never counted as 0; a call whose response model cannot be priced is charged the request's worst
case in USD. Error responses and connection failures before sending count as a call and no tokens.
``count_tokens`` requests are free and not counted as calls. Reports show the *priced* cost of
what was seen, and flag the entries whose figures are incomplete.

Money is ``Decimal`` inside. :meth:`Entry.as_json`, :meth:`Totals.as_json` and friends give plain
values (money as decimal strings) for pytest-xdist and JSON reports; ``from_json`` reads them back.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from pytest_tokenbudget.core.catalog import Catalog, CatalogError, UnknownModelError, today
from pytest_tokenbudget.core.cost import Cost, PricingError, price
from pytest_tokenbudget.core.errors import TokenBudgetExceeded
from pytest_tokenbudget.core.text import redact
from pytest_tokenbudget.core.usage import (
    MalformedUsageError,
    Usage,
    usage_from_response,
)
from pytest_tokenbudget.plugin.capture.types import CallRecord, CallRequest
from pytest_tokenbudget.plugin.ledger.amounts import (
    _ZERO,
    DIMENSIONS,
    Amounts,
    Limits,
    Overrun,
    _to_usd,
    fmt_amount,
)
from pytest_tokenbudget.plugin.ledger.attribution import current, set_current
from pytest_tokenbudget.plugin.ledger.batches import BATCH_ENDPOINTS, BatchLedger
from pytest_tokenbudget.plugin.ledger.budgets import Budget, Reservation, SessionBudget, SharedBudget
from pytest_tokenbudget.plugin.ledger.entries import (
    _FREE_ENDPOINTS,
    Entry,
    TestUsage,
    Totals,
    UsageView,
    top_entries,
)
from pytest_tokenbudget.plugin.ledger.preflight import (
    Preflight,
    regional_endpoint,
    request_shape,
)
from pytest_tokenbudget.plugin.ledger.refusals import refusal_error

__all__ = [
    "Amounts", "Budget", "DIMENSIONS", "Entry", "Ledger", "Limits", "Overrun", "Reservation", "SharedBudget",
    "TestUsage", "Totals", "UsageView", "current", "fmt_amount", "set_current",
]

_MEMO_MAX = 4096  # entries per memo (worst cases, prices): bounded memory

_SAFE_IDS: dict[str, str] = {}


def _safe_id(nodeid: str | None) -> str | None:
    """``nodeid`` with secrets redacted (an API key as a parametrize value), memoised per id."""
    if nodeid is None:
        return None
    got = _SAFE_IDS.get(nodeid)
    if got is None:
        got = redact(nodeid)
        if len(_SAFE_IDS) < 65536:
            _SAFE_IDS[nodeid] = got
    return got


# ----------------------------------------------------------------------------- the ledger
class Ledger(BatchLedger):
    """Records, prices and budgets every call; a :class:`CaptureListener`. Thread-safe."""

    def __init__(self, *, catalog: Catalog | None = None, unknown_model: str = "error", preflight: bool = True,
                 session_limits: Limits | None = None, count_replayed: bool = True) -> None:
        if unknown_model not in ("error", "warn"):
            raise ValueError(f"unknown_model must be 'error' or 'warn', not {unknown_model!r}")
        if catalog is None:
            from pytest_tokenbudget.core.config import get_catalog
            catalog = get_catalog()
        self.catalog = catalog
        self.unknown_model = unknown_model
        self.preflight = preflight
        self.count_replayed = count_replayed
        self.session: Budget = SessionBudget(session_limits)
        self.bounds = Preflight(catalog)
        self.entries: list[Entry] = []
        self.listeners: list[Callable[[Entry], None]] = []
        # Price what the catalog lacks: fn(model, usage) -> Cost | Decimal | None (None: do not know).
        # The plugin puts the pytest_tokenbudget_price hook here.
        self.pricers: list[Callable[[str, Usage], Any]] = []
        self.internal_errors: list[str] = []
        self._lock = threading.RLock()
        self._by_test: dict[str | None, list[Entry]] = {}
        self._tests: dict[str, Budget] = {}
        self._blocks: list[Budget] = []
        self._seq = 0
        self._refused_requests: dict[int, CallRequest] = {}
        self._worst_memo: dict[tuple, tuple[Amounts, str | None]] = {}  # hot path: the same
        self._price_memo: dict[tuple, Cost] = {}  # requests and usages recur in a test suite
        self._usage_memo: dict[tuple, Usage] = {}

    # -- scopes ---------------------------------------------------------------------------------
    def begin_test(self, nodeid: str, limits: Limits | None = None) -> Budget:
        """Open the budget of test ``nodeid`` (it applies to calls attributed to that test)."""
        with self._lock:
            b = Budget("test", _safe_id(nodeid), limits)  # its name is shown: redacted
            self._tests[nodeid] = b
            return b

    def end_test(self, nodeid: str) -> Budget | None:
        with self._lock:
            b = self._tests.pop(nodeid, None)
            if b is not None:
                b.closed = True
            # blocks a test forgot to close do not leak into the next test
            for blk in self._blocks:
                blk.closed = True
            self._blocks.clear()
            return b

    def test_budget(self, nodeid: str) -> Budget | None:
        return self._tests.get(nodeid)

    def open_block(self, limits: Limits, name: str = "") -> Budget:
        """Open a (possibly nested) block budget; it applies to every call until it is closed."""
        with self._lock:
            b = Budget("block", name, limits)
            self._blocks.append(b)
            return b

    def close_block(self, block: Budget) -> list[Overrun]:
        """Close ``block`` (and any block opened inside it and left open); return its overruns."""
        with self._lock:
            if block in self._blocks:
                i = self._blocks.index(block)
                for b in self._blocks[i:]:
                    b.closed = True
                del self._blocks[i:]
            block.closed = True
            return block.overruns()

    def active_budgets(self, nodeid: str | None = None) -> tuple[Budget, ...]:
        """The budgets a call made now (for ``nodeid``) is checked against, outermost first."""
        with self._lock:
            out: list[Budget] = [self.session]
            tb = self._tests.get(nodeid) if nodeid is not None else None
            if tb is not None:
                out.append(tb)
            out.extend(self._blocks)
            return tuple(out)

    # -- pricing --------------------------------------------------------------------------------
    def worst_case(self, request: CallRequest, *, batch: bool = False, day: Any = None) -> tuple[Amounts, str | None]:
        """The most a request can cost: (amounts, why the usd figure is unknown or None).

        A true upper bound (:mod:`.preflight`): bounded input, cache writes at the request's TTL,
        ``max_tokens`` (or the thinking budget), server-tool fees, fast mode and regional premiums.
        A model the catalog lacks is asked of :attr:`pricers`.
        """
        key = None
        if request.endpoint not in ("batches", *_FREE_ENDPOINTS) and not self.pricers:
            # the worst case depends on these alone (the body only through its shape): memoised
            inp, shape = self.bounds.input_bound(request), request_shape(request.body)
            key = (request.endpoint, request.model, request.max_tokens, inp, shape, request.url, batch,
                   day or today(), self.unknown_model)
            hit = self._worst_memo.get(key)
            if hit is not None:
                return hit
            got = self._worst_case(request, batch, inp, shape)
            if len(self._worst_memo) < _MEMO_MAX:
                self._worst_memo[key] = got
            return got
        return self._worst_case(request, batch)

    def _worst_case(self, request: CallRequest, batch: bool, inp: int | None = None,
                    shape: Any = None) -> tuple[Amounts, str | None]:
        worst, why = self.bounds.worst_case(request, batch=batch, inp=inp, shape=shape)
        if (worst.usd is None and self.pricers and request.model and worst.output_tokens is not None
                and request.endpoint != "batches"):
            custom = self._custom_price(request.model, Usage(input_tokens=worst.input_tokens or 0,
                                                             output_tokens=worst.output_tokens))
            if custom is not None:
                return replace(worst, usd=custom.total_usd), None
        if (worst.usd is None and self.unknown_model == "warn" and worst.output_tokens is not None
                and request.endpoint != "batches" and self.bounds.lookup(request.model)[0] is None):
            # warn lets an unknown model through, at the most any catalog price could make it cost:
            # a zero budget refuses it, and budgets are charged this
            usd = self.bounds.unknown_model_usd(worst.input_tokens or 0, worst.output_tokens,
                                                request_shape(request.body))
            return replace(worst, usd=usd), why
        return worst, why

    def _price(self, model: str | None, usage: Usage, *, regional: bool | None = None,
               day: Any = None) -> tuple[Cost | None, str | None]:
        if not model:
            return None, "neither the request nor the response names a model, so the call cannot be priced"
        try:
            key = (model, usage, regional, day or today())  # prices depend on the day (catalog price changes)
            cost = self._price_memo.get(key)
            if cost is None:
                cost = price(model, usage, catalog=self.catalog, regional=regional, on=key[3])
                if len(self._price_memo) < _MEMO_MAX:
                    self._price_memo[key] = cost  # Cost and Usage are frozen: sharing one is safe
            return cost, None
        except UnknownModelError as exc:
            custom = self._custom_price(model, usage) if self.pricers else None
            if custom is not None:
                return custom, None
            return None, str(exc)
        except (PricingError, CatalogError) as exc:
            return None, f"{model}: {exc}"

    def _custom_price(self, model: str, usage: Usage) -> Cost | None:
        """Ask :attr:`pricers` (in order) for a model the catalog lacks; the first answer wins."""
        for fn in list(self.pricers):
            try:
                got = fn(model, usage)
            except Exception as exc:  # a user's pricer bug: the call stays unpriced, and it is said why
                self.internal_errors.append(f"custom pricer {fn!r} failed for {model}: {exc!r}")
                continue
            if got is None:
                continue
            if isinstance(got, Cost):
                return got
            try:
                usd = _to_usd(got, f"custom price of {model}")
            except ValueError as exc:
                self.internal_errors.append(str(exc))
                continue
            return Cost(model=model, input_usd=usd, modifiers=("custom price",))
        return None

    # -- the capture listener -------------------------------------------------------------------
    def before_send(self, request: CallRequest) -> Reservation:
        """Check the request's worst case against every active budget, and reserve it.

        Raises :class:`TokenBudgetExceeded` (nothing is sent) when it could overrun one.
        """
        __tracebackhide__ = True
        nodeid, phase = current()
        day = today()  # once per call: the worst case and the price are taken on the same day
        worst, why = self.worst_case(request, day=day)
        if not self.count_replayed and request.expected_live is False:
            # a mock / cassette replay answers it, and replays are not counted: nothing to check or reserve
            # (settled as usual: should it go out after all, its real cost is charged and can overrun)
            return Reservation(nodeid, phase, self.active_budgets(nodeid), worst, Amounts(), time.perf_counter(), day)
        refusal: TokenBudgetExceeded | None = None
        with self._lock:
            budgets = self.active_budgets(nodeid)
            # a fresh object per call: a shared budget keys its store reservation by the object's
            # identity, and memoised worst cases are shared between concurrent calls
            k = worst.known()
            reserved = Amounts(k.usd, k.input_tokens, k.output_tokens, k.calls)
            if self.preflight:
                check = worst
                taken: list[Budget] = []
                for b in budgets:  # check-and-reserve per budget (atomic for a shared session budget)
                    problems = b.try_reserve(check, reserved, nodeid)
                    if problems:
                        refusal = refusal_error(b, problems[0], request, worst, why, self.count_replayed)
                        break
                    taken.append(b)
                if refusal is not None:
                    for b in taken:
                        b.release(reserved)
            else:
                for b in budgets:
                    b.reserve(reserved)
            if refusal is None:
                return Reservation(nodeid, phase, budgets, worst, reserved, time.perf_counter(), day)
            entry = self._make_entry(nodeid, phase, request, status=None, response_model=None, usage=None,
                                     raw_usage=None, cost=None, unpriced=None, usage_unknown=False, complete=False,
                                     streamed=request.stream, live=True, duration_s=0.0, error=str(refusal),
                                     refused=True, refused_by=refusal.scope, charged=Amounts(), worst=worst)
            self._store(entry, budgets)
            self._refused_requests[id(request)] = request
        self._notify(entry)
        raise refusal

    def on_record(self, token: Any, record: CallRecord) -> Entry | None:
        """Settle the reservation with what the call really did, and store the entry."""
        if record.refused:
            with self._lock:
                if self._refused_requests.pop(id(record.request), None) is record.request:
                    return None  # already recorded when it was refused
        res = token if isinstance(token, Reservation) else None
        if res is not None:
            nodeid, phase = res.nodeid, res.phase
        else:
            nodeid, phase = current()
        request = record.request
        if request.endpoint in BATCH_ENDPOINTS and not record.refused:
            return self._on_batch(res, nodeid, phase, record)
        ok = record.status is not None and 200 <= record.status < 300
        usage: Usage | None = None
        usage_unknown = False
        error = record.error
        if record.usage is not None:
            try:
                usage = self._usage(record.usage)
            except MalformedUsageError as exc:
                usage_unknown = True
                error = f"usage could not be read: {exc}" + (f"; {error}" if error else "")
        elif (ok or getattr(record, "lost", False)) and not record.refused and request.endpoint not in _FREE_ENDPOINTS:
            usage_unknown = True  # lost: sent, no response read; the API may have billed it
        cost: Cost | None = None
        unpriced: str | None = None
        model = record.response_model or request.model
        if usage is not None and request.endpoint not in _FREE_ENDPOINTS:
            cost, unpriced = self._price(model, usage, regional=regional_endpoint(request),
                                         day=res.day if res is not None else None)
        worst = res.worst if res is not None else None
        charged = self._charge(request, record, usage, cost, usage_unknown, worst)
        entry = self._make_entry(nodeid, phase, request, status=record.status, response_model=record.response_model,
                                 usage=usage, raw_usage=record.usage, cost=cost, unpriced=unpriced,
                                 usage_unknown=usage_unknown, complete=record.complete, streamed=record.streamed,
                                 live=record.live, duration_s=record.duration_s, error=error,
                                 refused=record.refused, charged=charged, worst=worst)
        with self._lock:
            budgets = res.budgets if res is not None else self.active_budgets(nodeid)
            reserved = res.reserved if res is not None else Amounts()
            for b in budgets:
                b.settle(reserved, charged, entry)
            self._store(entry, ())
        self._notify(entry)
        return entry

    def _usage(self, raw: Any) -> Usage:
        """``usage_from_response(raw)``, memoised by the raw figures (a suite's usages recur)."""
        try:
            key = tuple((k, tuple(v.items()) if type(v) is dict else v) for k, v in raw.items())
            got = self._usage_memo.get(key)
        except (AttributeError, TypeError):  # not a flat-enough dict: parse it every time
            return usage_from_response(raw)
        if got is None:
            got = usage_from_response(raw)
            if len(self._usage_memo) < _MEMO_MAX:
                self._usage_memo[key] = got  # Usage is frozen: sharing one is safe
        return got

    def _charge(self, request: CallRequest, record: CallRecord, usage: Usage | None, cost: Cost | None,
                usage_unknown: bool, worst: Amounts | None) -> Amounts:
        if record.refused:
            return Amounts()
        if not record.live and not self.count_replayed:
            return Amounts()
        free = request.endpoint in _FREE_ENDPOINTS
        calls = 0 if free else 1
        if usage is None:
            actual = Amounts(calls=calls)
        else:
            actual = Amounts(usd=cost.total_usd if cost is not None else _ZERO, input_tokens=usage.prompt_tokens,
                             output_tokens=usage.output_tokens, calls=calls)
        ok = record.status is not None and 200 <= record.status < 300
        lost = getattr(record, "lost", False) and record.status is None
        unknown = (ok or lost) and not free and (usage_unknown or (record.streamed and not record.complete))
        if unknown and worst is not None:
            return actual.at_least(worst)
        if usage is not None and cost is None and not free and worst is not None and worst.usd is not None:
            # priced by nothing (a response model the catalog lacks): the budgets get the request's worst case
            return replace(actual, usd=max(actual.usd or _ZERO, worst.usd))
        return actual

    def _make_entry(self, nodeid, phase, request: CallRequest, **kw: Any) -> Entry:
        with self._lock:
            self._seq += 1
            seq = self._seq
        if kw.get("error"):
            kw["error"] = redact(kw["error"])
        # Redaction by shape where data enters: every output (reports, baseline, terminal) inherits it.
        return Entry.fast(seq=seq, nodeid=_safe_id(nodeid), phase=phase, api=request.api, endpoint=request.endpoint,
                          request_model=request.model, max_tokens=request.max_tokens,
                          input_estimate=request.input_estimate, attempt=request.attempt, **kw)

    def _store(self, entry: Entry, budgets: Iterable[Budget]) -> None:
        for b in budgets:
            b.entries.append(entry)
        self.entries.append(entry)
        self._by_test.setdefault(entry.nodeid, []).append(entry)

    def _notify(self, entry: Entry) -> None:
        for fn in list(self.listeners):
            try:
                fn(entry)
            except Exception as exc:  # a listener's bug must not break the call
                self.internal_errors.append(f"ledger listener {fn!r} failed: {exc!r}")

    def absorb(self, entries: Iterable[Entry]) -> None:
        """Add entries recorded elsewhere (another process) to the run, charging the session budget.

        Used by the pytest-xdist controller, which runs no tests itself: each worker's per-test
        entries arrive as plain values (:meth:`Entry.from_json`)."""
        with self._lock:
            for e in entries:
                if e.refused:
                    self._store(e, (self.session,))
                else:
                    self.session.settle(Amounts(), e.charged, e)
                    self._store(e, ())

    # -- queries --------------------------------------------------------------------------------
    def share_session(self, store: Any) -> SharedBudget:
        """Keep the session budget in ``store`` (a :class:`~pytest_tokenbudget.plugin.ledger.shared.SharedLedger`)
        shared by every process of the run: each call checks and reserves against the whole run's spend."""
        with self._lock:
            shared = SharedBudget(store, self.session.limits)
            shared.entries = self.session.entries
            self.session = shared
            return shared

    def move_session(self, store: Any) -> Budget:
        """Move this process's in-memory session budget into ``store`` (its spend and its calls in flight,
        atomically): from now on every process sharing ``store`` checks against the same figures."""
        with self._lock:
            if isinstance(self.session, SessionBudget):
                self.session = self.session.move_to(store)
            return self.session

    @property
    def last_seq(self) -> int:
        """The seq of the latest entry (0: none yet)."""
        return self._seq

    def entries_for(self, nodeid: str | None) -> list[Entry]:
        with self._lock:
            return list(self._by_test.get(_safe_id(nodeid), ()))  # by the raw or the redacted id

    def nodeids(self) -> list[str | None]:
        with self._lock:
            return list(self._by_test)

    def totals(self, entries: Iterable[Entry] | None = None) -> Totals:
        with self._lock:
            return Totals.of(list(self.entries) if entries is None else entries)

    def totals_for(self, nodeid: str | None) -> Totals:
        return Totals.of(self.entries_for(nodeid))

    def unpriced_for(self, nodeid: str | None) -> list[str]:
        """The distinct pricing errors of a test's calls (unknown models ...), in order."""
        seen: dict[str, None] = {}
        for e in self.entries_for(nodeid):
            if e.unpriced:
                seen.setdefault(e.unpriced, None)
        return list(seen)

    def by_model(self, entries: Iterable[Entry] | None = None) -> dict[str, Totals]:
        """Totals per priced model id (calls without a model under ``"?"``), most expensive first."""
        groups: dict[str, list[Entry]] = {}
        with self._lock:
            for e in (list(self.entries) if entries is None else entries):
                groups.setdefault(e.priced_model or "?", []).append(e)
        totals = {m: Totals.of(es) for m, es in groups.items()}
        return dict(sorted(totals.items(), key=lambda kv: (-kv[1].cost_usd, kv[0])))

    def as_json(self) -> dict[str, Any]:
        """Plain-value snapshot of the run (entries, session limits and spend)."""
        with self._lock:
            return {
                "entries": [e.as_json() for e in self.entries],
                "session": {"limits": self.session.limits.as_json(), "spent": self.session.spent.as_json(),
                            "refused": self.session.totals.refused},
                "totals": Totals.of(self.entries).as_json(),
            }

