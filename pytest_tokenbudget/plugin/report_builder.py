"""The run's report model (:mod:`pytest_tokenbudget.report.model`), built once from the ledger.

Pure: no pytest here. The plugin hands in the ledger's entries, what it knows of each test and the
settings; every output (terminal, JSON, JUnit, job summary) renders what this returns.
"""

from __future__ import annotations

import datetime as _dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from pytest_tokenbudget.core.text import redact
from pytest_tokenbudget.plugin.ledger.ledger import (
    Amounts,
    Budget,
    Entry,
    Limits,
    Totals,
)
from pytest_tokenbudget.report import model as m
from pytest_tokenbudget.report.comparison import Comparison

__all__ = ["TestInfo", "build_report", "build_test", "call_of"]


@dataclass
class TestInfo:
    """What the plugin learned about one test from its reports."""

    __test__ = False

    nodeid: str
    outcome: str = "unknown"  # passed | failed | error | skipped | xfailed | xpassed | unknown
    limits: Mapping[str, Any] | None = None  # Limits.as_json() of the test budget


def _totals(entries: Iterable[Entry]) -> m.Totals:
    t = Totals.of(entries)
    return m.Totals(**{f.name: getattr(t, f.name) for f in fields(m.Totals)})


def _amounts(a: Amounts | None) -> m.Amounts | None:
    return None if a is None else m.Amounts(a.usd, a.input_tokens, a.output_tokens, a.calls)


def _usage(entry: Entry) -> dict[str, Any] | None:
    u = entry.usage
    if u is None:
        return None
    return {"input_tokens": u.input_tokens, "cache_write_5m_tokens": u.cache_write_5m_tokens,
            "cache_write_1h_tokens": u.cache_write_1h_tokens, "cache_read_tokens": u.cache_read_tokens,
            "output_tokens": u.output_tokens, "web_search_requests": u.web_search_requests,
            "web_fetch_requests": u.web_fetch_requests, "service_tier": u.service_tier, "speed": u.speed,
            "inference_geo": u.inference_geo}


def call_of(entry: Entry) -> m.Call:
    """One ledger entry as the report shows it."""
    return m.Call.from_json({
        "seq": entry.seq, "phase": entry.phase, "api": entry.api, "endpoint": entry.endpoint,
        "model": entry.priced_model, "request_model": entry.request_model, "response_model": entry.response_model,
        "live": entry.live, "streamed": entry.streamed, "complete": entry.complete, "status": entry.status,
        "attempt": entry.attempt, "duration_s": round(entry.duration_s, 6), "max_tokens": entry.max_tokens,
        "input_estimate": entry.input_estimate, "usage": _usage(entry),
        "cost": entry.cost.as_json() if entry.cost is not None else None, "cost_usd": entry.cost_usd,
        "charged": entry.charged.as_json(), "worst": entry.worst.as_json() if entry.worst is not None else None,
        "refused": entry.refused, "refused_by": entry.refused_by, "usage_unknown": entry.usage_unknown,
        "unpriced": entry.unpriced, "error": entry.error, "flags": entry.flags(), "batch": entry.batch,
    })


def _split(entries: Iterable[Entry]) -> tuple[list[Entry], list[Entry]]:
    """(live, replayed): refused calls count as live (they never left, but they were live attempts)."""
    live, replayed = [], []
    for e in entries:
        (live if e.live or e.refused else replayed).append(e)
    return live, replayed


def _charged(entries: Iterable[Entry]) -> m.Amounts:
    total = Amounts()
    for e in entries:
        if not e.refused:
            total = total + e.charged
    return _amounts(total)


def _limits(limits_json: Mapping[str, Any] | None) -> Limits:
    try:
        return Limits.from_json(limits_json or {})
    except (ValueError, TypeError):
        return Limits()


def _overruns(limits: Limits, nodeid: str, entries: list[Entry]) -> list[str]:
    """The test budget's overruns, recomputed from its limits and what its calls were charged."""
    if not limits:
        return []
    b = Budget("test", nodeid, limits)
    for e in entries:
        if not e.refused:
            b.settle(Amounts(), e.charged, e)
    return [o.describe() for o in b.overruns()]


def build_test(info: TestInfo, entries: Iterable[Entry]) -> m.TestResult:
    """One test's part of the report (also what its JUnit properties render)."""
    entries = list(entries)
    live, replayed = _split(entries)
    lt, rt = _totals(live), _totals(replayed)
    limits = _limits(info.limits)
    nodeid = redact(info.nodeid)  # an API key as a parametrize value is part of the id
    overruns = _overruns(limits, nodeid, entries)
    return m.TestResult(nodeid, info.outcome, m.Limits.from_json(limits.as_json()), bool(overruns),
                        tuple(overruns), lt.cost_usd + rt.cost_usd, lt.complete and rt.complete, lt, rt,
                        _charged(entries), tuple(call_of(e) for e in entries))


