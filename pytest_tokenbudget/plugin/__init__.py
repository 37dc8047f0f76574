"""pytest hooks for ``--token-budget``: wiring only (settings -> ledger -> capture -> report).

Where budgets come from and what 0 / None mean: :mod:`pytest_tokenbudget.plugin.settings`. Without
``--token-budget``, without a configured budget, and without a test that uses the marker or the
fixtures, the plugin does nothing and patches nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from pytest_tokenbudget.core.errors import TokenBudgetExceeded
from pytest_tokenbudget.plugin.ledger.ledger import Budget, Entry, Ledger, Limits, TestUsage, fmt_usd, set_current
from pytest_tokenbudget.report.text import overrun_text, session_failure
from pytest_tokenbudget.plugin.settings import MARKER, Setting, Settings, add_budget_options, marker_limits, resolve_settings

FIXTURES = ("token_usage", "token_budget")
_FAKE_SERVER_PLUGIN = "pytest_tokenbudget.testing.fixture"
_SHARED_KEY = "tokenbudget_shared_ledger"  # config.workerinput key: the run's shared session ledger file
_ERRORS_KEY = "tokenbudget_errors"  # config.workeroutput key: a worker's plugin errors, as strings
_LATE_KEY = "tokenbudget_late"  # config.workeroutput key: entries recorded after their test's report
_STOP_PREFIX = "token budget: session"  # session.shouldfail text when the session budget stops a run


# ----------------------------------------------------------------------------- options
def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    from pytest_tokenbudget.plugin import hookspecs
    pluginmanager.add_hookspecs(hookspecs)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("tokenbudget", "token budgets for LLM API calls (pytest-tokenbudget)")
    add_budget_options(group, parser)
    from pytest_tokenbudget.report.run import add_options as _add_report_options
    _add_report_options(group, parser)  # --token-budget-json/-junit/-save/-compare ...


# ----------------------------------------------------------------------------- run state
@dataclass
class _Test:
    limits: Limits
    budget: Budget | None = None
    overrun_reported: bool = False
    item: Any = None


@dataclass
class _State:
    config: pytest.Config
    settings: Settings
    ledger: Ledger | None = None
    active: bool = False
    installed: bool = False
    controller: bool = False  # the pytest-xdist controller: runs no tests, aggregates the workers' reports
    tests: dict[str, _Test] = field(default_factory=dict)
    internal_errors: list[str] = field(default_factory=list)
    session_failure: str | None = None
    run: Any = None  # xdist controller: shared_ledger.RunControl (the run's shared session ledger)
    shared: Any = None  # xdist worker: shared_ledger.SharedLedger
    notes: list[str] = field(default_factory=list)  # report notes (incomplete figures ...)
    stopped_by_budget: bool = False  # xdist controller: the run was interrupted by the session budget
    listener: Any = None  # what capture delivers to (this process's tests make calls)
    sent: set[int] = field(default_factory=set)  # seqs of the entries a teardown report carried
    sent_tests: set[str] = field(default_factory=set)  # node ids whose teardown report was made

    def internal(self, what: str, exc: BaseException) -> None:
        self.internal_errors.append(f"{what}: {type(exc).__name__}: {exc}")

    # -- activation ---------------------------------------------------------------------------
    def activate(self) -> None:
        if self.active:
            return
        from pytest_tokenbudget.core.config import ConfigError, load_config
        try:
            project = load_config(self.config.rootpath)
            catalog = project.catalog
        except ConfigError as exc:
            raise pytest.UsageError(f"token budget: {exc}") from None
        unknown = self.settings.unknown_model or project.unknown_model
        self.settings = Settings(**{**self.settings.__dict__, "unknown_model": unknown})
        self.ledger = Ledger(catalog=catalog, unknown_model=unknown, preflight=self.settings.preflight,
                             session_limits=Limits(usd=self.settings.session.value),
                             count_replayed=bool(self.config.getini("token_budget_count_replayed")))
        _user_hooks(self)
        if self.controller:  # no test runs here: nothing to intercept
            self.active = True
            return
        try:
            from pytest_tokenbudget.plugin import capture
            self.listener = _SafeListener(self)
            capture.install(self.listener)
        except Exception as exc:  # without interception every call would go unseen: fail loudly
            raise pytest.UsageError(
                f"token budget: cannot intercept LLM API calls ({type(exc).__name__}: {exc}); "
                "spend would go unmeasured, so the run stops here") from None
        self.installed = True
        self.active = True
        path = getattr(self.config, "workerinput", {}).get(_SHARED_KEY)
        if path:  # a pytest-xdist worker: the session budget is the whole run's
            from pytest_tokenbudget.plugin.ledger.shared import SharedLedger, SharedLedgerError
            try:
                self.shared = SharedLedger.open(path, self.config.workerinput.get("workerid", "gw?"))
                self.shared.worker_started()
            except SharedLedgerError as exc:  # unshared, the run could spend n x the session budget
                raise pytest.UsageError(f"token budget: cannot share the session budget: {exc}") from None
            self.ledger.share_session(self.shared)

    def deactivate(self) -> None:
        if self.installed:
            self.installed = False
            try:
                from pytest_tokenbudget.plugin import capture
                capture.uninstall()
            except Exception as exc:
                self.internal("uninstalling the HTTP patch", exc)
        set_current(None, None)


class _SafeListener:
    """The ledger as capture sees it, with the plugin's own bugs kept away from the user's calls."""

    def __init__(self, state: _State) -> None:
        self.state = state

    def before_send(self, request: Any) -> Any:
        __tracebackhide__ = True
        try:
            return self.state.ledger.before_send(request)
        except TokenBudgetExceeded as exc:
            _exceeded(self.state, exc)
            raise
        except Exception as exc:  # the call goes ahead; on_record still records it (spend not hidden)
            self.state.internal("checking a request before sending", exc)
            return None

    def on_record(self, token: Any, record: Any) -> None:
        try:
            self.state.ledger.on_record(token, record)
        except Exception as exc:  # a call went unrecorded: that hides spend, so the run fails
            self.state.internal("recording a call (its spend is missing from the totals)", exc)


_STATE = pytest.StashKey[_State]()
_REPORTS = pytest.StashKey[Any]()  # report.run.RunReports


def _state(config: pytest.Config) -> _State | None:
    return config.stash.get(_STATE, None)


def _active(config: pytest.Config) -> _State | None:
    st = config.stash.get(_STATE, None)
    return st if st is not None and st.active else None


# ----------------------------------------------------------------------------- lifecycle hooks
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "token_budget(usd=None, input_tokens=None, output_tokens=None, total_tokens=None, calls=None): "
        "budget of this test's LLM API calls (closest marker wins per dimension; 0 = nothing allowed, "
        "None = no limit). Needs pytest-tokenbudget.")
    _register_fake_server(config)
    settings = resolve_settings(config)
    st = _State(config, settings, controller=_is_xdist_controller(config))
    config.stash[_STATE] = st
    if st.controller:
        config.pluginmanager.register(_XdistController(st), "tokenbudget-xdist-controller")
        if settings.enabled:  # the workers share the session budget through one SQLite file
            from pytest_tokenbudget.plugin.ledger.shared import RunControl
            st.run = RunControl()
    reports = _configure_reports(config)
    if settings.enabled or reports.enables:
        st.activate()


def _configure_reports(config: pytest.Config) -> Any:
    """JSON report, baseline, JUnit properties, GitHub summary (report/run.py); sees every test report."""
    from pytest_tokenbudget.report.run import RunReports
    reports = RunReports(config)
    config.stash[_REPORTS] = reports
    config.pluginmanager.register(reports, "tokenbudget-reports")
    return reports


def _is_xdist_controller(config: pytest.Config) -> bool:
    return getattr(config.option, "dist", "no") not in ("no", None) and not hasattr(config, "workerinput")


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
    st = _state(config)
    if st is not None:
        st.deactivate()
        for shared in (st.shared, st.run):
            if shared is not None:
                shared.close()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    st = _state(config)
    if st is None or st.active:
        return
    for item in items:
        if item.get_closest_marker(MARKER) is not None or any(
                f in getattr(item, "fixturenames", ()) for f in FIXTURES):
            st.activate()
            return


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    st = _state(config)
    if st is None or not st.settings.enabled:
        return None
    return [_header(st.settings)]


def _header(s: Settings) -> str:
    def show(setting: Setting) -> str:
        if setting.value is None:
            return f"no limit ({setting.source})" if setting.set else "no limit"
        return f"{fmt_usd(setting.value)} ({setting.source})"
    unknown = s.unknown_model or "per [tool.tokenbudget]"
    return (f"token budget: per test {show(s.per_test)}, session {show(s.session)}, "
            f"pre-flight {'on' if s.preflight else 'off'}, unknown models: {unknown}")


# ----------------------------------------------------------------------------- per test
@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Runs before pytest sets up the fixtures: open the test's budget, attribute calls to it."""
    st = _active(item.config)
    if st is None:
        return
    set_current(item.nodeid, "setup")
    t = _Test(Limits(), item=item)
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
    if _active(item.config) is not None:
        set_current(item.nodeid, "call")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    if _active(item.config) is not None:
        set_current(item.nodeid, "teardown")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    st = _active(item.config)
    if st is None:
        return
    try:
        report = outcome.get_result()
        _judge(st, item, report)
        item.config.stash[_REPORTS].after_makereport(item, report, st.ledger)  # baseline, JUnit properties
    except Exception as exc:
        st.internal(f"judging {item.nodeid}", exc)


