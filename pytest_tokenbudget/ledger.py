"""The run's ledger: one entry per LLM call attempt, budgets with reservations, totals.

Pure Python, no pytest. The plugin owns one :class:`Ledger` per run and hands it to
``capture.install`` as the :class:`~pytest_tokenbudget.capture.types.CaptureListener`.

Attribution. The test (node id) and phase a call belongs to are read at *request* time from a
plain module-level slot (:func:`set_current`), not a ContextVar: threads and executor threads do
not inherit a context, and streams may finish later (teardown, garbage collection).

Budgets. A :class:`Budget` has a scope (``session``, ``test`` or ``block``; blocks nest) and
:class:`Limits` in five dimensions. In every dimension ``None`` means *no limit* and ``0`` means
*nothing allowed*: ``usd=0`` refuses any call whose worst case costs more than $0, ``calls=0``
refuses every call. When a request is about to leave, its worst case (:meth:`Ledger.worst_case`:
the input estimate at the input price plus ``max_tokens`` at the output price, cache discounts
ignored) is checked against every active budget: ``spent + reserved + worst > limit`` refuses it
with :class:`~pytest_tokenbudget.errors.TokenBudgetExceeded` (pre-flight; can be turned off).
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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from .capture.types import CallRecord, CallRequest
from .catalog import Catalog, CatalogError, UnknownModelError
from .cost import Cost, PricingError, money_str, price
from .errors import TokenBudgetExceeded
from .usage import MalformedUsageError, Usage, usage_from_response

__all__ = [
    "Amounts",
    "Budget",
    "DIMENSIONS",
    "Entry",
    "Ledger",
    "Limits",
    "Overrun",
    "Reservation",
    "SharedBudget",
    "TestUsage",
    "Totals",
    "UsageView",
    "current",
    "fmt_amount",
    "fmt_usd",
    "set_current",
]

DIMENSIONS = ("usd", "input_tokens", "output_tokens", "total_tokens", "calls")
_ZERO = Decimal(0)
_FREE_ENDPOINTS = frozenset({"count_tokens"})

# ----------------------------------------------------------------------------- attribution slot
# One tuple, replaced in one assignment (atomic under the GIL): (node id, phase).
_current: tuple[str | None, str | None] = (None, None)


def set_current(nodeid: str | None, phase: str | None) -> None:
    """Attribute calls made from now on (from any thread) to ``nodeid`` in ``phase``."""
    global _current
    _current = (nodeid, phase)


def current() -> tuple[str | None, str | None]:
    """The (node id, phase) calls are attributed to right now."""
    return _current


# ----------------------------------------------------------------------------- formatting
def fmt_usd(amount: Decimal | None) -> str:
    """``$0.0123``: four decimals, more when the amount is smaller than $0.001 (never rounded to $0)."""
    if amount is None:
        return "$?"
    if amount == 0:
        return "$0"
    if abs(amount) >= Decimal("0.001"):
        return f"${amount.quantize(Decimal('0.0001')):f}" if abs(amount) < 100 else f"${amount:,.2f}"
    return "$" + money_str(amount)


def fmt_amount(dimension: str, value: Any) -> str:
    """A value of one budget dimension, for people."""
    if value is None:
        return "unbounded" if dimension != "usd" else "$?"
    if dimension == "usd":
        return fmt_usd(value)
    unit = {"calls": "calls", "input_tokens": "input tokens", "output_tokens": "output tokens",
            "total_tokens": "tokens"}[dimension]
    if dimension == "calls" and value == 1:
        unit = "call"
    return f"{value:,} {unit}"


def _pct_over(spent: Any, limit: Any) -> str:
    if not limit:
        return "nothing was allowed"
    pct = (Decimal(spent) - Decimal(limit)) * 100 / Decimal(limit)
    return f"{pct.quantize(Decimal(1)):f}% over"


# ----------------------------------------------------------------------------- amounts & limits
def _to_usd(value: Any, what: str) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(f"{what}: expected a dollar amount, got {value!r}")
    if isinstance(value, float):
        value = repr(value)  # 0.01 -> Decimal("0.01"), not the binary expansion
    try:
        d = Decimal(str(value).strip().lstrip("$")) if isinstance(value, str) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"{what}: expected a dollar amount such as 0.05, got {value!r}") from None
    if not d.is_finite() or d < 0:
        raise ValueError(f"{what}: a dollar amount must be a finite number >= 0, got {value!r}")
    return d


def _to_count(value: Any, what: str) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{what}: expected a whole number >= 0, got {value!r}")
    return value


@dataclass(frozen=True)
class Amounts:
    """A quantity in every budget dimension. ``None`` in a field means unknown / unbounded."""

    usd: Decimal | None = _ZERO
    input_tokens: int | None = 0  # all input: uncached + cache writes + cache reads
    output_tokens: int | None = 0
    calls: int = 0

    @property
    def total_tokens(self) -> int | None:
        if self.input_tokens is None or self.output_tokens is None:
            return None
        return self.input_tokens + self.output_tokens

    def get(self, dimension: str) -> Any:
        return getattr(self, dimension)

    def known(self) -> Amounts:
        """Unknown fields as 0 (what is reserved for a dimension without a limit)."""
        return Amounts(self.usd or _ZERO, self.input_tokens or 0, self.output_tokens or 0, self.calls)

    def __add__(self, other: Amounts) -> Amounts:
        return Amounts(_add(self.usd, other.usd), _add(self.input_tokens, other.input_tokens),
                       _add(self.output_tokens, other.output_tokens), self.calls + other.calls)

    def __sub__(self, other: Amounts) -> Amounts:
        o = other.known()
        s = self.known()
        return Amounts(s.usd - o.usd, s.input_tokens - o.input_tokens, s.output_tokens - o.output_tokens,
                       s.calls - o.calls)

    def at_least(self, other: Amounts) -> Amounts:
        """Field-wise maximum (unknown fields of ``other`` are ignored)."""
        def mx(a, b):
            return a if b is None else max(a, b)
        s = self.known()
        return Amounts(mx(s.usd, other.usd), mx(s.input_tokens, other.input_tokens),
                       mx(s.output_tokens, other.output_tokens), max(s.calls, other.calls))

    def as_json(self) -> dict[str, Any]:
        return {"usd": None if self.usd is None else money_str(self.usd), "input_tokens": self.input_tokens,
                "output_tokens": self.output_tokens, "calls": self.calls}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Amounts:
        usd = data.get("usd")
        return cls(None if usd is None else Decimal(usd), data.get("input_tokens"), data.get("output_tokens"),
                   int(data.get("calls", 0)))


def _add(a, b):
    return None if a is None or b is None else a + b


@dataclass(frozen=True)
class Limits:
    """A budget in each dimension; ``None`` = no limit for that dimension, ``0`` = nothing allowed."""

    usd: Decimal | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    total_tokens: int | None = None
    calls: int | None = None

    @classmethod
    def parse(cls, where: str = "token budget", **values: Any) -> Limits:
        """Validated limits from loose values (``usd`` as str/int/float/Decimal, counts as int)."""
        unknown = set(values) - set(DIMENSIONS)
        if unknown:
            raise ValueError(f"{where}: unknown budget dimension(s) {', '.join(sorted(unknown))}; "
                             f"allowed: {', '.join(DIMENSIONS)}")
        out: dict[str, Any] = {}
        for dim, v in values.items():
            if v is None:
                out[dim] = None
            elif dim == "usd":
                out[dim] = _to_usd(v, f"{where} usd")
            else:
                out[dim] = _to_count(v, f"{where} {dim}")
        return cls(**out)

    def items(self) -> list[tuple[str, Any]]:
        """The dimensions that have a limit, with it."""
        return [(d, getattr(self, d)) for d in DIMENSIONS if getattr(self, d) is not None]

    def __bool__(self) -> bool:
        return bool(self.items())

    def describe(self) -> str:
        return ", ".join(fmt_amount(d, v) for d, v in self.items()) or "no limit"

    def as_json(self) -> dict[str, Any]:
        return {d: (money_str(v) if d == "usd" and v is not None else v) for d, v in
                ((d, getattr(self, d)) for d in DIMENSIONS)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Limits:
        return cls.parse("json", **{k: v for k, v in data.items() if k in DIMENSIONS})


@dataclass(frozen=True)
class Overrun:
    """One dimension of one budget that went over its limit."""

    scope: str
    budget: str
    dimension: str
    limit: Any
    spent: Any

    @property
    def excess(self) -> Any:
        return self.spent - self.limit

    def describe(self) -> str:
        """pytest-django style: ``spent $0.0123 of a $0.0100 budget (+$0.0023, 23% over)``."""
        verb = "spent" if self.dimension == "usd" else "used"
        if self.dimension == "usd":
            plus = fmt_usd(self.excess)
        else:
            plus = f"{self.excess:,}"
        return (f"{verb} {fmt_amount(self.dimension, self.spent)} of a "
                f"{fmt_amount(self.dimension, self.limit)} budget (+{plus}, {_pct_over(self.spent, self.limit)})")

    def error(self) -> TokenBudgetExceeded:
        return TokenBudgetExceeded(f"{_scope_title(self.scope, self.budget)}: {self.describe()}",
                                   scope=self.scope, budget=self.budget, dimension=self.dimension,
                                   limit=self.limit, spent=self.spent)


def _scope_title(scope: str, name: str) -> str:
    if scope == "session":
        return "session token budget"
    if scope == "test":
        return "token budget"
    return f"token budget block {name!r}" if name else "token budget block"


# ----------------------------------------------------------------------------- entries & totals
@dataclass(frozen=True)
class Entry:
    """One call attempt as the ledger recorded it."""

    seq: int
    nodeid: str | None
    phase: str | None
    api: str
    endpoint: str
    request_model: str | None
    response_model: str | None
    usage: Usage | None  # parsed; None = unknown (see usage_unknown) or not billed (errors, refusals)
    raw_usage: Mapping[str, Any] | None = field(default=None, repr=False)
    cost: Cost | None = None  # priced from ``usage``; None when there is nothing to price or it cannot be
    max_tokens: int | None = None
    input_estimate: int | None = None
    streamed: bool = False
    live: bool = True
    duration_s: float = 0.0
    attempt: int | None = None
    status: int | None = None
    complete: bool = True
    refused: bool = False
    refused_by: str | None = None  # the scope of the budget that refused it: session | test | block
    usage_unknown: bool = False  # a response that should carry usage, and did not (or it did not parse)
    unpriced: str | None = None  # why a usage could not be priced (unknown model ...): totals incomplete
    error: str | None = None
    charged: Amounts = Amounts()  # what the budgets were charged
    worst: Amounts | None = None  # the pre-flight worst case

    @property
    def model(self) -> str | None:
        """The model the call is priced by: the response's, else the request's."""
        return self.response_model or self.request_model

    @property
    def priced_model(self) -> str | None:
        """The catalog id the call was priced as (else the raw model name)."""
        return self.cost.model if self.cost is not None else self.model

    @property
    def cost_usd(self) -> Decimal | None:
        return self.cost.total_usd if self.cost is not None else None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def is_call(self) -> bool:
        """Counted as a call: sent (not refused), and not a free ``count_tokens`` request."""
        return not self.refused and self.endpoint not in _FREE_ENDPOINTS

    @property
    def incomplete_stream(self) -> bool:
        return self.streamed and not self.complete and not self.refused and self.status is not None

    def flags(self) -> list[str]:
        out = []
        if self.refused:
            out.append("refused")
        if not self.live:
            out.append("replayed")
        if self.streamed:
            out.append("streamed")
        if self.incomplete_stream:
            out.append("incomplete")
        if self.usage_unknown:
            out.append("usage unknown")
        if self.unpriced:
            out.append("unpriced")
        if self.status is not None and not self.ok:
            out.append(f"HTTP {self.status}")
        elif self.status is None and not self.refused:
            out.append("no response")
        return out

    def describe(self) -> str:
        """One line: cost, model, phase, tokens, flags."""
        u = self.usage
        toks = (f"in={u.input_tokens:,} cw={u.cache_write_tokens:,} cr={u.cache_read_tokens:,} "
                f"out={u.output_tokens:,}" if u is not None else "tokens=?")
        cost = fmt_usd(self.cost_usd) if self.cost is not None else ("-" if u is None else "$?")
        bits = [f"{cost:>9}", self.priced_model or "?", f"[{self.phase or '-'}]", toks]
        if self.max_tokens is not None:
            bits.append(f"max_tokens={self.max_tokens:,}")
        flags = self.flags()
        if flags:
            bits.append("(" + ", ".join(flags) + ")")
        return " ".join(bits)

    def as_json(self) -> dict[str, Any]:
        """Plain values only (money as decimal strings): safe for execnet and JSON."""
        out: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name == "usage":
                v = None
            elif f.name == "cost":
                v = None if v is None else v.as_json()
            elif f.name in ("charged", "worst"):
                v = None if v is None else v.as_json()
            elif f.name == "raw_usage":
                v = None if v is None else dict(v)
            out[f.name] = v
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Entry:
        kw = {f.name: data.get(f.name, f.default) for f in fields(cls) if f.name in data}
        raw = data.get("raw_usage")
        usage = None
        if raw is not None and not data.get("usage_unknown"):
            try:
                usage = usage_from_response(raw)
            except MalformedUsageError:
                usage = None
        kw["usage"] = usage
        c = data.get("cost")
        if c is not None:
            kw["cost"] = Cost(model=c["model"], modifiers=tuple(c.get("modifiers", ())),
                              **{k: Decimal(v) for k, v in c.items() if k.endswith("_usd") and k != "total_usd"})
        kw["charged"] = Amounts.from_json(data["charged"]) if data.get("charged") else Amounts()
        kw["worst"] = Amounts.from_json(data["worst"]) if data.get("worst") else None
        return cls(**kw)


@dataclass(frozen=True)
class Totals:
    """Sums over a set of entries. ``cost_usd`` adds only what could be priced: see ``complete``."""

    calls: int = 0
    refused: int = 0
    input_tokens: int = 0  # uncached input
    cache_write_tokens: int = 0
    cache_read_tokens: int = 0
    output_tokens: int = 0
    cost_usd: Decimal = _ZERO
    unpriced: int = 0
    usage_unknown: int = 0
    incomplete_streams: int = 0
    errors: int = 0  # error statuses and attempts without a response

    @classmethod
    def of(cls, entries: Iterable[Entry]) -> Totals:
        t = dict.fromkeys(("calls", "refused", "input_tokens", "cache_write_tokens", "cache_read_tokens",
                           "output_tokens", "unpriced", "usage_unknown", "incomplete_streams", "errors"), 0)
        cost = _ZERO
        for e in entries:
            if e.refused:
                t["refused"] += 1
                continue
            if e.is_call:
                t["calls"] += 1
            u = e.usage
            if u is not None:
                t["input_tokens"] += u.input_tokens
                t["cache_write_tokens"] += u.cache_write_tokens
                t["cache_read_tokens"] += u.cache_read_tokens
                t["output_tokens"] += u.output_tokens
            if e.cost is not None:
                cost += e.cost.total_usd
            if e.unpriced:
                t["unpriced"] += 1
            if e.usage_unknown:
                t["usage_unknown"] += 1
            if e.incomplete_stream:
                t["incomplete_streams"] += 1
            if not e.ok:
                t["errors"] += 1
        return cls(cost_usd=cost, **t)

    @property
    def prompt_tokens(self) -> int:
        return self.input_tokens + self.cache_write_tokens + self.cache_read_tokens

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.output_tokens

    @property
    def cache_hit_rate(self) -> float | None:
        """Cache reads as a share of all input tokens; ``None`` when there was no input."""
        return self.cache_read_tokens / self.prompt_tokens if self.prompt_tokens else None

    @property
    def complete(self) -> bool:
        """False when some spend could not be known or priced (the cost is a lower bound)."""
        return not (self.unpriced or self.usage_unknown or self.incomplete_streams)

    def __add__(self, other: Totals) -> Totals:
        return Totals(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        out["cost_usd"] = money_str(self.cost_usd)
        out["total_tokens"] = self.total_tokens
        out["cache_hit_rate"] = self.cache_hit_rate
        out["complete"] = self.complete
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Totals:
        kw = {f.name: data[f.name] for f in fields(cls) if f.name in data}
        kw["cost_usd"] = Decimal(kw.get("cost_usd", "0"))
        return cls(**kw)


# ----------------------------------------------------------------------------- live views
class UsageView:
    """Live figures over a set of entries (what the ``token_usage`` fixture and a budget block show)."""

    def _entries(self) -> list[Entry]:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def records(self) -> list[Entry]:
        """The entries so far, oldest first (refused calls included, flagged ``refused``)."""
        return list(self._entries())

    @property
    def totals(self) -> Totals:
        return Totals.of(self._entries())

    @property
    def calls(self) -> int:
        return self.totals.calls

    @property
    def refused(self) -> int:
        return self.totals.refused

    @property
    def input_tokens(self) -> int:
        """Uncached input tokens (Anthropic's ``input_tokens``)."""
        return self.totals.input_tokens

    @property
    def cache_write_tokens(self) -> int:
        return self.totals.cache_write_tokens

    @property
    def cache_read_tokens(self) -> int:
        return self.totals.cache_read_tokens

    @property
    def output_tokens(self) -> int:
        return self.totals.output_tokens

    @property
    def total_tokens(self) -> int:
        return self.totals.total_tokens

    @property
    def cost_usd(self) -> Decimal:
        """The priced cost (exact); see ``totals.complete`` for whether it is the whole story."""
        return self.totals.cost_usd

    @property
    def cache_hit_rate(self) -> float | None:
        return self.totals.cache_hit_rate

    def __repr__(self) -> str:
        t = self.totals
        return (f"<{type(self).__name__} calls={t.calls} tokens={t.total_tokens} cost={fmt_usd(t.cost_usd)}"
                f"{'' if t.complete else ' (incomplete)'}>")


class TestUsage(UsageView):
    """The calls of one test so far."""

    __test__ = False  # not a test class, whatever pytest's collection rules say

    def __init__(self, ledger: Ledger, nodeid: str) -> None:
        self.ledger = ledger
        self.nodeid = nodeid

    def _entries(self) -> list[Entry]:
        return self.ledger.entries_for(self.nodeid)


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
    :mod:`pytest_tokenbudget.shared_ledger`) that every pytest-xdist worker reads and writes.

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


