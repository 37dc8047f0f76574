"""The run's report as data: what every output renders, and what ``--token-budget-json`` writes.

Built once per run from the ledger (by the plugin: ``plugin/report_builder.py``), or read back from
a JSON report (:func:`load_report`, checked against the shipped ``schema.json``). Renderers
(``report/render/``) read this, never the ledger, so every output shows the same figures.

The JSON format is versioned (``"schema": "pytest-tokenbudget/report", "version": 1``) and
described by ``report/schema.json`` (JSON Schema draft 2020-12). Readers of version 1 ignore keys
they do not know, so later minor additions do not need a new version; a change of meaning does.

Shape, in brief::

    schema, version
    run       id, tool_version, catalog_checked, created, complete, incomplete_reasons, notes,
              exit_status, session_failure, shards (merged reports only)
    budgets   per_test {usd, source}, session {usd, source}, preflight, unknown_model, count_replayed
    totals    live (Totals), replayed (Totals: mocked / cassette calls, not live spend),
              charged (what the budgets counted), refused (count)
    models    [{model, live, replayed}]                              most expensive first
    tests     [{nodeid, outcome, budget, over_budget, overruns, cost_usd, complete,
                live, replayed, charged, calls: [call]}]             sorted by node id
    unattributed_calls   [call]     calls made outside any test
    refused   [{nodeid, phase, model, refused_by, worst, message}]
    comparison                      with a baseline comparison only

Money is a decimal string in JSON (``"0.000052"``), never a float, and ``Decimal`` here.
"""

from __future__ import annotations

import os

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from pytest_tokenbudget.core.money import decimal_str
from pytest_tokenbudget.report.comparison import Comparison
from pytest_tokenbudget.report.validate import SCHEMA, VERSION, ReportError, check_report, load_json

__all__ = [
    "SCHEMA",
    "VERSION",
    "Amounts",
    "Budgets",
    "Call",
    "Limits",
    "ModelRow",
    "Refusal",
    "Report",
    "ReportError",
    "Run",
    "RunTotals",
    "Setting",
    "Shard",
    "TestResult",
    "Totals",
    "incomplete_reasons",
    "load_report",
    "replace",
]

_ZERO = Decimal(0)


