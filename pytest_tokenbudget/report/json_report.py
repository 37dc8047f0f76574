"""The ``--token-budget-json`` report: build it from a run's ledger, write it, read it back.

The format is versioned (``"schema": "pytest-tokenbudget/report", "version": 1``) and described by
``report/schema.json`` (JSON Schema draft 2020-12). Readers of version 1 ignore keys they do not
know, so later minor additions do not need a new version; a change of meaning does.

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

Money is a decimal string everywhere (``"0.000052"``), never a float. A *Totals* object is
:meth:`pytest_tokenbudget.plugin.ledger.ledger.Totals.as_json` (calls, refused, input_tokens, cache_write_tokens,
cache_read_tokens, output_tokens, cost_usd, unpriced, usage_unknown, incomplete_streams, errors,
total_tokens, cache_hit_rate, complete).

Pure: no pytest here. The plugin hands in the ledger, what it knows of each test and the settings.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pytest_tokenbudget.core.cost import money_str
from pytest_tokenbudget.plugin.ledger.ledger import Amounts, Budget, Entry, Limits, Totals

__all__ = [
    "SCHEMA",
    "VERSION",
    "ReportError",
    "TestInfo",
    "build_report",
    "call_json",
    "cost_of",
    "load_json",
    "load_report",
    "load_schema",
    "report_from_data",
    "write_json",
]

SCHEMA = "pytest-tokenbudget/report"
VERSION = 1
_MONEY_OK = frozenset("0123456789.")


class ReportError(ValueError):
    """A file that is not a report this version can read (its message names the file)."""


@dataclass
class TestInfo:
    """What the plugin learned about one test from its reports."""

    __test__ = False

    nodeid: str
    outcome: str = "unknown"  # passed | failed | error | skipped | xfailed | xpassed | unknown
    limits: Mapping[str, Any] | None = None  # Limits.as_json() of the test budget


# ----------------------------------------------------------------------------- building
def _usage_json(entry: Entry) -> dict[str, Any] | None:
    u = entry.usage
    if u is None:
        return None
    return {"input_tokens": u.input_tokens, "cache_write_5m_tokens": u.cache_write_5m_tokens,
            "cache_write_1h_tokens": u.cache_write_1h_tokens, "cache_read_tokens": u.cache_read_tokens,
            "output_tokens": u.output_tokens, "web_search_requests": u.web_search_requests,
            "web_fetch_requests": u.web_fetch_requests, "service_tier": u.service_tier, "speed": u.speed,
            "inference_geo": u.inference_geo}


def call_json(entry: Entry) -> dict[str, Any]:
    """One call as the report shows it (plain values; money as decimal strings)."""
    return {
        "seq": entry.seq, "phase": entry.phase, "api": entry.api, "endpoint": entry.endpoint,
        "model": entry.priced_model, "request_model": entry.request_model, "response_model": entry.response_model,
        "live": entry.live, "streamed": entry.streamed, "complete": entry.complete, "status": entry.status,
        "attempt": entry.attempt, "duration_s": round(entry.duration_s, 6), "max_tokens": entry.max_tokens,
        "input_estimate": entry.input_estimate, "usage": _usage_json(entry),
        "cost": entry.cost.as_json() if entry.cost is not None else None,
        "cost_usd": money_str(entry.cost_usd) if entry.cost_usd is not None else None,
        "charged": entry.charged.as_json(), "worst": entry.worst.as_json() if entry.worst is not None else None,
        "refused": entry.refused, "refused_by": entry.refused_by, "usage_unknown": entry.usage_unknown,
        "unpriced": entry.unpriced, "error": entry.error, "flags": entry.flags(),
    }


def _split(entries: Iterable[Entry]) -> tuple[list[Entry], list[Entry]]:
    """(live, replayed): refused calls count as live (they never left, but they were live attempts)."""
    live, replayed = [], []
    for e in entries:
        (live if e.live or e.refused else replayed).append(e)
    return live, replayed


def _charged(entries: Iterable[Entry]) -> Amounts:
    total = Amounts()
    for e in entries:
        if not e.refused:
            total = total + e.charged
    return total


def _overruns(limits_json: Mapping[str, Any] | None, nodeid: str, entries: list[Entry]) -> list[str]:
    """The test budget's overruns, recomputed from its limits and what its calls were charged."""
    if not limits_json:
        return []
    try:
        limits = Limits.from_json(limits_json)
    except (ValueError, TypeError):
        return []
    if not limits:
        return []
    b = Budget("test", nodeid, limits)
    for e in entries:
        if not e.refused:
            b.settle(Amounts(), e.charged, e)
    return [o.describe() for o in b.overruns()]


