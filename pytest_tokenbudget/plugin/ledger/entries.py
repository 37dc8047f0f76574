"""What the ledger keeps: one :class:`Entry` per call attempt, :class:`Totals` of many, live views."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from decimal import Decimal
from typing import Any, Protocol

from pytest_tokenbudget.core.cost import Cost
from pytest_tokenbudget.core.money import format_usd
from pytest_tokenbudget.core.usage import (
    MalformedUsageError,
    Usage,
    usage_from_response,
)
from pytest_tokenbudget.plugin.ledger.amounts import _ZERO, Amounts
from pytest_tokenbudget.report.model import Totals as ReportTotals


class EntrySource(Protocol):
    """What a live view reads: the ledger's entries of one test (no import of the ledger: no cycle)."""

    def entries_for(self, nodeid: str | None) -> list[Entry]: ...

_FREE_ENDPOINTS = frozenset({"count_tokens", "batches", "batch_results"})  # batches: billed per result
_BATCH_CALLS = {"batches": "batches.create", "batch_results": "batches.results"}

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
    batch: bool = False  # a Message Batches call: the create / results request, or one billed result

    @classmethod
    def fast(cls, **values: Any) -> Entry:
        """The same entry as ``Entry(**values)``, built without the frozen dataclass's per-field
        ``object.__setattr__`` (the ledger makes one per call: ~4 µs less)."""
        e = object.__new__(cls)
        d = e.__dict__
        d.update(_ENTRY_DEFAULTS)
        d.update(values)
        return e

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
        if self.batch:
            out.append("batch")
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
        cost = format_usd(self.cost_usd) if self.cost is not None else ("-" if u is None else "$?")
        name = self.priced_model or _BATCH_CALLS.get(self.endpoint, "?")
        bits = [f"{cost:>9}", name, f"[{self.phase or '-'}]", toks if name == self.priced_model or u else "no tokens"]
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


_ENTRY_DEFAULTS = {f.name: f.default for f in fields(Entry) if f.default is not MISSING}


class Totals(ReportTotals):
    """The report model's sums, built from ledger entries. ``cost_usd`` adds only what could be
    priced: see ``complete``."""

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

    as_json = ReportTotals.to_json


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
        return (f"<{type(self).__name__} calls={t.calls} tokens={t.total_tokens} cost={format_usd(t.cost_usd)}"
                f"{'' if t.complete else ' (incomplete)'}>")


class TestUsage(UsageView):
    """The calls of one test so far."""

    __test__ = False  # not a test class, whatever pytest's collection rules say

    def __init__(self, ledger: EntrySource, nodeid: str, since: int = 0) -> None:
        self.ledger = ledger
        self.nodeid = nodeid
        self.since = since  # only entries after this seq (the current attempt of a rerun test)

    def _entries(self) -> list[Entry]:
        entries = self.ledger.entries_for(self.nodeid)
        return [e for e in entries if e.seq > self.since] if self.since else entries


def top_entries(entries: Iterable[Entry], n: int = 5) -> list[Entry]:
    """The ``n`` most expensive entries (refusals and unpriced calls after the priced ones)."""
    def key(e: Entry):
        return (e.cost_usd if e.cost_usd is not None else Decimal(-1), -e.seq)
    return sorted(entries, key=key, reverse=True)[:n]
