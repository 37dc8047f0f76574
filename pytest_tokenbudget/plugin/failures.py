"""Failures: the text of a budget overrun with its top calls, why a session failed, and the
judgement that turns a test's overrun into a failed report.

pytest-django style: actual vs budget, the excess, then the calls that spent it, e.g.::

    token budget of tests/test_a.py::test_x exceeded: spent $0.0123 of a $0.0100 budget (+$0.0023, 23% over)
    calls:
        $0.0123 claude-haiku-4-5 [call] in=2,300 cw=0 cr=0 out=2,000 max_tokens=1,000
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import pytest

from pytest_tokenbudget.core.money import format_usd
from pytest_tokenbudget.plugin.capture.observe import drain_dropped
from pytest_tokenbudget.plugin.ledger.amounts import Amounts
from pytest_tokenbudget.plugin.ledger.ledger import (
    Budget,
    Entry,
    Ledger,
    Overrun,
    set_current,
    top_entries,
)
from pytest_tokenbudget.plugin.state import RunState, notify_exceeded

__all__ = ["TOP_CALLS", "fail_first", "judge", "notify_exceeded", "overrun_text", "session_failure", "top_calls_lines"]

TOP_CALLS = 5


def _amounts_of(counters: Mapping[str, Any]) -> Amounts:
    return Amounts(usd=Decimal(counters.get("usd", 0)), input_tokens=int(counters.get("input_tokens", 0)),
                   output_tokens=int(counters.get("output_tokens", 0)), calls=int(counters.get("calls", 0)))


def top_calls_lines(entries: Iterable[Entry], n: int = TOP_CALLS) -> list[str]:
    """``calls:`` (or ``top calls:``) and one line per call, most expensive first."""
    calls = [e for e in entries if not e.refused]
    if not calls:
        return []
    top = top_entries(calls, n)
    more = len(calls) - len(top)
    return (["top calls:" if more else "calls:"] + [f"  {e.describe()}" for e in top]
            + ([f"  ... and {more} more"] if more else []))


def overrun_text(budget: Budget, overruns: list[Overrun]) -> str:
    """What a test (or block) that went over its budget fails with."""
    who = f"{budget.title} of {budget.name}" if budget.scope == "test" else budget.title
    lines = [f"{who} exceeded: {overruns[0].describe()}"]
    lines += [f"  and {o.describe()}" for o in overruns[1:]]
    lines += top_calls_lines(budget.entries)
    return "\n".join(lines)


def session_failure(ledger: Ledger, run_spent: Mapping[str, Any] | None = None) -> str | None:
    """Why the run fails because of the session budget (or unpriceable calls outside tests), if it does.

    ``run_spent``: the whole run's spend when the session budget is shared by a store (every shard,
    every machine: what the cap is about), as the store's counters; without it, this process's."""
    s = ledger.session
    parts = []
    if s.limits:
        spent = s.spent if run_spent is None else _amounts_of(run_spent)
        overruns = [Overrun("session", "session", dim, limit, spent.get(dim)) for dim, limit in s.limits.items()
                    if spent.get(dim) is not None and spent.get(dim) > limit]
        refused = sum(1 for e in s.entries if e.refused and e.refused_by == "session")
        if overruns:
            parts.append(f"session token budget exceeded: {overruns[0].describe()}"
                         + (" (the whole run)" if run_spent is not None else ""))
        if refused:
            who = ", the whole run" if run_spent is not None else ""
            here = " here" if run_spent is not None else ""
            parts.append(f"session token budget of {s.limits.describe()} reached: {format_usd(spent.usd)} spent{who}, "
                         f"{refused} call{'s' if refused != 1 else ''} refused{here}")
    if ledger.unknown_model == "error":
        stray = [e for e in ledger.entries if e.unpriced and e.nodeid is None]
        if stray:
            parts.append(f"{len(stray)} call(s) outside any test could not be priced: {stray[0].unpriced}")
    return "; ".join(parts) or None


def fail_first(report: pytest.TestReport, text: str) -> None:
    """Fail ``report`` with ``text`` first, whatever the test did afterwards: passed, skipped,
    xfailed (marker or ``pytest.xfail``) or failed with another exception (kept below it)."""
    before = report.longrepr
    if report.skipped and isinstance(before, tuple) and len(before) == 3:
        before = f"(the test then skipped: {before[2]})"
    elif getattr(report, "wasxfail", None) is not None:
        before = f"(the test was marked xfail{': ' + report.wasxfail if report.wasxfail else ''})\n{before or ''}"
    if hasattr(report, "wasxfail"):
        del report.wasxfail
    report.outcome = "failed"
    report.longrepr = text if not before else f"{text}\n\n{before}"


def refusal_text(ledger: Ledger, nodeid: str, phase: str | None) -> str | None:
    """The refusals of a test's phase, when its exception may have masked them (a library that
    wraps the refusal, an ExceptionGroup): the refusal is recorded, so the outcome can state it."""
    refused = [e for e in ledger.entries_for(nodeid) if e.refused and e.phase == phase]
    if not refused:
        return None
    lines = [f"token budget: {len(refused)} call(s) refused before sending in this test "
             "(the exception below may hide it):"]
    lines += [f"  {e.error}" for e in refused[:TOP_CALLS]]
    return "\n".join(lines)


def _raised_refusal(report: pytest.TestReport) -> bool:
    """The failure is the refusal itself, unmasked (its message is already first)."""
    crash = getattr(getattr(report, "longrepr", None), "reprcrash", None)
    return crash is not None and str(getattr(crash, "message", "")).startswith("pytest_tokenbudget.core.errors."
                                                                                 "TokenBudgetExceeded")


def judge(st: RunState, item: pytest.Item, report: pytest.TestReport) -> None:
    t = st.tests.get(item.nodeid)
    if t is None or t.budget is None:
        return
    if report.when == "call":
        overruns = t.budget.overruns()
        if overruns:
            text = overrun_text(t.budget, overruns)
            t.overrun_reported = True
            notify_exceeded(st, overruns[0].error(), t.budget, item)
            fail_first(report, text)  # an overrun is never hidden by skip, xfail or another exception
        elif not report.passed and not _raised_refusal(report):
            text = refusal_text(st.ledger, item.nodeid, "call")
            if text:
                fail_first(report, text)
    elif report.when == "teardown":
        drain_dropped()  # streams of this test dropped unclosed: recorded before its figures are judged
        problems = []
        overruns = t.budget.overruns()
        if overruns and not t.overrun_reported:
            problems.append(overrun_text(t.budget, overruns))
            notify_exceeded(st, overruns[0].error(), t.budget, item)
        if st.ledger.unknown_model == "error":
            for msg in st.ledger.unpriced_for(item.nodeid):
                problems.append(f"token budget: a call could not be priced: {msg}")
        if problems:
            fail_first(report, "\n\n".join(problems))
        set_current(None, None)
        st.ledger.end_test(item.nodeid)
        # plain values (no Decimal) so that they survive pytest-xdist's serialisation to the controller.
        # Only what no earlier report carried: a test rerun (pytest-rerunfailures) makes a teardown report
        # per attempt under the same node id, and the controller adds up what each one carries.
        entries = [e for e in st.ledger.entries_for(item.nodeid) if e.seq not in st.sent]
        report.token_budget = {"version": 1, "limits": t.limits.as_json(), "entries": [e.as_json() for e in entries]}
        st.sent.update(e.seq for e in entries)
        st.sent_tests.add(item.nodeid)
        session_over = st.ledger.session.overruns()
        if session_over and not st.settings.preflight and not item.session.shouldfail:
            # no refusals without pre-flight: stop the run so that it stops spending (pytest-timeout style)
            item.session.shouldfail = f"token budget: session {session_over[0].describe()}"