# When redaction makes two ids one (the same test parametrized with two keys), the row keeps the
# worst outcome; the ledger already files both tests' calls under the redacted id.
_SEVERITY = ("error", "failed", "xpassed", "passed", "xfailed", "skipped", "unknown")


def _redacted_infos(tests: Mapping[str, TestInfo] | Iterable[TestInfo]) -> dict[str, TestInfo]:
    out: dict[str, TestInfo] = {}
    for t in (tests.values() if isinstance(tests, Mapping) else tests):
        nodeid = redact(t.nodeid)
        seen = out.get(nodeid)
        if seen is None:
            out[nodeid] = TestInfo(nodeid, t.outcome, t.limits)
        elif _rank(t.outcome) < _rank(seen.outcome):
            seen.outcome = t.outcome
    return out


def _rank(outcome: str) -> int:
    return _SEVERITY.index(outcome) if outcome in _SEVERITY else len(_SEVERITY)


def _models(entries: list[Entry]) -> tuple[m.ModelRow, ...]:
    groups: dict[str, tuple[list[Entry], list[Entry]]] = {}
    for e in entries:
        if e.refused:
            continue
        live, replayed = groups.setdefault(e.priced_model or "?", ([], []))
        (live if e.live else replayed).append(e)
    rows = [m.ModelRow(name, _totals(lv), _totals(rp)) for name, (lv, rp) in groups.items()]
    rows.sort(key=lambda r: (-(r.live.cost_usd + r.replayed.cost_usd), r.model))
    return tuple(rows)


def _setting(setting: Any) -> m.Setting:
    return m.Setting(getattr(setting, "value", None), getattr(setting, "source", "") or "")


def budgets_of(settings: Any, *, preflight: bool | None = None, unknown_model: str | None = None,
               count_replayed: bool = True) -> m.Budgets:
    """The budgets part of the report from the plugin's Settings (``per_test`` / ``session``)."""
    return m.Budgets(_setting(getattr(settings, "per_test", None)), _setting(getattr(settings, "session", None)),
                     bool(getattr(settings, "preflight", True) if preflight is None else preflight),
                     unknown_model or getattr(settings, "unknown_model", "") or "error", bool(count_replayed))


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def build_report(entries: Iterable[Entry], tests: Mapping[str, TestInfo] | Iterable[TestInfo] = (), *,
                 settings: Any = None, preflight: bool | None = None, unknown_model: str | None = None,
                 count_replayed: bool = True, catalog_checked: Any = None, exit_status: int | None = None,
                 session_failure: str | None = None, extra_reasons: Iterable[str] = (),
                 notes: Iterable[str] = (), run_id: str | None = None, created: str | None = None,
                 comparison: Comparison | None = None) -> m.Report:
    """The report of a run: ``entries`` are the ledger's (all of them, refused calls included);
    ``tests`` what is known of each test (outcome, budget)."""
    from pytest_tokenbudget.core.version import __version__

    entries = list(entries)
    infos = _redacted_infos(tests)  # entries carry redacted ids already (the ledger's _make_entry)
    by_test: dict[str | None, list[Entry]] = {}
    for e in entries:
        by_test.setdefault(e.nodeid, []).append(e)
    for nodeid in by_test:
        if nodeid is not None and nodeid not in infos:
            infos[nodeid] = TestInfo(nodeid)
    live, replayed = _split(entries)
    lt, rt = _totals(live), _totals(replayed)
    reasons = m.incomplete_reasons(lt + rt, extra_reasons)
    run = m.Run(run_id or uuid.uuid4().hex, __version__, None if catalog_checked is None else str(catalog_checked),
                created or _now(), not reasons, tuple(reasons), tuple(notes),
                None if exit_status is None else int(exit_status), session_failure)
    refused = tuple(m.Refusal(e.nodeid, e.phase, e.request_model, e.refused_by, _amounts(e.worst), e.error or "")
                    for e in entries if e.refused)
    return m.Report(run, budgets_of(settings, preflight=preflight, unknown_model=unknown_model,
                                    count_replayed=count_replayed),
                    m.RunTotals(lt, rt, _charged(entries), lt.refused + rt.refused), _models(entries),
                    tuple(build_test(infos[n], by_test.get(n, [])) for n in sorted(infos)),
                    tuple(call_of(e) for e in by_test.get(None, [])), refused, comparison)