def _judge(st: _State, item: pytest.Item, report: pytest.TestReport) -> None:
    t = st.tests.get(item.nodeid)
    if t is None or t.budget is None:
        return
    if report.when == "call":
        overruns = t.budget.overruns()
        if overruns:
            text = overrun_text(t.budget, overruns)
            t.overrun_reported = True
            _exceeded(st, overruns[0].error(), t.budget, item)
            if report.passed:
                report.outcome = "failed"
                report.longrepr = text
            else:
                report.sections.append(("token budget", text))
    elif report.when == "teardown":
        problems = []
        overruns = t.budget.overruns()
        if overruns and not t.overrun_reported:
            problems.append(overrun_text(t.budget, overruns))
            _exceeded(st, overruns[0].error(), t.budget, item)
        if st.ledger.unknown_model == "error":
            for msg in st.ledger.unpriced_for(item.nodeid):
                problems.append(f"token budget: a call could not be priced: {msg}")
        if problems:
            text = "\n\n".join(problems)
            if report.passed:
                report.outcome = "failed"
                report.longrepr = text
            else:
                report.sections.append(("token budget", text))
        set_current(None, None)
        st.ledger.end_test(item.nodeid)
        # plain values (no Decimal) so that they survive pytest-xdist's serialisation to the controller
        entries = st.ledger.entries_for(item.nodeid)
        report.token_budget = {"version": 1, "limits": t.limits.as_json(), "entries": [e.as_json() for e in entries]}
        st.sent.update(e.seq for e in entries)
        st.sent_tests.add(item.nodeid)
        session_over = st.ledger.session.overruns()
        if session_over and not st.settings.preflight and not item.session.shouldfail:
            # no refusals without pre-flight: stop the run so that it stops spending (pytest-timeout style)
            item.session.shouldfail = f"token budget: session {session_over[0].describe()}"


