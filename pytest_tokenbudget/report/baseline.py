"""Cost baselines: save each test's cost, compare a run with a saved one.

The baseline file is small and diff-friendly (one test per line, sorted)::

    {"schema": "pytest-tokenbudget/baseline", "version": 1, "created": "...", "tool_version": "...",
     "catalog_checked": "2026-11-24",
     "tests": {
      "tests/test_a.py::test_x": {"calls": 2, "cost_usd": "0.0123", "total_tokens": 4567},
      ...}}

Anything that takes a baseline also takes a full ``--token-budget-json`` report.

What is compared: a test's *priced* cost, live and replayed calls alike (a cassette-backed CI run
compares with a live baseline). Tests that were skipped are not compared.

The verdict for one test, with tolerance ``max_increase`` (a fraction: 0.2 = 20%) and the absolute
floor ``min_change`` (USD, default $0.0001):

* **more expensive** (fails): ``cost - baseline > min_change`` and ``cost > baseline * (1 + max_increase)``;
  a test that cost nothing in the baseline and now costs more than the floor counts too;
* **much cheaper** (listed, so the baseline gets refreshed; fails only on request):
  ``baseline - cost > min_change`` and ``cost < baseline * (1 - max_increase)``;
* otherwise within tolerance. The floor is why $0.000001 -> $0.000002 is not a "+100%" failure:
  changes smaller than a hundredth of a cent are noise, whatever their percentage.

Tests in the run but not in the baseline are *new*; tests in the baseline that did not run are
*not run*; neither fails.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pytest_tokenbudget.core.cost import money_str
from pytest_tokenbudget.plugin.ledger.ledger import fmt_usd
from pytest_tokenbudget.report.json_report import SCHEMA as REPORT_SCHEMA
from pytest_tokenbudget.report.json_report import ReportError, cost_of, load_json, report_from_data

__all__ = [
    "BASELINE_SCHEMA",
    "DEFAULT_MAX_INCREASE",
    "DEFAULT_MIN_CHANGE",
    "Baseline",
    "BaselineTest",
    "Comparison",
    "Row",
    "baseline_from_report",
    "compare",
    "load_baseline",
    "parse_percent",
    "parse_usd",
    "write_baseline",
]

BASELINE_SCHEMA = "pytest-tokenbudget/baseline"
BASELINE_VERSION = 1
DEFAULT_MAX_INCREASE = Decimal("0.2")
DEFAULT_MIN_CHANGE = Decimal("0.0001")
_NOT_RUN_OUTCOMES = frozenset({"skipped"})


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


def parse_usd(text: Any, what: str) -> Decimal:
    raw = str(text).strip().lstrip("$")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"{what}: expected a dollar amount such as 0.0001, got {text!r}") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"{what}: expected a dollar amount >= 0, got {text!r}")
    return value


def pct_str(fraction: Decimal) -> str:
    """``Decimal("0.2")`` -> ``"20%"``; ``0.125`` -> ``"12.5%"``."""
    pct = (fraction * 100).quantize(Decimal("0.1"))
    return f"{pct.normalize():f}%"


# ----------------------------------------------------------------------------- baseline data
@dataclass(frozen=True)
class BaselineTest:
    cost_usd: Decimal
    calls: int = 0
    total_tokens: int = 0
    complete: bool = True


@dataclass
class Baseline:
    tests: dict[str, BaselineTest]
    source: str = ""
    created: str | None = None
    catalog_checked: str | None = None

    def as_json(self) -> dict[str, Any]:
        from pytest_tokenbudget.core.version import __version__
        return {"schema": BASELINE_SCHEMA, "version": BASELINE_VERSION, "created": self.created,
                "tool_version": __version__, "catalog_checked": self.catalog_checked,
                "tests": {n: _test_json(t) for n, t in sorted(self.tests.items())}}


def _test_json(t: BaselineTest) -> dict[str, Any]:
    out: dict[str, Any] = {"calls": t.calls, "cost_usd": money_str(t.cost_usd), "total_tokens": t.total_tokens}
    if not t.complete:
        out["complete"] = False
    return out


def baseline_from_report(report: Mapping[str, Any], source: str = "") -> Baseline:
    """Per-test costs from a run report (skipped tests left out: they say nothing about cost)."""
    tests: dict[str, BaselineTest] = {}
    for t in report["tests"]:
        if t.get("outcome") in _NOT_RUN_OUTCOMES:
            continue
        live, replayed = t.get("live", {}), t.get("replayed", {})
        tests[t["nodeid"]] = BaselineTest(
            cost_of(t), int(live.get("calls", 0)) + int(replayed.get("calls", 0)),
            int(live.get("total_tokens", 0)) + int(replayed.get("total_tokens", 0)), bool(t.get("complete", True)))
    run = report.get("run", {})
    return Baseline(tests, source, run.get("created"), run.get("catalog_checked"))


def write_baseline(path: str | os.PathLike[str], baseline: Baseline) -> Path:
    """One test per line, sorted, so that a baseline in git diffs well."""
    data = baseline.as_json()
    if data["created"] is None:
        data["created"] = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    tests = data.pop("tests")
    head = json.dumps(data, ensure_ascii=False)[:-1]
    lines = [f" {json.dumps(n, ensure_ascii=False)}: {json.dumps(t, sort_keys=True)}" for n, t in tests.items()]
    text = head + ', "tests": {' + ("\n" + ",\n".join(lines) + "\n" if lines else "") + "}}\n"
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(f".{p.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, p)
    return p


def baseline_from_data(data: Any, source: str) -> Baseline:
    if isinstance(data, dict) and data.get("schema") == REPORT_SCHEMA:
        return baseline_from_report(report_from_data(data, source), source)
    if not isinstance(data, dict) or data.get("schema") != BASELINE_SCHEMA:
        raise ReportError(f"{source}: not a pytest-tokenbudget baseline or report (write one with "
                          "pytest --token-budget-save=PATH or --token-budget-json=PATH)")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ReportError(f"{source}: unknown baseline version {version!r}")
    if version > BASELINE_VERSION:
        raise ReportError(f"{source}: baseline version {version} is newer than this tokenbudget understands "
                          f"(up to {BASELINE_VERSION}); upgrade pytest-tokenbudget")
    raw = data.get("tests")
    if not isinstance(raw, dict):
        raise ReportError(f"{source}: \"tests\" missing or not an object")
    tests = {}
    for nodeid, t in raw.items():
        if not isinstance(t, dict):
            raise ReportError(f"{source}: {nodeid}: expected an object")
        try:
            cost = parse_usd(t.get("cost_usd"), f"{source}: {nodeid} cost_usd")
        except ValueError as exc:
            raise ReportError(str(exc)) from None
        tests[nodeid] = BaselineTest(cost, int(t.get("calls") or 0), int(t.get("total_tokens") or 0),
                                     bool(t.get("complete", True)))
    return Baseline(tests, source, data.get("created"), data.get("catalog_checked"))


def load_baseline(path: str | os.PathLike[str]) -> Baseline:
    """A baseline file or a JSON report. Raises :class:`ReportError`."""
    return baseline_from_data(load_json(path), str(path))


# ----------------------------------------------------------------------------- comparison
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
                "cost_usd": None if self.cost is None else money_str(self.cost),
                "baseline_usd": None if self.baseline is None else money_str(self.baseline),
                "delta_usd": None if self.delta is None else money_str(self.delta),
                "change": None if self.change is None else float(self.change.quantize(Decimal("0.0001"))),
                "complete": self.complete}


def verdict(cost: Decimal, base: Decimal, max_increase: Decimal, min_change: Decimal) -> str:
    """``more``, ``cheaper`` or ``same`` for one test's cost against its baseline cost."""
    delta = cost - base
    if delta > min_change and cost > base * (1 + max_increase):
        return "more"
    if -delta > min_change and cost < base * (1 - max_increase):
        return "cheaper"
    return "same"


