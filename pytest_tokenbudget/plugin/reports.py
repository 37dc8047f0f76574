"""The report outputs of one pytest run: JSON report, baseline save/compare, JUnit properties,
GitHub job summary, the terminal section. Glue between the plugin's hooks and the report layer.

One :class:`RunReports` per process, registered as a pytest plugin only for
``pytest_runtest_logreport`` (it learns each test's outcome and budget there, on the controller
too under pytest-xdist); the plugin calls :meth:`after_makereport`, :meth:`check`,
:meth:`finish` and :meth:`terminal_lines` from its own hooks. The report model is built once, in
:meth:`finish`; every output renders it. Files are written once, by the process that sees the
whole run (never by an xdist worker).
"""

from __future__ import annotations

import sys
import threading
from decimal import Decimal
from typing import Any

import pytest

from pytest_tokenbudget.core.text import plural, redact
from pytest_tokenbudget.plugin.ledger.ledger import Entry, Ledger, Totals
from pytest_tokenbudget.plugin.report_builder import TestInfo, build_report, build_test
from pytest_tokenbudget.report import baseline as bl
from pytest_tokenbudget.report.model import Report, ReportError
from pytest_tokenbudget.report.render.json import write_json

__all__ = ["RunReports", "add_options"]


def add_options(group: Any, parser: pytest.Parser) -> None:
    """The report options (called from the plugin's ``pytest_addoption``)."""
    group.addoption("--token-budget-json", metavar="PATH", default=None, dest="token_budget_json",
                    help="write the run's token budget report as JSON (versioned schema; implies --token-budget).")
    group.addoption("--token-budget-junit", action="store_true", default=False, dest="token_budget_junit",
                    help="add cost and token properties to each test case of the --junitxml report "
                         "(implies --token-budget).")
    group.addoption("--token-budget-save", metavar="PATH", default=None, dest="token_budget_save",
                    help="save each test's cost as a baseline file (implies --token-budget).")
    group.addoption("--token-budget-compare", metavar="PATH", default=None, dest="token_budget_compare",
                    help="fail tests whose cost grew beyond --token-budget-max-increase over this baseline "
                         "(a --token-budget-save or --token-budget-json file; implies --token-budget).")
    group.addoption("--token-budget-max-increase", metavar="PCT", default=None, dest="token_budget_max_increase",
                    help="allowed cost increase over the baseline, e.g. 20%% (default 20%%).")
    group.addoption("--token-budget-min-change", metavar="USD", default=None, dest="token_budget_min_change",
                    help="changes in a test's cost smaller than this are never a regression (default 0.0001).")
    group.addoption("--token-budget-fail-on-decrease", action="store_true", default=False,
                    dest="token_budget_fail_on_decrease",
                    help="also fail the run when tests got much cheaper than the baseline (refresh it).")
    parser.addini("token_budget_max_increase", "allowed cost increase over the baseline (default 20%)",
                  default=None)
    parser.addini("token_budget_min_change", "smallest cost change (USD) a baseline comparison reports "
                  "(default 0.0001)", default=None)
    parser.addini("token_budget_github_summary", "append a Markdown summary to $GITHUB_STEP_SUMMARY when it is "
                  "set (default true)", type="bool", default=True)


def _outcome(report: Any, current: str) -> str:
    when, outcome = report.when, report.outcome
    xfail = hasattr(report, "wasxfail")
    if when == "setup":
        if outcome == "failed":
            return "error"
        if outcome == "skipped":
            return "xfailed" if xfail else "skipped"
        return current
    if when == "call":
        if outcome == "passed":
            return "xpassed" if xfail else "passed"
        if outcome == "skipped":
            return "xfailed" if xfail else "skipped"
        return "failed"
    if when == "teardown":
        if outcome == "failed" and current in ("passed", "unknown", "xpassed"):
            return "error"
        return current
    return "failed" if outcome == "failed" else current  # e.g. a crashed xdist worker's report


def _entries_cost(entries: list[Entry]) -> tuple[Decimal, bool]:
    t = Totals.of(e for e in entries if not e.refused)
    return t.cost_usd, t.complete