class _XdistController:
    """Registered on the pytest-xdist controller only: gathers the workers' per-test entries."""

    def __init__(self, state: _State) -> None:
        self.state = state

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        data = getattr(report, "token_budget", None)
        if data is None or report.when != "teardown":
            return
        st = self.state
        try:
            if not st.active:
                st.activate()
            if st.run is not None:
                st.run.reported.add(report.nodeid)
            st.ledger.absorb(Entry.from_json(e) for e in data.get("entries", ()))
        except Exception as exc:
            st.internal(f"reading the figures of {report.nodeid} from a worker (its spend is missing from the "
                        "totals)", exc)


    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        if self.state.run is not None:
            node.workerinput[_SHARED_KEY] = self.state.run.path

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        run = self.state.run
        worker = getattr(getattr(node, "gateway", None), "id", None) or "?"
        if error is not None and run is None:  # no shared ledger: say so all the same
            self.state.notes.append(f"figures incomplete: worker {worker} crashed")
        elif run is not None:
            run.node_down(worker, error)
        output = getattr(node, "workeroutput", None) or {}  # missing or partial after a crash
        late = output.get(_LATE_KEY)
        if late:  # calls that ended after their test's report (streams left open): not in any report
            try:
                if not self.state.active:
                    self.state.activate()
                self.state.ledger.absorb(Entry.from_json(e) for e in late)
            except Exception as exc:
                self.state.internal(f"reading late figures from worker {worker} (their spend is missing from the "
                                    "totals)", exc)
        for err in output.get(_ERRORS_KEY, ()):  # a worker's plugin errors fail the run as they would serially
            self.state.internal_errors.append(f"worker {worker}: {err}")

    def pytest_keyboard_interrupt(self, excinfo: Any) -> None:
        # xdist turns a worker's session.shouldfail into Interrupted (exit 2); serial runs exit 1
        if str(excinfo.value).startswith(_STOP_PREFIX):
            self.state.stopped_by_budget = True


