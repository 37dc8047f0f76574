"""pytest hooks for ``--token-budget``: wiring only (settings -> ledger -> capture -> report).

Where budgets come from and what 0 / None mean: :mod:`pytest_tokenbudget.plugin.settings`. Without
``--token-budget``, without a configured budget, and without a test that uses the marker or the
fixtures, the plugin does nothing and patches nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pytest_tokenbudget.plugin.failures import judge, session_failure
from pytest_tokenbudget.plugin.fixtures import FIXTURES, token_budget, token_usage  # noqa: F401  (pytest finds them here)
from pytest_tokenbudget.plugin.ledger.ledger import Limits, set_current
from pytest_tokenbudget.plugin.settings import (
    MARKER,
    add_budget_options,
    marker_limits,
    resolve_settings,
)
from pytest_tokenbudget.plugin.state import (
    REPORTS,
    STATE,
    RunState,
    TestBudget,
    get_active,
    get_state,
    notify_exceeded,
)
from pytest_tokenbudget.plugin.xdist import (
    LATE_KEY,
    XdistController,
    finish_shared,
    is_controller,
)

_FAKE_SERVER_PLUGIN = "pytest_tokenbudget.testing.fixture"


# ----------------------------------------------------------------------------- options
def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    from pytest_tokenbudget.plugin import hookspecs
    pluginmanager.add_hookspecs(hookspecs)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("tokenbudget", "token budgets for LLM API calls (pytest-tokenbudget)")
    add_budget_options(group, parser)
    from pytest_tokenbudget.plugin.sharing import add_store_options
    add_store_options(group, parser)  # --token-budget-store, --token-budget-run-id, --token-budget-shard
    parser.addini("token_budget_llm_hosts", "more LLM API hosts to watch for calls no interceptor accounted for "
                  "(host, host:port, * wildcards; one per line)", type="linelist", default=[])
    from pytest_tokenbudget.plugin.reports import add_options as _add_report_options
    _add_report_options(group, parser)  # --token-budget-json/-junit/-save/-compare ...


# ----------------------------------------------------------------------------- lifecycle hooks
@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config, parser: pytest.Parser, args: list[str]) -> None:
    from pytest_tokenbudget.plugin import scopes
    scopes.start_buffer()  # calls at import time of conftests count too (charged to "collection")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "token_budget(usd=None, input_tokens=None, output_tokens=None, total_tokens=None, calls=None): "
        "budget of this test's LLM API calls (closest marker wins per dimension; 0 = nothing allowed, "
        "None = no limit). Needs pytest-tokenbudget.")
    _register_fake_server(config)
    settings = resolve_settings(config)
    st = RunState(config, settings, controller=is_controller(config))
    config.stash[STATE] = st
    if st.controller:
        config.pluginmanager.register(XdistController(st), "tokenbudget-xdist-controller")
        if settings.enabled:  # the workers share the session budget through one SQLite file
            from pytest_tokenbudget.plugin.ledger.shared import RunControl
            from pytest_tokenbudget.plugin.sharing import controller_run
            st.run = controller_run(st) or RunControl()  # or through the store across machines
    reports = _configure_reports(config)
    if settings.enabled or reports.enables:
        st.activate()
    if st.active:
        from pytest_tokenbudget.plugin import scopes
        scopes.settle(config, st)


def _configure_reports(config: pytest.Config) -> Any:
    """JSON report, baseline, JUnit properties, GitHub summary (report/run.py); sees every test report."""
    from pytest_tokenbudget.plugin.reports import RunReports
    reports = RunReports(config)
    config.stash[REPORTS] = reports
    config.pluginmanager.register(reports, "tokenbudget-reports")
    return reports


def _register_fake_server(config: pytest.Config) -> None:
    """Offer ``fake_llm_server`` whenever the plugin loads (a missing module is not an error)."""
    pm = config.pluginmanager
    if pm.has_plugin(_FAKE_SERVER_PLUGIN):
        return
    try:
        import importlib
        mod = importlib.import_module(_FAKE_SERVER_PLUGIN)
    except Exception:
        return
    if not pm.is_registered(mod):
        pm.register(mod, _FAKE_SERVER_PLUGIN)


def pytest_unconfigure(config: pytest.Config) -> None:
    st = get_state(config)
    if st is not None:
        st.deactivate()
        for shared in (st.shared, st.run):
            if shared is not None:
                shared.close()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    st = get_state(config)
    if st is not None and not st.active:
        for item in items:
            if item.get_closest_marker(MARKER) is not None or any(
                    f in getattr(item, "fixturenames", ()) for f in FIXTURES):
                st.activate()
                break
    from pytest_tokenbudget.plugin import scopes
    scopes.settle(config, st)  # charge the calls made during collection, or drop the patches


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    st = get_state(config)
    if st is None or not st.settings.enabled:
        return None
    from pytest_tokenbudget.plugin.report_builder import budgets_of
    from pytest_tokenbudget.report.render.terminal import header_line
    return [header_line(budgets_of(st.settings, unknown_model=st.settings.unknown_model or "per [tool.tokenbudget]"))]


# ----------------------------------------------------------------------------- per test
@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Runs before pytest sets up the fixtures: open the test's budget, attribute calls to it."""
    st = get_active(item.config)
    if st is None:
        return
    _set_current(st, item.nodeid, "setup")
    t = TestBudget(Limits(), item=item, since=st.ledger.last_seq)  # a rerun is a new attempt (token_usage)
    st.tests[item.nodeid] = t
    try:
        t.limits = marker_limits(item, Limits(usd=st.settings.per_test.value))
    except pytest.UsageError as exc:
        t.budget = st.ledger.begin_test(item.nodeid, Limits())
        raise pytest.fail(str(exc), pytrace=False) from None
    try:
        t.budget = st.ledger.begin_test(item.nodeid, t.limits)
    except Exception as exc:
        st.internal("opening a test budget", exc)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    st = get_active(item.config)
    if st is not None:
        _set_current(st, item.nodeid, "call")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    st = get_active(item.config)
    if st is not None:
        _set_current(st, item.nodeid, "teardown")


