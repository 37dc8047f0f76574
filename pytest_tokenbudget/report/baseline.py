"""Cost baselines: save each test's cost, compare a run with a saved one.

The baseline file is small and diff-friendly (one test per line, sorted)::

    {"schema": "pytest-tokenbudget/baseline", "version": 1, "created": "...", "tool_version": "...",
     "catalog_checked": "2026-11-24",
     "tests": {
      "tests/test_a.py::test_x": {"calls": 2, "cost_usd": "0.0123", "total_tokens": 4567},
      ...}}

Anything that takes a baseline also takes a full ``--token-budget-json`` report.

What is compared: a test's *priced* cost, live and replayed calls alike (a cassette-backed CI run
compares with a live baseline). Tests that were skipped are not compared. The verdict and its
wording: :mod:`.comparison` (re-exported here).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pytest_tokenbudget.core.money import decimal_str
from pytest_tokenbudget.core.text import atomic_write, redact
from pytest_tokenbudget.report.comparison import (
    DEFAULT_MAX_INCREASE,
    DEFAULT_MIN_CHANGE,
    Baseline,
    BaselineTest,
    Comparison,
    Row,
    compare,
    describe,
    parse_percent,
    pct_str,
    verdict,
)
from pytest_tokenbudget.report.model import SCHEMA as REPORT_SCHEMA
from pytest_tokenbudget.report.model import Report, ReportError
from pytest_tokenbudget.report.validate import load_json

__all__ = [  # and, for callers' convenience, the comparison names imported above
    "BASELINE_SCHEMA",
    "baseline_from_report",
    "baseline_json",
    "current_from_report",
    "load_baseline",
    "parse_usd",
    "write_baseline",
]

BASELINE_SCHEMA = "pytest-tokenbudget/baseline"
BASELINE_VERSION = 1
_NOT_RUN_OUTCOMES = frozenset({"skipped"})


def parse_usd(text: Any, what: str) -> Decimal:
    raw = str(text).strip().lstrip("$")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"{what}: expected a dollar amount such as 0.0001, got {text!r}") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"{what}: expected a dollar amount >= 0, got {text!r}")
    return value


def _test_json(t: BaselineTest) -> dict[str, Any]:
    out: dict[str, Any] = {"calls": t.calls, "cost_usd": decimal_str(t.cost_usd), "total_tokens": t.total_tokens}
    if not t.complete:
        out["complete"] = False
    return out


def baseline_json(baseline: Baseline) -> dict[str, Any]:
    """The baseline file's content (``created`` is now when the baseline has none)."""
    from pytest_tokenbudget.core.version import __version__
    created = baseline.created or _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat() \
        .replace("+00:00", "Z")
    return {"schema": BASELINE_SCHEMA, "version": BASELINE_VERSION, "created": created,
            "tool_version": __version__, "catalog_checked": baseline.catalog_checked,
            "tests": {n: _test_json(t) for n, t in sorted(_redacted(baseline.tests).items())}}


def _redacted(tests: dict[str, BaselineTest]) -> dict[str, BaselineTest]:
    """Test ids with secrets redacted (the file is meant to be committed; an API key used as a
    parametrize value is part of the id); tests whose ids become one are summed."""
    out: dict[str, BaselineTest] = {}
    for nodeid, t in tests.items():
        safe = redact(nodeid)
        seen = out.get(safe)
        out[safe] = t if seen is None else BaselineTest(seen.cost_usd + t.cost_usd, seen.calls + t.calls,
                                                          seen.total_tokens + t.total_tokens,
                                                          seen.complete and t.complete)
    return out


def baseline_from_report(report: Report, source: str = "") -> Baseline:
    """Per-test costs from a run report (skipped tests left out: they say nothing about cost)."""
    tests = {t.nodeid: BaselineTest(t.cost_usd, t.live.calls + t.replayed.calls,
                                    t.live.total_tokens + t.replayed.total_tokens, t.complete)
             for t in report.tests if t.outcome not in _NOT_RUN_OUTCOMES}
    return Baseline(tests, source, report.run.created, report.run.catalog_checked)


def write_baseline(path: str | os.PathLike[str], baseline: Baseline) -> Path:
    """One test per line, sorted, so that a baseline in git diffs well."""
    data = baseline_json(baseline)
    tests = data.pop("tests")
    head = json.dumps(data, ensure_ascii=False)[:-1]
    lines = [f" {json.dumps(n, ensure_ascii=False)}: {json.dumps(t, sort_keys=True)}" for n, t in tests.items()]
    atomic_write(path, head + ', "tests": {' + ("\n" + ",\n".join(lines) + "\n" if lines else "") + "}}\n")
    return Path(path)


def baseline_from_data(data: Any, source: str) -> Baseline:
    if isinstance(data, dict) and data.get("schema") == REPORT_SCHEMA:
        return baseline_from_report(Report.from_json(data, source), source)
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


def current_from_report(report: Report) -> list[tuple[str, Decimal, bool]]:
    """``(node id, cost, complete)`` of the tests of a report that ran (skipped ones left out)."""
    return [(t.nodeid, t.cost_usd, t.complete) for t in report.tests if t.outcome not in _NOT_RUN_OUTCOMES]