@dataclass
class Reservation:
    """What :meth:`Ledger.before_send` hands to capture, and gets back in :meth:`Ledger.on_record`."""

    nodeid: str | None
    phase: str | None
    budgets: tuple[Budget, ...]
    worst: Amounts  # the full worst case (None fields = unbounded)
    reserved: Amounts  # what was reserved (unknown fields as 0)
    started: float


# ----------------------------------------------------------------------------- the ledger
class Ledger:
    """Records, prices and budgets every call; a :class:`CaptureListener`. Thread-safe."""

    def __init__(self, *, catalog: Catalog | None = None, unknown_model: str = "error", preflight: bool = True,
                 session_limits: Limits | None = None, count_replayed: bool = True) -> None:
        if unknown_model not in ("error", "warn"):
            raise ValueError(f"unknown_model must be 'error' or 'warn', not {unknown_model!r}")
        if catalog is None:
            from .catalog import get_catalog
            catalog = get_catalog()
        self.catalog = catalog
        self.unknown_model = unknown_model
        self.preflight = preflight
        self.count_replayed = count_replayed
        self.session = Budget("session", "session", session_limits)
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

    # -- scopes ---------------------------------------------------------------------------------
    def begin_test(self, nodeid: str, limits: Limits | None = None) -> Budget:
        """Open the budget of test ``nodeid`` (it applies to calls attributed to that test)."""
        with self._lock:
            b = Budget("test", nodeid, limits)
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
    def worst_case(self, request: CallRequest, *, batch: bool = False) -> tuple[Amounts, str | None]:
        """The most a request can cost: (amounts, why the usd figure is unknown or None).

        Input: the capture layer's estimate of the body (all of it billed as uncached input, so
        cache discounts are ignored). Output: ``max_tokens``, or the model's maximum output when
        the request sets none. Priced with the catalog by the request model.
        """
        if request.endpoint in _FREE_ENDPOINTS:
            return Amounts(), None
        if request.endpoint == "batches":
            return self._batch_worst_case(request)
        inp = request.input_estimate
        if inp is None and request.body is not None:
            try:
                from .tokens import estimate_request_tokens
                inp = estimate_request_tokens(request.body)
            except Exception:  # an estimate is best effort; 0 keeps the check on output alone
                inp = None
        inp = inp or 0
        info = None
        why: str | None = None
        if request.model:
            try:
                info = self.catalog.lookup(request.model)
            except UnknownModelError as exc:
                why = str(exc)
        else:
            why = "the request names no model"
        out = request.max_tokens
        if out is None:
            out = info.max_output if info is not None else None
            if out is None and why is None:
                why = f"the request sets no max_tokens and the catalog has no max-output for {info.id}"
        usd: Decimal | None = None
        if info is None and request.model and out is not None and self.pricers:
            custom = self._custom_price(request.model, Usage(input_tokens=inp, output_tokens=out))
            if custom is not None:
                return Amounts(usd=custom.total_usd, input_tokens=inp, output_tokens=out, calls=1), None
        if info is not None and out is not None:
            body = request.body or {}
            speed = body.get("speed") if isinstance(body.get("speed"), str) else None
            geo = body.get("inference_geo") if isinstance(body.get("inference_geo"), str) else None
            try:
                usd = price(info.id, Usage(input_tokens=inp, output_tokens=out), speed=speed, geo=geo,
                            batch=batch, catalog=self.catalog).total_usd
            except PricingError:
                try:
                    usd = price(info.id, Usage(input_tokens=inp, output_tokens=out), batch=batch,
                                catalog=self.catalog).total_usd
                except PricingError as exc:
                    why = str(exc)
        return Amounts(usd=usd, input_tokens=inp, output_tokens=out, calls=1), why

    def _batch_worst_case(self, request: CallRequest) -> tuple[Amounts, str | None]:
        """A Message Batch: the sum of its requests' worst cases, at the batch price."""
        items = (request.body or {}).get("requests")
        if not isinstance(items, list):
            return Amounts(usd=None, input_tokens=None, output_tokens=None, calls=1), "the batch body could not be read"
        total = Amounts(calls=1)
        why = None
        for item in items:
            params = item.get("params") if isinstance(item, dict) else None
            if not isinstance(params, dict):
                return Amounts(usd=None, input_tokens=None, output_tokens=None, calls=1), "a batch request has no params"
            sub = CallRequest(api=request.api, endpoint="messages", url=request.url, model=params.get("model"),
                              max_tokens=params.get("max_tokens") if isinstance(params.get("max_tokens"), int)
                              else None, stream=False, attempt=None, body=params)
            w, w_why = self.worst_case(sub, batch=True)
            why = why or w_why
            total = total + Amounts(usd=w.usd, input_tokens=w.input_tokens, output_tokens=w.output_tokens)
        return total, why

    def _price(self, model: str | None, usage: Usage) -> tuple[Cost | None, str | None]:
        if not model:
            return None, "neither the request nor the response names a model, so the call cannot be priced"
        try:
            return price(model, usage, catalog=self.catalog), None
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
        worst, why = self.worst_case(request)
        refusal: TokenBudgetExceeded | None = None
        with self._lock:
            budgets = self.active_budgets(nodeid)
            reserved = worst.known()
            if self.preflight:
                check = worst
                if worst.usd is None and self.unknown_model == "warn":
                    check = replace(worst, usd=_ZERO)  # warn: an unpriceable call is let through
                taken: list[Budget] = []
                for b in budgets:  # check-and-reserve per budget (atomic for a shared session budget)
                    problems = b.try_reserve(check, reserved, nodeid)
                    if problems:
                        refusal = self._refusal(b, problems[0], request, worst, why)
                        break
                    taken.append(b)
                if refusal is not None:
                    for b in taken:
                        b.release(reserved)
            else:
                for b in budgets:
                    b.reserve(reserved)
            if refusal is None:
                return Reservation(nodeid, phase, budgets, worst, reserved, time.perf_counter())
            entry = self._make_entry(nodeid, phase, request, status=None, response_model=None, usage=None,
                                     raw_usage=None, cost=None, unpriced=None, usage_unknown=False, complete=False,
                                     streamed=request.stream, live=True, duration_s=0.0, error=str(refusal),
                                     refused=True, refused_by=refusal.scope, charged=Amounts(), worst=worst)
            self._store(entry, budgets)
            self._refused_requests[id(request)] = request
        self._notify(entry)
        raise refusal

    def _refusal(self, budget: Budget, problem: tuple, request: CallRequest, worst: Amounts,
                 why: str | None) -> TokenBudgetExceeded:
        dim, limit, spent, reserved, w = problem
        model = request.model or "?"
        if w is None:
            detail = (f"this call's worst case in {dim.replace('_', ' ')} cannot be bounded "
                      f"({why or 'no max_tokens'})")
        elif limit == 0:
            what = "spend" if dim == "usd" else fmt_amount(dim, 0).partition(" ")[2]
            detail = f"the budget allows no {what}, and this call's worst case is {fmt_amount(dim, w)}"
        else:
            total = spent + reserved + w
            inflight = f" + in flight {fmt_amount(dim, reserved)}" if reserved else ""
            how = ""
            if dim in ("usd", "output_tokens", "total_tokens"):
                how = (f" (~{worst.input_tokens or 0:,} input tokens estimated + max_tokens "
                       f"{worst.output_tokens:,}" + (f" at {model} prices)" if dim == "usd" else ")"))
            detail = (f"spent {fmt_amount(dim, spent)}{inflight} + this call's worst case "
                      f"{fmt_amount(dim, w)}{how} = {fmt_amount(dim, total)} > {fmt_amount(dim, limit)}")
        where = budget.title if budget.scope != "test" else f"token budget of {budget.name}"
        msg = (f"{where} ({budget.limits.describe()}): call to {model} refused before sending: {detail}. "
               f"Nothing was sent.")
        err = TokenBudgetExceeded(msg, scope=budget.scope, budget=budget.name, dimension=dim, limit=limit,
                                  spent=spent, reserved=reserved, attempted=w, refused=True)
        err.budget_ref = budget  # for the plugin's pytest_tokenbudget_budget_exceeded hook
        return err

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
        ok = record.status is not None and 200 <= record.status < 300
        usage: Usage | None = None
        usage_unknown = False
        error = record.error
        if record.usage is not None:
            try:
                usage = usage_from_response(record.usage)
            except MalformedUsageError as exc:
                usage_unknown = True
                error = f"usage could not be read: {exc}" + (f"; {error}" if error else "")
        elif (ok or getattr(record, "lost", False)) and not record.refused and request.endpoint not in _FREE_ENDPOINTS:
            usage_unknown = True  # lost: sent, no response read; the API may have billed it
        cost: Cost | None = None
        unpriced: str | None = None
        model = record.response_model or request.model
        if usage is not None and request.endpoint not in _FREE_ENDPOINTS:
            cost, unpriced = self._price(model, usage)
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
        return Entry(seq=seq, nodeid=nodeid, phase=phase, api=request.api, endpoint=request.endpoint,
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
        """Keep the session budget in ``store`` (a :class:`~pytest_tokenbudget.shared_ledger.SharedLedger`)
        shared by every process of the run: each call checks and reserves against the whole run's spend."""
        with self._lock:
            shared = SharedBudget(store, self.session.limits)
            shared.entries = self.session.entries
            self.session = shared
            return shared

    def entries_for(self, nodeid: str | None) -> list[Entry]:
        with self._lock:
            return list(self._by_test.get(nodeid, ()))

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


def top_entries(entries: Iterable[Entry], n: int = 5) -> list[Entry]:
    """The ``n`` most expensive entries (refusals and unpriced calls after the priced ones)."""
    def key(e: Entry):
        return (e.cost_usd if e.cost_usd is not None else Decimal(-1), -e.seq)
    return sorted(entries, key=key, reverse=True)[:n]