def _exceeded(st: _State, error: TokenBudgetExceeded, budget: Any = None, item: Any = None) -> None:
    """Tell users' ``pytest_tokenbudget_budget_exceeded`` hooks (their bugs never break the run)."""
    budget = budget if budget is not None else getattr(error, "budget_ref", None)
    if budget is None:
        return
    if item is None and budget.scope != "session":
        from pytest_tokenbudget.plugin.ledger.ledger import current
        t = st.tests.get(budget.name if budget.scope == "test" else current()[0])
        item = t.item if t is not None else None
    try:
        st.config.hook.pytest_tokenbudget_budget_exceeded(item=item, budget=budget, spent=budget.spent, error=error)
    except Exception as exc:
        st.internal("a pytest_tokenbudget_budget_exceeded hook", exc)


def _user_hooks(st: _State) -> None:
    """Route the ledger's events to the users' ``pytest_tokenbudget_*`` hook implementations."""
    hook = st.config.hook
    if hook.pytest_tokenbudget_call_recorded.get_hookimpls():
        st.ledger.listeners.append(lambda entry: hook.pytest_tokenbudget_call_recorded(record=entry))
    if hook.pytest_tokenbudget_price.get_hookimpls():
        st.ledger.pricers.append(lambda model, usage: hook.pytest_tokenbudget_price(model=model, usage=usage))


# ----------------------------------------------------------------------------- fixtures
@pytest.fixture
def token_usage(request: pytest.FixtureRequest) -> TestUsage:
    """This test's LLM calls so far: ``.records``, ``.totals``, ``.calls``, ``.input_tokens``,
    ``.cache_write_tokens``, ``.cache_read_tokens``, ``.output_tokens``, ``.cost_usd`` (Decimal),
    ``.cache_hit_rate``."""
    st = _require(request)
    return TestUsage(st.ledger, request.node.nodeid)


class _BlockBudget:
    """``with token_budget(usd=0.002) as spent:`` -- a budget around one block (blocks nest)."""

    def __init__(self, st: _State, limits: Limits, name: str) -> None:
        self._st = st
        self._limits = limits
        self._name = name
        self.budget: Budget | None = None

    def __enter__(self) -> Budget:
        self.budget = self._st.ledger.open_block(self._limits, self._name)
        return self.budget

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        overruns = self._st.ledger.close_block(self.budget)
        if overruns and exc_type is None:
            first = overruns[0].error()
            _exceeded(self._st, first, self.budget)
            raise TokenBudgetExceeded(overrun_text(self.budget, overruns), scope="block", budget=self._name,
                                      dimension=first.dimension, limit=first.limit, spent=first.spent)


