"""Per-test cost against a baseline: the verdict, the rows, their wording.

The verdict for one test, with tolerance ``max_increase`` (a fraction: 0.2 = 20%) and the absolute
floor ``min_change`` (USD, default $0.0001):

* **more expensive** (fails): ``cost - baseline > min_change`` and ``cost > baseline * (1 + max_increase)``;
  a test that cost nothing in the baseline and now costs more than the floor counts too;
* **much cheaper** (listed, so the baseline gets refreshed; fails only on request):
  ``baseline - cost > min_change`` and ``cost < baseline * (1 - max_increase)``;
* otherwise within tolerance. The floor is why $0.000001 -> $0.000002 is not a "+100%" failure:
  changes smaller than a hundredth of a cent are noise, whatever their percentage.

Tests in the run but not in the baseline are *new*; tests in the baseline that did not run are
*not run*; neither fails. Files (reading and writing baselines) are in :mod:`.baseline`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from pytest_tokenbudget.core.money import decimal_str, format_usd, format_usd_pair

__all__ = [
    "COMPARISON_SCHEMA",
    "DEFAULT_MAX_INCREASE",
    "DEFAULT_MIN_CHANGE",
    "Baseline",
    "BaselineTest",
    "Comparison",
    "Row",
    "compare",
    "describe",
    "parse_percent",
    "pct_str",
    "verdict",
]

COMPARISON_SCHEMA = "pytest-tokenbudget/comparison"
DEFAULT_MAX_INCREASE = Decimal("0.2")
DEFAULT_MIN_CHANGE = Decimal("0.0001")


def parse_percent(text: Any, what: str = "max increase") -> Decimal:
    """``"20%"``, ``"20"`` or ``20`` -> ``Decimal("0.2")``. Raises ValueError with a usable message."""
    raw = str(text).strip()
    try:
        value = Decimal(raw.removesuffix("%").strip())
    except InvalidOperation:
        raise ValueError(f"{what}: expected a percentage such as 20%, got {text!r}") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"{what}: expected a percentage >= 0 such as 20%, got {text!r}")
    return value / 100


def pct_str(fraction: Decimal) -> str:
    """``Decimal("0.2")`` -> ``"20%"``; ``0.125`` -> ``"12.5%"``."""
    pct = (fraction * 100).quantize(Decimal("0.1"))
    return f"{pct.normalize():f}%"


@dataclass(frozen=True)
class BaselineTest:
    cost_usd: Decimal
    calls: int = 0
    total_tokens: int = 0
    complete: bool = True


@dataclass(frozen=True)
class Baseline:
    """Per-test costs to compare a run with (a baseline file, or a report read as one)."""

    tests: Mapping[str, BaselineTest]
    source: str = ""
    created: str | None = None
    catalog_checked: str | None = None


@dataclass(frozen=True)
class Row:
    nodeid: str
    status: str  # more | cheaper | same | new | not run
    cost: Decimal | None  # None: did not run
    baseline: Decimal | None  # None: not in the baseline
    complete: bool = True

    @property
    def delta(self) -> Decimal | None:
        if self.cost is None or self.baseline is None:
            return None
        return self.cost - self.baseline

    @property
    def change(self) -> Decimal | None:
        """Relative change (0.5 = +50%); None when the baseline is 0 or a side is missing."""
        if self.delta is None or not self.baseline:
            return None
        return self.delta / self.baseline

    def as_json(self) -> dict[str, Any]:
        return {"nodeid": self.nodeid, "status": self.status,
                "cost_usd": None if self.cost is None else decimal_str(self.cost),
                "baseline_usd": None if self.baseline is None else decimal_str(self.baseline),
                "delta_usd": None if self.delta is None else decimal_str(self.delta),
                "change": None if self.change is None else float(self.change.quantize(Decimal("0.0001"))),
                "complete": self.complete}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Row:
        def usd(key: str) -> Decimal | None:
            return None if data.get(key) is None else Decimal(data[key])
        return cls(data["nodeid"], data["status"], usd("cost_usd"), usd("baseline_usd"),
                   bool(data.get("complete", True)))


def verdict(cost: Decimal, base: Decimal, max_increase: Decimal, min_change: Decimal) -> str:
    """``more``, ``cheaper`` or ``same`` for one test's cost against its baseline cost."""
    delta = cost - base
    if delta > min_change and cost > base * (1 + max_increase):
        return "more"
    if -delta > min_change and cost < base * (1 - max_increase):
        return "cheaper"
    return "same"