def _test_json(info: TestInfo, entries: list[Entry]) -> dict[str, Any]:
    live, replayed = _split(entries)
    lt, rt = Totals.of(live), Totals.of(replayed)
    overruns = _overruns(info.limits, info.nodeid, entries)
    try:
        limits = Limits.from_json(info.limits or {}).as_json()
    except (ValueError, TypeError):
        limits = Limits().as_json()
    return {
        "nodeid": info.nodeid, "outcome": info.outcome, "budget": limits, "over_budget": bool(overruns),
        "overruns": overruns, "cost_usd": money_str(lt.cost_usd + rt.cost_usd),
        "complete": lt.complete and rt.complete, "live": lt.as_json(), "replayed": rt.as_json(),
        "charged": _charged(entries).as_json(), "calls": [call_json(e) for e in entries],
    }


def _models_json(entries: list[Entry]) -> list[dict[str, Any]]:
    groups: dict[str, tuple[list[Entry], list[Entry]]] = {}
    for e in entries:
        if e.refused:
            continue
        live, replayed = groups.setdefault(e.priced_model or "?", ([], []))
        (live if e.live else replayed).append(e)
    rows = [(m, Totals.of(lv), Totals.of(rp)) for m, (lv, rp) in groups.items()]
    rows.sort(key=lambda r: (-(r[1].cost_usd + r[2].cost_usd), r[0]))
    return [{"model": m, "live": lt.as_json(), "replayed": rt.as_json()} for m, lt, rt in rows]


def _setting_json(setting: Any) -> dict[str, Any]:
    value = getattr(setting, "value", None)
    return {"usd": None if value is None else money_str(value), "source": getattr(setting, "source", "") or ""}


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


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


def build_report(entries: Iterable[Entry], tests: Mapping[str, TestInfo] | Iterable[TestInfo] = (), *,
                 settings: Any = None, preflight: bool | None = None, unknown_model: str | None = None,
                 count_replayed: bool = True, catalog_checked: Any = None, exit_status: int | None = None,
                 session_failure: str | None = None, extra_reasons: Iterable[str] = (),
                 notes: Iterable[str] = (), run_id: str | None = None, created: str | None = None) -> dict[str, Any]:
    """The report of a run: ``entries`` are the ledger's (all of them, refused calls included);
    ``tests`` what is known of each test (outcome, budget). ``settings`` is the plugin's Settings
    (``per_test`` / ``session`` with ``value`` and ``source``)."""
    from pytest_tokenbudget.core.version import __version__

    entries = list(entries)
    infos = dict(tests) if isinstance(tests, Mapping) else {t.nodeid: t for t in tests}
    by_test: dict[str | None, list[Entry]] = {}
    for e in entries:
        by_test.setdefault(e.nodeid, []).append(e)
    for nodeid in by_test:
        if nodeid is not None and nodeid not in infos:
            infos[nodeid] = TestInfo(nodeid)
    live, replayed = _split(entries)
    lt, rt = Totals.of(live), Totals.of(replayed)
    reasons = incomplete_reasons(lt + rt, extra_reasons)
    pt = getattr(settings, "per_test", None)
    ss = getattr(settings, "session", None)
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "run": {
            "id": run_id or uuid.uuid4().hex,
            "tool_version": __version__,
            "catalog_checked": None if catalog_checked is None else str(catalog_checked),
            "created": created or _now(),
            "complete": not reasons,
            "incomplete_reasons": reasons,
            "notes": list(notes),
            "exit_status": None if exit_status is None else int(exit_status),
            "session_failure": session_failure,
        },
        "budgets": {
            "per_test": _setting_json(pt),
            "session": _setting_json(ss),
            "preflight": bool(getattr(settings, "preflight", True) if preflight is None else preflight),
            "unknown_model": unknown_model or getattr(settings, "unknown_model", "") or "error",
            "count_replayed": bool(count_replayed),
        },
        "totals": {"live": lt.as_json(), "replayed": rt.as_json(), "charged": _charged(entries).as_json(),
                   "refused": lt.refused + rt.refused},
        "models": _models_json(entries),
        "tests": [_test_json(infos[n], by_test.get(n, [])) for n in sorted(infos)],
        "unattributed_calls": [call_json(e) for e in by_test.get(None, [])],
        "refused": [{"nodeid": e.nodeid, "phase": e.phase, "model": e.request_model, "refused_by": e.refused_by,
                     "worst": e.worst.as_json() if e.worst is not None else None, "message": e.error or ""}
                    for e in entries if e.refused],
    }