@pytest.fixture
def token_budget(request: pytest.FixtureRequest):
    """A context-manager factory: ``with token_budget(usd=0.002, calls=2) as spent: ...`` budgets the
    block (pre-flight refusal inside it, an overrun raises ``TokenBudgetExceeded`` at the end) and
    yields a live view of its calls (``spent.records``, ``spent.cost_usd``, ``spent.totals`` ...).

    The block covers every call made while it is open, from any thread or task (like the test
    budget). Blocks nest: a call must fit every open block, the test budget and the session budget.
    ``usd=0`` allows no spend, ``None`` (the default) sets no limit for that dimension."""
    st = _require(request)

    def factory(usd: Any = None, *, input_tokens: int | None = None, output_tokens: int | None = None,
                total_tokens: int | None = None, calls: int | None = None, name: str = "") -> _BlockBudget:
        limits = Limits.parse("token_budget()", usd=usd, input_tokens=input_tokens, output_tokens=output_tokens,
                              total_tokens=total_tokens, calls=calls)
        return _BlockBudget(st, limits, name)

    return factory


def _require(request: pytest.FixtureRequest) -> _State:
    st = _state(request.config)
    if st is None:  # pragma: no cover - pytest_configure always runs first
        raise RuntimeError("pytest-tokenbudget is not configured")
    if not st.active:  # a fixture requested dynamically (getfixturevalue): start measuring now
        st.activate()
        item = request.node
        set_current(item.nodeid, "setup")
        t = _Test(marker_limits(item, Limits(usd=st.settings.per_test.value)))
        t.budget = st.ledger.begin_test(item.nodeid, t.limits)
        st.tests[item.nodeid] = t
    return st


# ----------------------------------------------------------------------------- session end
@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    st = _active(session.config)
    if st is None:
        return
    _finish_open(st)
    _finish_shared(st)
    try:
        reason = session_failure(st.ledger)
        if st.shared is None and st.ledger.session.overruns():  # workers leave this to the controller
            _exceeded(st, st.ledger.session.overruns()[0].error(), st.ledger.session)
    except Exception as exc:
        st.internal("checking the session budget", exc)
        reason = None
    if st.internal_errors and any("missing from the totals" in e for e in st.internal_errors):
        reason = (reason + "; " if reason else "") + "some calls could not be recorded (plugin error)"
    reports = session.config.stash[_REPORTS]
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


def _finish_open(st: _State) -> None:
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
        workeroutput = getattr(st.config, "workeroutput", None)
        if workeroutput is not None:  # the shared ledger recovers the others (tests that never reported)
            workeroutput[_LATE_KEY] = [e.as_json() for e in st.ledger.entries
                                       if e.seq not in st.sent and e.nodeid in st.sent_tests]
    except Exception as exc:
        st.internal("recording the calls still open at the end (their spend may be missing from the totals)", exc)


def _finish_shared(st: _State) -> None:
    """xdist: a worker marks itself finished; the controller recovers what reports did not carry."""
    try:
        workeroutput = getattr(st.config, "workeroutput", None)
        if workeroutput is not None:  # a worker prints nothing: its plugin errors go to the controller
            workeroutput[_ERRORS_KEY] = [str(e) for e in st.internal_errors + st.ledger.internal_errors
                                         + getattr(st.ledger.session, "errors", [])]
        if st.shared is not None:
            st.shared.worker_finished()
        if st.run is not None:
            st.notes += st.run.finish(lambda entries: st.ledger.absorb(Entry.from_json(e) for e in entries))
    except Exception as exc:
        st.internal("closing the shared session ledger", exc)


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    st = _active(config)
    if st is None:
        return
    try:
        from pytest_tokenbudget.report.terminal import write_section
        notes = list(st.notes)
        if st.controller and st.run is None and st.ledger.session.limits:
            notes.append("note: under pytest-xdist each worker enforces the session budget on its own calls; "
                         "the total is checked here, after the run")
        write_section(terminalreporter, st.ledger, top=st.settings.top, header=_header(st.settings),
                      failure=st.session_failure, internal_errors=st.internal_errors + st.ledger.internal_errors,
                      notes=notes)
        for line, bad in config.stash[_REPORTS].terminal_lines():
            terminalreporter.write_line(line, red=bad, bold=bad)
    except Exception as exc:  # the report is a convenience: never break the run over it
        terminalreporter.write_line(f"token budget: report failed: {type(exc).__name__}: {exc}", red=True)
