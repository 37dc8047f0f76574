"""The plugin's run state: settings, the ledger, what is installed, the per-test budgets.

One :class:`RunState` per pytest process, kept in ``config.stash``. :class:`SafeListener` is the
ledger as the capture layer sees it, with the plugin's own bugs kept away from the user's calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from pytest_tokenbudget.core.errors import TokenBudgetExceeded
from pytest_tokenbudget.plugin.ledger.ledger import (
    Budget,
    Ledger,
    Limits,
    current,
    set_current,
)
from pytest_tokenbudget.plugin.settings import Settings, ini_bool

SHARED_KEY = "tokenbudget_shared_ledger"  # config.workerinput key: the run's shared session ledger file


@dataclass
class TestBudget:
    limits: Limits
    budget: Budget | None = None
    overrun_reported: bool = False
    item: Any = None
    since: int = 0  # the ledger's last entry seq when this attempt began (token_usage: this attempt's calls)


@dataclass
class RunState:
    config: pytest.Config
    settings: Settings
    ledger: Ledger | None = None
    active: bool = False
    installed: bool = False
    controller: bool = False  # the pytest-xdist controller: runs no tests, aggregates the workers' reports
    tests: dict[str, TestBudget] = field(default_factory=dict)
    internal_errors: list[str] = field(default_factory=list)
    session_failure: str | None = None
    run: Any = None  # xdist controller: shared_ledger.RunControl (the run's shared session ledger)
    shared: Any = None  # xdist worker: shared_ledger.SharedLedger
    children: Any = None  # children.Children: child processes record into the run's shared ledger
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
                             count_replayed=ini_bool(self.config, "token_budget_count_replayed"))
        user_hooks(self)
        if self.controller:  # no test runs here: nothing to intercept
            self.active = True
            return
        try:
            from pytest_tokenbudget.plugin import capture
            self.listener = SafeListener(self)
            capture.install(self.listener)
            capture.add_hosts(self.config.getini("token_budget_llm_hosts"))  # the last line of defence
        except Exception as exc:  # without interception every call would go unseen: fail loudly
            raise pytest.UsageError(
                f"token budget: cannot intercept LLM API calls ({type(exc).__name__}: {exc}); "
                "spend would go unmeasured, so the run stops here") from None
        self.installed = True
        self.active = True
        path = getattr(self.config, "workerinput", {}).get(SHARED_KEY)
        if path:  # a pytest-xdist worker: the session budget is the whole run's
            from pytest_tokenbudget.plugin.ledger.shared import (
                SharedLedger,
                SharedLedgerError,
            )
            try:
                self.shared = SharedLedger.open(path, self.config.workerinput.get("workerid", "gw?"))
                self.shared.worker_started()
            except SharedLedgerError as exc:  # unshared, the run could spend n x the session budget
                raise pytest.UsageError(f"token budget: cannot share the session budget: {exc}") from None
            self.ledger.share_session(self.shared)
        # -- a store shared across machines (--token-budget-store=postgresql://…) ----------
        from pytest_tokenbudget.plugin.sharing import join_shared_store
        join_shared_store(self)  # serial runs and xdist workers of a store run; nothing otherwise
        self._start_children()

    def _start_children(self) -> None:
        """Python child processes join the run (:mod:`.children`): serial runs get a shared ledger too."""
        if not self.config.getini("token_budget_children"):
            return
        from pytest_tokenbudget.plugin.children import Children
        session = self.settings.session.value
        settings = {"session_usd": None if session is None else str(session), "preflight": self.settings.preflight,
                    "unknown_model": self.settings.unknown_model, "rootdir": str(self.config.rootpath),
                    "count_replayed": self.ledger.count_replayed}
        try:
            self.children = Children.start(self.ledger, self.shared, getattr(self.config, "workerinput", {}).get(
                "workerid"), settings)
        except Exception as exc:  # the run goes on; children are then not measured: said in the report
            self.internal("letting child processes join the run (their calls are not measured)", exc)

    def deactivate(self) -> None:
        if self.children is not None:
            children, self.children = self.children, None
            try:
                children.stop()
            except Exception as exc:
                self.internal("restoring the environment after child processes", exc)
        if self.installed:
            self.installed = False
            try:
                from pytest_tokenbudget.plugin import capture
                capture.uninstall()
            except Exception as exc:
                self.internal("uninstalling the HTTP patch", exc)
        set_current(None, None)


class SafeListener:
    """The ledger as capture sees it, with the plugin's own bugs kept away from the user's calls."""

    def __init__(self, state: RunState) -> None:
        self.state = state

    def before_send(self, request: Any) -> Any:
        __tracebackhide__ = True
        try:
            return self.state.ledger.before_send(request)
        except TokenBudgetExceeded as exc:
            notify_exceeded(self.state, exc)
            raise
        except Exception as exc:  # the call goes ahead; on_record still records it (spend not hidden)
            self.state.internal("checking a request before sending", exc)
            return None

    def on_record(self, token: Any, record: Any) -> None:
        try:
            self.state.ledger.on_record(token, record)
        except Exception as exc:  # a call went unrecorded: that hides spend, so the run fails
            self.state.internal("recording a call (its spend is missing from the totals)", exc)


STATE = pytest.StashKey[RunState]()
REPORTS = pytest.StashKey[Any]()  # report.run.RunReports


def get_state(config: pytest.Config) -> RunState | None:
    return config.stash.get(STATE, None)


def get_active(config: pytest.Config) -> RunState | None:
    st = config.stash.get(STATE, None)
    return st if st is not None and st.active else None


def user_hooks(st: RunState) -> None:
    """Route the ledger's events to the users' ``pytest_tokenbudget_*`` hook implementations."""
    hook = st.config.hook
    if hook.pytest_tokenbudget_call_recorded.get_hookimpls():
        st.ledger.listeners.append(lambda entry: hook.pytest_tokenbudget_call_recorded(record=entry))
    if hook.pytest_tokenbudget_price.get_hookimpls():
        st.ledger.pricers.append(lambda model, usage: hook.pytest_tokenbudget_price(model=model, usage=usage))


def notify_exceeded(st: RunState, error: TokenBudgetExceeded, budget: Any = None, item: Any = None) -> None:
    """Tell users' ``pytest_tokenbudget_budget_exceeded`` hooks (their bugs never break the run)."""
    budget = budget if budget is not None else getattr(error, "budget_ref", None)
    if budget is None:
        return
    if item is None and budget.scope != "session":
        t = st.tests.get(budget.name if budget.scope == "test" else current()[0])
        item = t.item if t is not None else None
    try:
        st.config.hook.pytest_tokenbudget_budget_exceeded(item=item, budget=budget, spent=budget.spent, error=error)
    except Exception as exc:
        st.internal("a pytest_tokenbudget_budget_exceeded hook", exc)