class RunReports:
    """What the report options asked for, and what this process learned for them."""

    def __init__(self, config: pytest.Config) -> None:
        opt = config.getoption
        self.config = config
        self.worker = hasattr(config, "workerinput")
        self.json_path: str | None = opt("token_budget_json")
        self.junit: bool = bool(opt("token_budget_junit"))
        self.save_path: str | None = opt("token_budget_save")
        self.compare_path: str | None = opt("token_budget_compare")
        self.fail_on_decrease = bool(opt("token_budget_fail_on_decrease"))
        try:
            raw = opt("token_budget_max_increase") or config.getini("token_budget_max_increase")
            self.max_increase = bl.parse_percent(raw, "--token-budget-max-increase") if raw else \
                bl.DEFAULT_MAX_INCREASE
            raw = opt("token_budget_min_change") or config.getini("token_budget_min_change")
            self.min_change = bl.parse_usd(raw, "--token-budget-min-change") if raw else bl.DEFAULT_MIN_CHANGE
        except ValueError as exc:
            raise pytest.UsageError(f"token budget: {exc}") from None
        self.baseline: bl.Baseline | None = None
        if self.compare_path:
            try:
                self.baseline = bl.load_baseline(self.compare_path)
            except ReportError as exc:
                raise pytest.UsageError(f"--token-budget-compare: {exc}") from None
        try:
            self.github = bool(config.getini("token_budget_github_summary"))
        except ValueError:
            self.github = True
        self.tests: dict[str, TestInfo] = {}
        self.flagged: set[str] = set()  # failed on the baseline already
        self.failed_calls: set[str] = set()  # failed anyway: a teardown error on top would count it twice
        self.comparison: bl.Comparison | None = None
        self.report: Report | None = None  # the run's report, built once at the end
        self.lines: list[tuple[str, bool]] = []  # (terminal line, is a problem)
        self._session: pytest.Session | None = None
        self._running: str | None = None  # the test running now (the one pytest-timeout ends)
        self._unhook = _hook_pytest_timeout(self._flush_before_exit)  # reports survive its os._exit

    @property
    def enables(self) -> bool:
        """Options that only make sense with measuring on."""
        return bool(self.json_path or self.save_path or self.compare_path or self.junit)

    # -- hooks ----------------------------------------------------------------------------------
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self._session = session

    def pytest_runtest_logstart(self, nodeid: str, location: Any) -> None:
        self._running = nodeid

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        self._unhook()

    def _flush_before_exit(self) -> None:
        """pytest-timeout (``method=thread``) is about to ``os._exit``: write the reports now, from its
        timer thread (the test's thread is stuck; nothing here waits on the ledger's lock)."""
        from pytest_tokenbudget.plugin.state import get_state
        state, session = get_state(self.config), self._session
        if self.worker or session is None or state is None or state.ledger is None:
            return
        nodeid = self._running
        if nodeid is not None:
            info = self.tests.setdefault(nodeid, TestInfo(nodeid))
            info.outcome = "failed"
        state.notes.append("the run was ended by pytest-timeout (method=thread, os._exit)"
                           + (f" in {redact(nodeid)}" if nodeid else "") + ": the figures stop there")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED  # what os._exit(1) will report
        self.finish(session, state)
        for line, _bad in self.lines:
            sys.stderr.write(f"token budget: {line}\n")
        sys.stderr.flush()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        try:
            info = self.tests.get(report.nodeid)
            if info is None:
                info = self.tests[report.nodeid] = TestInfo(report.nodeid)
            info.outcome = _outcome(report, info.outcome)
            if report.when == "teardown":
                data = getattr(report, "token_budget", None)
                if isinstance(data, dict) and data.get("limits") is not None:
                    info.limits = data["limits"]
                self._share_outcome(info)
        except Exception as exc:  # a plugin bug must not break the run
            self.lines.append((redact(f"token budget report: reading {report.nodeid}: {type(exc).__name__}: {exc}"),
                               True))

    def _share_outcome(self, info: TestInfo) -> None:
        """Issue 18: a shard sharing a PostgreSQL store keeps each test's outcome there, so that
        ``tokenbudget report --store`` shows it (not ``unknown``)."""
        if self.worker or info.outcome == "unknown":
            return
        from pytest_tokenbudget.plugin.sharing import record_outcome
        from pytest_tokenbudget.plugin.state import get_active
        st = get_active(self.config)
        if st is not None:
            record_outcome(st, info.nodeid, info.outcome)

    # -- per test, from the plugin's makereport -------------------------------------------------
    def after_makereport(self, item: pytest.Item, report: pytest.TestReport, ledger: Ledger) -> None:
        if report.when not in ("call", "teardown"):
            return
        if report.when == "call" and report.failed:
            self.failed_calls.add(item.nodeid)
        if self.baseline is not None and item.nodeid not in self.flagged:
            self._check_baseline(item.nodeid, report, ledger)
        if self.junit and report.when == "teardown":
            from pytest_tokenbudget.report.render.junit import properties
            data = getattr(report, "token_budget", None)
            limits = data.get("limits") if isinstance(data, dict) else None
            test = build_test(TestInfo(item.nodeid, limits=limits), ledger.entries_for(item.nodeid))
            report.user_properties.extend(properties(test))

    def _check_baseline(self, nodeid: str, report: pytest.TestReport, ledger: Ledger) -> None:
        safe = redact(nodeid)  # the baseline file holds redacted ids (an API key as a parametrize value)
        base = self.baseline.tests.get(safe) if self.baseline is not None else None
        if base is None:
            return
        entries = ledger.entries_for(nodeid)
        cost, complete = _entries_cost(entries)
        if bl.verdict(cost, base.cost_usd, self.max_increase, self.min_change) != "more":
            return
        self.flagged.add(nodeid)
        from pytest_tokenbudget.plugin.failures import top_calls_lines
        row = bl.Row(safe, "more", cost, base.cost_usd, complete)
        lines = [f"token budget baseline of {safe}: {bl.describe(row, self.max_increase)}",
                 f"(baseline {self.compare_path}; when the increase is intended, refresh it with "
                 f"--token-budget-save={self.compare_path})"]
        lines += top_calls_lines(entries)
        text = "\n".join(lines)
        if report.passed and not (report.when == "teardown" and nodeid in self.failed_calls):
            report.outcome = "failed"
            report.longrepr = text
        else:
            report.sections.append(("token budget baseline", text))

    # -- session end ----------------------------------------------------------------------------
    def _current(self, ledger: Ledger) -> list[tuple[str, Decimal, bool]]:
        # ids as the ledger files them: redacted (two tests whose ids differ only by a key are one row)
        ids = {n for n in ledger.nodeids() if n is not None}
        ids.update(redact(n) for n, t in self.tests.items() if t.outcome != "skipped")
        skipped = {redact(n) for n, t in self.tests.items() if t.outcome == "skipped"}
        run = {redact(n) for n, t in self.tests.items() if t.outcome != "skipped"}
        out = []
        for n in sorted(ids):
            if n in skipped and n not in run:
                continue
            cost, complete = _entries_cost(ledger.entries_for(n))
            out.append((n, cost, complete))
        return out

    def check(self, ledger: Ledger) -> str | None:
        """Compare with the baseline (controller / serial only); a reason to fail the run, if any."""
        if self.worker or self.baseline is None:
            return None
        try:
            self.comparison = bl.compare(self._current(ledger), self.baseline, max_increase=self.max_increase,
                                         min_change=self.min_change)
        except Exception as exc:  # a plugin bug must not break the run; per-test checks already ran
            self.lines.append((f"token budget baseline comparison failed: {type(exc).__name__}: {exc}", True))
            return None
        cheaper = self.comparison.cheaper
        if self.fail_on_decrease and cheaper:
            return (f"{plural(len(cheaper), 'test')} got much cheaper than the baseline "
                    f"{self.compare_path}: refresh it with --token-budget-save={self.compare_path}")
        return None

    def finish(self, session: pytest.Session, state: Any) -> None:
        """Build the run's report; write what was asked for (controller / serial only). Failures to
        write are reported, and make the run fail when a file the user asked for is missing."""
        try:
            self.report = self._build(session, state)
        except Exception as exc:  # a plugin bug: say so, and fail the run if a file was asked for
            self.lines.append((f"token budget report failed: {type(exc).__name__}: {exc}", True))
            if not self.worker and (self.json_path or self.save_path) and session.exitstatus == 0:
                session.exitstatus = pytest.ExitCode.TESTS_FAILED
            return
        if self.worker:
            return
        report = self.report
        if self.json_path:
            self._write("JSON report", self.json_path, lambda: write_json(self.json_path, report), session)
        if self.save_path:
            base = bl.baseline_from_report(report)
            self._write(f"baseline ({len(base.tests)} tests)", self.save_path,
                        lambda: bl.write_baseline(self.save_path, base), session)
        self._step_summary(report, state)

    def _step_summary(self, report: Report, state: Any) -> None:
        from pytest_tokenbudget.report.render.github import (
            append_step_summary,
            summary_path,
        )
        gh = summary_path() if self.github else None
        if not gh:
            return
        try:
            top = getattr(state.settings, "top", 10)
            if not append_step_summary(gh, report, top=top and max(top, 10)):
                self.lines.append(("GitHub job summary skipped: $GITHUB_STEP_SUMMARY is already near "
                                   "GitHub's 1024k limit", False))
        except OSError as exc:
            self.lines.append((f"GitHub job summary not written: {exc}", True))

    def _build(self, session: pytest.Session, state: Any) -> Report:
        ledger: Ledger = state.ledger
        errors = list(getattr(state, "internal_errors", ())) + list(getattr(ledger, "internal_errors", ()))
        reasons = [f"plugin error: {e}" for e in errors]
        notes: list[str] = []
        for note in getattr(state, "notes", ()) or ():
            (reasons if str(note).startswith("figures incomplete") else notes).append(str(note))
        if getattr(state, "controller", False) and getattr(state, "run", None) is None and ledger.session.limits:
            notes.append("under pytest-xdist each worker enforces the session budget on its own calls; "
                         "the total is checked here, after the run")
        stop = session.shouldfail or session.shouldstop
        if int(session.exitstatus) == int(pytest.ExitCode.INTERRUPTED) or stop:
            notes.append(f"the run stopped early{f' ({stop})' if isinstance(stop, str) else ''}: not every test ran")
        return build_report(list(ledger.entries), self.tests, settings=state.settings,
                            unknown_model=ledger.unknown_model, count_replayed=ledger.count_replayed,
                            catalog_checked=getattr(ledger.catalog, "checked", None),
                            exit_status=int(session.exitstatus), session_failure=state.session_failure,
                            extra_reasons=reasons, notes=notes, comparison=self.comparison)

    def _write(self, what: str, path: str, write: Any, session: pytest.Session) -> None:
        try:
            write()
        except OSError as exc:
            self.lines.append((f"token budget {what} NOT written to {path}: {exc}", True))
            if session.exitstatus == 0:
                session.exitstatus = pytest.ExitCode.TESTS_FAILED
            return
        self.lines.append((f"{what} written to {path}", False))

    def terminal_lines(self) -> list[tuple[str, bool]]:
        """Lines under the ``token budget`` section: files written, what went wrong writing them."""
        return list(self.lines)


def _hook_pytest_timeout(flush: Any) -> Any:
    """Run ``flush`` before pytest-timeout's thread method ends the process with ``os._exit`` (it
    dumps the stacks from its timer thread first: we wrap that). Returns the undo function."""
    mod = sys.modules.get("pytest_timeout")
    original = getattr(mod, "dump_stacks", None)
    if mod is None or original is None or getattr(original, "_tokenbudget_original", None) is not None:
        return lambda: None

    def dump_stacks(*args: Any, **kwargs: Any) -> Any:
        if threading.current_thread() is not threading.main_thread():  # the timer: os._exit follows
            try:
                flush()
            except Exception as exc:  # never stand between pytest-timeout and its exit
                sys.stderr.write(f"token budget: reports not written before the timeout exit: {exc!r}\n")
        return original(*args, **kwargs)

    dump_stacks._tokenbudget_original = original  # type: ignore[attr-defined]
    mod.dump_stacks = dump_stacks

    def undo() -> None:
        if getattr(mod, "dump_stacks", None) is dump_stacks:
            mod.dump_stacks = original
    return undo