def _set_current(st: Any, nodeid: str, phase: str) -> None:
    set_current(nodeid, phase)
    if st.children is not None:
        st.children.set_test(nodeid, phase)  # child processes started from now on belong to this test


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    st = get_active(item.config)
    if st is None:
        return
    try:
        report = outcome.get_result()
        if report.when == "teardown" and st.children is not None:  # what its child processes spent
            t = st.tests.get(item.nodeid)
            st.children.adopt(t.budget if t is not None else None, item.nodeid)
        judge(st, item, report)
        item.config.stash[REPORTS].after_makereport(item, report, st.ledger)  # baseline, JUnit properties
    except Exception as exc:
        st.internal(f"judging {item.nodeid}", exc)


# ----------------------------------------------------------------------------- session end
@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    st = get_active(session.config)
    if st is None:
        return
    _finish_open(st)
    finish_shared(st)
    from pytest_tokenbudget.plugin.sharing import finish_store, run_spent
    lost_store = finish_store(st)  # the whole run's spend; a lost store fails the run
    try:
        reason = session_failure(st.ledger, run_spent(st))  # a store run: quote every shard's spend
        if st.shared is None and st.ledger.session.overruns():  # workers leave this to the controller
            notify_exceeded(st, st.ledger.session.overruns()[0].error(), st.ledger.session)
    except Exception as exc:
        st.internal("checking the session budget", exc)
        reason = None
    if st.internal_errors and any("missing from the totals" in e for e in st.internal_errors):
        reason = (reason + "; " if reason else "") + "some calls could not be recorded (plugin error)"
    if lost_store:
        reason = (reason + "; " if reason else "") + lost_store
    reports = session.config.stash[REPORTS]
    stale = reports.check(st.ledger)  # the baseline comparison (--token-budget-compare)
    if stale:
        reason = (reason + "; " if reason else "") + stale
    if reason:
        st.session_failure = reason
        if session.exitstatus == 0:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
    if st.stopped_by_budget and session.exitstatus == pytest.ExitCode.INTERRUPTED:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED  # as without -n: a budget stop is a failure
    reports.finish(session, st)  # JSON report, baseline file, GitHub job summary


def _finish_open(st: RunState) -> None:
    """Calls still open when the run ends (a stream nobody closed or read to its end, a request still
    waiting) are recorded as they are: incomplete, charged their worst case, never left out. Under
    pytest-xdist, those of tests whose report already left go to the controller in workeroutput."""
    if st.listener is None:
        return
    try:
        import gc

        from pytest_tokenbudget.plugin import capture
        gc.collect()  # streams dropped unclosed record themselves first ("stream dropped without being closed")
        capture.finish_open("still open when the run ended (never closed or read to its end)", st.listener)
        if st.children is not None:
            st.children.adopt()  # children still running after their test's report (background processes)
        workeroutput = getattr(st.config, "workeroutput", None)
        if workeroutput is not None:  # the shared ledger recovers the others (tests that never reported)
            workeroutput[LATE_KEY] = [e.as_json() for e in st.ledger.entries
                                       if e.seq not in st.sent and e.nodeid in st.sent_tests]
    except Exception as exc:
        st.internal("recording the calls still open at the end (their spend may be missing from the totals)", exc)


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    st = get_active(config)
    if st is None:
        return
    try:
        from pytest_tokenbudget.report.render.terminal import (
            header_line,
            render_lines,
            write_section,
        )
        reports = config.stash[REPORTS]
        if reports.report is not None:
            lines = render_lines(reports.report, top=st.settings.top)
        else:  # building it failed: reports.terminal_lines() says why
            from pytest_tokenbudget.plugin.report_builder import budgets_of
            lines = [header_line(budgets_of(st.settings))]
        write_section(terminalreporter, lines, failed=bool(st.session_failure))
        for line, bad in reports.terminal_lines():
            terminalreporter.write_line(line, red=bad, bold=bad)
    except Exception as exc:  # the report is a convenience: never break the run over it
        terminalreporter.write_line(f"token budget: report failed: {type(exc).__name__}: {exc}", red=True)