def _usd(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


def _usd_json(value: Decimal | None) -> str | None:
    return None if value is None else decimal_str(value)


def _frozen(value: Any) -> Any:
    """A read-only copy of plain JSON data (objects as mapping proxies, lists as tuples)."""
    if isinstance(value, Mapping):
        return MappingProxyType({k: _frozen(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    return value


def _plain(value: Any) -> Any:
    """The inverse of :func:`_frozen`: plain dicts and lists for ``json.dumps``."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


# ----------------------------------------------------------------------------- amounts
@dataclass(frozen=True)
class Totals:
    """Sums over calls. ``cost_usd`` adds only what could be priced: see ``complete``."""

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
        return type(self)(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        out.update(cost_usd=decimal_str(self.cost_usd), total_tokens=self.total_tokens,
                   cache_hit_rate=self.cache_hit_rate, complete=self.complete)
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Totals:
        kw = {f.name: data[f.name] for f in fields(cls) if f.name in data}
        kw["cost_usd"] = Decimal(kw.get("cost_usd", "0"))
        return cls(**kw)


def _add(a: Any, b: Any) -> Any:
    return None if a is None or b is None else a + b


@dataclass(frozen=True)
class Amounts:
    """What budgets count, in each dimension; ``None`` = unknown."""

    usd: Decimal | None = _ZERO
    input_tokens: int | None = 0
    output_tokens: int | None = 0
    calls: int = 0

    def __add__(self, other: Amounts) -> Amounts:
        return Amounts(_add(self.usd, other.usd), _add(self.input_tokens, other.input_tokens),
                       _add(self.output_tokens, other.output_tokens), self.calls + other.calls)

    def to_json(self) -> dict[str, Any]:
        return {"usd": _usd_json(self.usd), "input_tokens": self.input_tokens, "output_tokens": self.output_tokens,
                "calls": self.calls}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Amounts:
        data = data or {}
        return cls(_usd(data.get("usd")), data.get("input_tokens"), data.get("output_tokens"), int(data.get("calls", 0)))


@dataclass(frozen=True)
class Limits:
    """A test's budget: ``None`` = no limit in that dimension, ``0`` = nothing allowed."""

    usd: Decimal | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    total_tokens: int | None = None
    calls: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {f.name: (_usd_json(self.usd) if f.name == "usd" else getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Limits:
        data = data or {}
        return cls(_usd(data.get("usd")), *(data.get(k) for k in ("input_tokens", "output_tokens", "total_tokens",
                                                                   "calls")))


# ----------------------------------------------------------------------------- calls and tests
_FREE_ENDPOINTS = frozenset({"count_tokens", "batches", "batch_results"})


@dataclass(frozen=True)
class Call:
    """One call attempt (``usage`` and ``cost`` as the JSON holds them, read-only)."""

    seq: int | None
    phase: str | None
    api: str
    endpoint: str
    model: str | None  # the catalog id it was priced as, else the model named
    request_model: str | None = None
    response_model: str | None = None
    live: bool = True
    streamed: bool = False
    complete: bool = True
    status: int | None = None
    attempt: int | None = None
    duration_s: float = 0.0
    max_tokens: int | None = None
    input_estimate: int | None = None
    usage: Mapping[str, Any] | None = None
    cost: Mapping[str, Any] | None = None
    cost_usd: Decimal | None = None
    charged: Amounts = Amounts()
    worst: Amounts | None = None
    refused: bool = False
    refused_by: str | None = None
    usage_unknown: bool = False
    unpriced: str | None = None
    error: str | None = None
    flags: tuple[str, ...] = ()
    batch: bool = False  # Message Batches (optional in schema version 1: absent = False)

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def incomplete_stream(self) -> bool:
        return self.streamed and not self.complete and not self.refused and self.status is not None

    @property
    def is_call(self) -> bool:
        """Counted as a call: sent (not refused), and not a free ``count_tokens`` request."""
        return not self.refused and self.endpoint not in _FREE_ENDPOINTS

    def to_json(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out.update(usage=_plain(self.usage), cost=_plain(self.cost), cost_usd=_usd_json(self.cost_usd),
                   charged=self.charged.to_json(), worst=None if self.worst is None else self.worst.to_json(),
                   flags=list(self.flags))
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Call:
        kw = {f.name: data[f.name] for f in fields(cls) if f.name in data}
        kw.update(seq=data.get("seq"), usage=_frozen(data.get("usage")), cost=_frozen(data.get("cost")),
                  cost_usd=_usd(data.get("cost_usd")), charged=Amounts.from_json(data.get("charged")),
                  worst=None if data.get("worst") is None else Amounts.from_json(data["worst"]),
                  flags=tuple(data.get("flags", ())))
        return cls(**kw)


@dataclass(frozen=True)
class TestResult:
    """One test: its outcome, budget, figures and calls (refused ones included)."""

    __test__ = False  # not a test class, whatever pytest's collection rules say

    nodeid: str
    outcome: str = "unknown"  # passed | failed | error | skipped | xfailed | xpassed | unknown
    budget: Limits = Limits()
    over_budget: bool = False
    overruns: tuple[str, ...] = ()
    cost_usd: Decimal = _ZERO  # priced cost of its calls, live and replayed
    complete: bool = True
    live: Totals = Totals()
    replayed: Totals = Totals()
    charged: Amounts = Amounts()
    calls: tuple[Call, ...] = ()
    shards: tuple[str, ...] | None = None  # merged with duplicates allowed: where it ran

    def to_json(self) -> dict[str, Any]:
        out = {"nodeid": self.nodeid, "outcome": self.outcome, "budget": self.budget.to_json(),
               "over_budget": self.over_budget, "overruns": list(self.overruns),
               "cost_usd": decimal_str(self.cost_usd), "complete": self.complete, "live": self.live.to_json(),
               "replayed": self.replayed.to_json(), "charged": self.charged.to_json(),
               "calls": [c.to_json() for c in self.calls]}
        if self.shards is not None:
            out["shards"] = list(self.shards)
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TestResult:
        return cls(data["nodeid"], data["outcome"], Limits.from_json(data["budget"]), data["over_budget"],
                   tuple(data["overruns"]), Decimal(data["cost_usd"]), data["complete"],
                   Totals.from_json(data["live"]), Totals.from_json(data["replayed"]),
                   Amounts.from_json(data["charged"]), tuple(Call.from_json(c) for c in data["calls"]),
                   None if data.get("shards") is None else tuple(data["shards"]))


@dataclass(frozen=True)
class ModelRow:
    model: str
    live: Totals = Totals()
    replayed: Totals = Totals()

    def to_json(self) -> dict[str, Any]:
        return {"model": self.model, "live": self.live.to_json(), "replayed": self.replayed.to_json()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ModelRow:
        return cls(data["model"], Totals.from_json(data["live"]), Totals.from_json(data["replayed"]))


@dataclass(frozen=True)
class Refusal:
    """A call refused before sending (nothing was sent)."""

    nodeid: str | None
    phase: str | None
    model: str | None
    refused_by: str | None  # session | test | block
    worst: Amounts | None
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"nodeid": self.nodeid, "phase": self.phase, "model": self.model, "refused_by": self.refused_by,
                "worst": None if self.worst is None else self.worst.to_json(), "message": self.message}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Refusal:
        worst = data.get("worst")
        return cls(data["nodeid"], data.get("phase"), data["model"], data["refused_by"],
                   None if worst is None else Amounts.from_json(worst), data["message"])


# ----------------------------------------------------------------------------- the run
@dataclass(frozen=True)
class Setting:
    usd: Decimal | None = None
    source: str = ""  # where the value came from; empty when unset

    def to_json(self) -> dict[str, Any]:
        return {"usd": _usd_json(self.usd), "source": self.source}


@dataclass(frozen=True)
class Budgets:
    per_test: Setting = Setting()
    session: Setting = Setting()
    preflight: bool = True
    unknown_model: str = "error"
    count_replayed: bool = True

    def to_json(self) -> dict[str, Any]:
        return {"per_test": self.per_test.to_json(), "session": self.session.to_json(), "preflight": self.preflight,
                "unknown_model": self.unknown_model, "count_replayed": self.count_replayed}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Budgets:
        def setting(d: Mapping[str, Any]) -> Setting:
            return Setting(_usd(d.get("usd")), d.get("source", ""))
        return cls(setting(data["per_test"]), setting(data["session"]), data["preflight"], data["unknown_model"],
                   data["count_replayed"])


@dataclass(frozen=True)
class Shard:
    id: str
    source: str
    created: str | None = None
    tests: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "source": self.source, "created": self.created, "tests": self.tests}


@dataclass(frozen=True)
class Run:
    id: str
    tool_version: str
    catalog_checked: str | None
    created: str
    complete: bool = True
    incomplete_reasons: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    exit_status: int | None = None
    session_failure: str | None = None
    shards: tuple[Shard, ...] | None = None  # merged reports only

    def to_json(self) -> dict[str, Any]:
        out = {"id": self.id, "tool_version": self.tool_version, "catalog_checked": self.catalog_checked,
               "created": self.created, "complete": self.complete, "incomplete_reasons": list(self.incomplete_reasons),
               "notes": list(self.notes), "exit_status": self.exit_status, "session_failure": self.session_failure}
        if self.shards is not None:
            out["shards"] = [s.to_json() for s in self.shards]
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Run:
        shards = data.get("shards")
        return cls(data["id"], data["tool_version"], data["catalog_checked"], data["created"], data["complete"],
                   tuple(data["incomplete_reasons"]), tuple(data.get("notes", ())), data.get("exit_status"),
                   data.get("session_failure"),
                   None if shards is None else tuple(Shard(s["id"], s["source"], s.get("created"), s.get("tests", 0))
                                                     for s in shards))


@dataclass(frozen=True)
class RunTotals:
    live: Totals = Totals()
    replayed: Totals = Totals()  # mocked / cassette calls: what they would cost live
    charged: Amounts = Amounts()  # what the budgets were charged
    refused: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"live": self.live.to_json(), "replayed": self.replayed.to_json(), "charged": self.charged.to_json(),
                "refused": self.refused}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RunTotals:
        return cls(Totals.from_json(data["live"]), Totals.from_json(data["replayed"]),
                   Amounts.from_json(data["charged"]), data["refused"])


@dataclass(frozen=True)
class Report:
    run: Run
    budgets: Budgets = Budgets()
    totals: RunTotals = RunTotals()
    models: tuple[ModelRow, ...] = ()
    tests: tuple[TestResult, ...] = ()
    unattributed_calls: tuple[Call, ...] = ()
    refused: tuple[Refusal, ...] = ()
    comparison: Comparison | None = None

    def calls(self) -> Iterator[Call]:
        """Every call of the run: the tests' and those made outside any test."""
        for t in self.tests:
            yield from t.calls
        yield from self.unattributed_calls

    def to_json(self) -> dict[str, Any]:
        """The JSON report (schema version 1): plain values, money as decimal strings."""
        out = {"schema": SCHEMA, "version": VERSION, "run": self.run.to_json(), "budgets": self.budgets.to_json(),
               "totals": self.totals.to_json(), "models": [m.to_json() for m in self.models],
               "tests": [t.to_json() for t in self.tests],
               "unattributed_calls": [c.to_json() for c in self.unattributed_calls],
               "refused": [r.to_json() for r in self.refused]}
        if self.comparison is not None:
            out["comparison"] = self.comparison.as_json()
        return out

    @classmethod
    def from_json(cls, data: Any, source: str = "report") -> Report:
        """A report from JSON data, checked against ``schema.json``. Raises :class:`ReportError`."""
        check_report(data, source)
        return cls(Run.from_json(data["run"]), Budgets.from_json(data["budgets"]),
                   RunTotals.from_json(data["totals"]), tuple(ModelRow.from_json(m) for m in data["models"]),
                   tuple(TestResult.from_json(t) for t in data["tests"]),
                   tuple(Call.from_json(c) for c in data["unattributed_calls"]),
                   tuple(Refusal.from_json(r) for r in data["refused"]),
                   None if data.get("comparison") is None else Comparison.from_json(data["comparison"]))


def incomplete_reasons(totals: Totals, extra: Iterable[str] = ()) -> list[str]:
    """Why a run's figures are not the whole story (empty when they are)."""
    out = list(extra)
    if totals.unpriced:
        out.append(f"{totals.unpriced} call(s) could not be priced (unknown model or price): cost is a lower bound")
    if totals.usage_unknown:
        out.append(f"{totals.usage_unknown} call(s) returned no usable usage: their tokens are unknown")
    if totals.incomplete_streams:
        out.append(f"{totals.incomplete_streams} stream(s) ended early: output is what was seen")
    return out


def load_report(path: str | os.PathLike[str]) -> Report:
    """Read and check a ``--token-budget-json`` file. Raises :class:`ReportError`."""
    return Report.from_json(load_json(path), str(path))