def cost_of(test: Mapping[str, Any]) -> Decimal:
    """A report test's priced cost, live and replayed (what baselines compare)."""
    return Decimal(test.get("cost_usd") or "0")


# ----------------------------------------------------------------------------- files
def load_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the report, as shipped in ``report/schema.json``."""
    from importlib import resources
    return json.loads(resources.files(__package__).joinpath("schema.json").read_text("utf-8"))


def write_json(path: str | os.PathLike[str], data: Mapping[str, Any]) -> Path:
    """Write ``data`` as UTF-8 JSON (atomically: a reader never sees half a file)."""
    p = Path(path)
    if p.parent and not p.parent.exists():
        p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(f".{p.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, p)
    return p


def load_json(path: str | os.PathLike[str]) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReportError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(f"{path}: cannot read: {exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from None


def _money(value: Any, where: str) -> None:
    if not isinstance(value, str) or not value or not set(value) <= _MONEY_OK:
        raise ReportError(f"{where}: expected a decimal string such as \"0.0123\", got {value!r}")
    try:
        Decimal(value)
    except InvalidOperation:
        raise ReportError(f"{where}: expected a decimal string, got {value!r}") from None


def _totals(value: Any, where: str) -> None:
    if not isinstance(value, Mapping):
        raise ReportError(f"{where}: expected an object")
    _money(value.get("cost_usd"), f"{where}.cost_usd")
    for k in ("calls", "input_tokens", "output_tokens"):
        if not isinstance(value.get(k), int):
            raise ReportError(f"{where}.{k}: expected a whole number")


def report_from_data(data: Any, source: str = "report") -> dict[str, Any]:
    """Check that ``data`` is a report this version understands; return it. Raises :class:`ReportError`."""
    if not isinstance(data, dict) or "schema" not in data:
        raise ReportError(f"{source}: not a pytest-tokenbudget report (no \"schema\" key; write one with "
                          "pytest --token-budget-json=PATH)")
    if data["schema"] != SCHEMA:
        raise ReportError(f"{source}: schema {data['schema']!r} is not a run report ({SCHEMA!r})")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ReportError(f"{source}: report version {version!r} is not a whole number")
    if version > VERSION:
        raise ReportError(f"{source}: report version {version} is newer than this tokenbudget understands "
                          f"(up to {VERSION}); upgrade pytest-tokenbudget")
    if version < 1:
        raise ReportError(f"{source}: unknown report version {version}")
    for key, kind in (("run", dict), ("budgets", dict), ("totals", dict), ("models", list), ("tests", list),
                      ("refused", list)):
        if not isinstance(data.get(key), kind):
            raise ReportError(f"{source}: {key!r} missing or not {'an object' if kind is dict else 'a list'}")
    for key in ("live", "replayed"):
        _totals(data["totals"].get(key), f"{source}: totals.{key}")
    for i, m in enumerate(data["models"]):
        if not isinstance(m, dict) or not isinstance(m.get("model"), str):
            raise ReportError(f"{source}: models[{i}] has no model name")
        _totals(m.get("live"), f"{source}: models[{i}].live")
        _totals(m.get("replayed"), f"{source}: models[{i}].replayed")
    seen: set[str] = set()
    for i, t in enumerate(data["tests"]):
        if not isinstance(t, dict) or not isinstance(t.get("nodeid"), str):
            raise ReportError(f"{source}: tests[{i}] has no nodeid")
        if t["nodeid"] in seen:
            raise ReportError(f"{source}: test {t['nodeid']} appears twice")
        seen.add(t["nodeid"])
        _money(t.get("cost_usd"), f"{source}: {t['nodeid']} cost_usd")
        _totals(t.get("live"), f"{source}: {t['nodeid']} live")
        _totals(t.get("replayed"), f"{source}: {t['nodeid']} replayed")
        if not isinstance(t.get("calls", []), list):
            raise ReportError(f"{source}: {t['nodeid']} calls: expected a list")
    return data


def load_report(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and check a ``--token-budget-json`` file."""
    return report_from_data(load_json(path), str(path))