def describe(row: Row, max_increase: Decimal) -> str:
    """pytest-django style: ``cost $0.0150, baseline $0.0100 (+50%, allowed +20%)``."""
    if row.cost is None:
        return f"not run, baseline {fmt_usd(row.baseline)}"
    if row.baseline is None:
        return f"cost {fmt_usd(row.cost)}, not in the baseline"
    if row.baseline == 0:
        change = "new spend" if row.cost else "no change"
    else:
        pct = (row.change * 100).quantize(Decimal(1))
        change = f"{'+' if pct >= 0 else '-'}{abs(pct)}%"
    lower = "" if row.complete else " (incomplete: some calls could not be priced)"
    return (f"cost {fmt_usd(row.cost)}{lower}, baseline {fmt_usd(row.baseline)} "
            f"({change}, allowed +{pct_str(max_increase)})")


@dataclass
class Comparison:
    rows: list[Row]
    max_increase: Decimal = DEFAULT_MAX_INCREASE
    min_change: Decimal = DEFAULT_MIN_CHANGE
    baseline_source: str = ""
    notes: list[str] = field(default_factory=list)

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
        return {"schema": "pytest-tokenbudget/comparison", "version": 1, "baseline": self.baseline_source,
                "max_increase": pct_str(self.max_increase), "min_change_usd": money_str(self.min_change),
                "cost_usd": money_str(self.total("cost")), "baseline_usd": money_str(self.total("baseline")),
                "more_expensive": len(self.more), "cheaper": len(self.cheaper),
                "new": len(self.having("new")), "not_run": len(self.having("not run")), "notes": self.notes,
                "tests": [r.as_json() for r in self.rows]}


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
    return Comparison(rows, max_increase, min_change, baseline.source)


def current_from_report(report: Mapping[str, Any]) -> list[tuple[str, Decimal, bool]]:
    """``(node id, cost, complete)`` of the tests of a report that ran (skipped ones left out)."""
    return [(t["nodeid"], cost_of(t), bool(t.get("complete", True))) for t in report["tests"]
            if t.get("outcome") not in _NOT_RUN_OUTCOMES]