def describe(row: Row, max_increase: Decimal) -> str:
    """pytest-django style: ``cost $0.015, baseline $0.01 (+50%, allowed +20%)``."""
    if row.cost is None:
        return f"not run, baseline {format_usd(row.baseline)}"
    if row.baseline is None:
        return f"cost {format_usd(row.cost)}, not in the baseline"
    if row.baseline == 0:
        change = "new spend" if row.cost else "no change"
    else:
        pct = (row.change * 100).quantize(Decimal(1))
        change = f"{'+' if pct >= 0 else '-'}{abs(pct)}%"
    lower = "" if row.complete else " (incomplete: some calls could not be priced)"
    cost, base = format_usd_pair(row.cost, row.baseline)
    return f"cost {cost}{lower}, baseline {base} ({change}, allowed +{pct_str(max_increase)})"


@dataclass(frozen=True)
class Comparison:
    rows: tuple[Row, ...]
    max_increase: Decimal = DEFAULT_MAX_INCREASE
    min_change: Decimal = DEFAULT_MIN_CHANGE
    baseline_source: str = ""
    notes: tuple[str, ...] = field(default=())

    def having(self, status: str) -> list[Row]:
        return [r for r in self.rows if r.status == status]

    @property
    def more(self) -> list[Row]:
        """More expensive beyond the tolerance, worst (largest increase) first."""
        return sorted(self.having("more"), key=lambda r: (-(r.delta or 0), r.nodeid))

    @property
    def cheaper(self) -> list[Row]:
        return sorted(self.having("cheaper"), key=lambda r: (r.delta or 0, r.nodeid))

    def total(self, which: str) -> Decimal:
        """Sum of ``cost`` or ``baseline`` over the tests that are on both sides."""
        both = [r for r in self.rows if r.cost is not None and r.baseline is not None]
        return sum(((r.cost if which == "cost" else r.baseline) for r in both), Decimal(0))

    def describe(self, row: Row) -> str:
        return describe(row, self.max_increase)

    def as_json(self) -> dict[str, Any]:
        return {"schema": COMPARISON_SCHEMA, "version": 1, "baseline": self.baseline_source,
                "max_increase": pct_str(self.max_increase), "min_change_usd": decimal_str(self.min_change),
                "cost_usd": decimal_str(self.total("cost")), "baseline_usd": decimal_str(self.total("baseline")),
                "more_expensive": len(self.more), "cheaper": len(self.cheaper),
                "new": len(self.having("new")), "not_run": len(self.having("not run")), "notes": list(self.notes),
                "tests": [r.as_json() for r in self.rows]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Comparison:
        return cls(tuple(Row.from_json(r) for r in data.get("tests", ())), parse_percent(data["max_increase"]),
                   Decimal(data["min_change_usd"]), data.get("baseline", ""), tuple(data.get("notes", ())))


def compare(current: Mapping[str, tuple[Decimal, bool]] | Iterable[tuple[str, Decimal, bool]], baseline: Baseline,
            *, max_increase: Decimal = DEFAULT_MAX_INCREASE, min_change: Decimal = DEFAULT_MIN_CHANGE) -> Comparison:
    """Compare ``current`` (node id -> (cost, complete), tests that ran) with ``baseline``."""
    if isinstance(current, Mapping):
        items = [(n, c, ok) for n, (c, ok) in current.items()]
    else:
        items = list(current)
    seen = set()
    rows = []
    for nodeid, cost, complete in items:
        seen.add(nodeid)
        base = baseline.tests.get(nodeid)
        if base is None:
            rows.append(Row(nodeid, "new", cost, None, complete))
        else:
            rows.append(Row(nodeid, verdict(cost, base.cost_usd, max_increase, min_change), cost, base.cost_usd,
                            complete))
    for nodeid, base in baseline.tests.items():
        if nodeid not in seen:
            rows.append(Row(nodeid, "not run", None, base.cost_usd))
    rows.sort(key=lambda r: r.nodeid)
    return Comparison(tuple(rows), max_increase, min_change, baseline.source)
