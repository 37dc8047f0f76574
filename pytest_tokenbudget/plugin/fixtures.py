"""The fixtures: ``token_usage`` (this test's calls so far) and ``token_budget`` (a budget
around one block)."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_tokenbudget.core.errors import TokenBudgetExceeded
from pytest_tokenbudget.plugin.failures import overrun_text
from pytest_tokenbudget.plugin.ledger.ledger import (
    Budget,
    Limits,
    TestUsage,
    set_current,
)
from pytest_tokenbudget.plugin.settings import marker_limits
from pytest_tokenbudget.plugin.state import (
    RunState,
    TestBudget,
    get_state,
    notify_exceeded,
)

FIXTURES = ("token_usage", "token_budget")


@pytest.fixture
def token_usage(request: pytest.FixtureRequest) -> TestUsage:
    """This test's LLM calls so far: ``.records``, ``.totals``, ``.calls``, ``.input_tokens``,
    ``.cache_write_tokens``, ``.cache_read_tokens``, ``.output_tokens``, ``.cost_usd`` (Decimal),
    ``.cache_hit_rate``. A rerun attempt (pytest-rerunfailures) sees its own calls, as its budget does."""
    st = require_state(request)
    t = st.tests.get(request.node.nodeid)
    return TestUsage(_WithChildren(st) if st.children is not None else st.ledger, request.node.nodeid,
                     since=t.since if t is not None else 0)


class _WithChildren:
    """The ledger as ``token_usage`` reads it when child processes join the run: the calls its child
    processes settled so far are adopted first (and charged to the test's budget)."""

    def __init__(self, st: RunState) -> None:
        self.st = st

    def entries_for(self, nodeid: str | None) -> list[Any]:
        st = self.st
        if st.children is not None and st.ledger is not None:
            t = st.tests.get(nodeid) if nodeid is not None else None
            st.children.adopt(t.budget if t is not None else None, nodeid)
        return st.ledger.entries_for(nodeid)


class _BlockBudget:
    """``with token_budget(usd=0.002) as spent:`` -- a budget around one block (blocks nest)."""

    def __init__(self, st: RunState, limits: Limits, name: str) -> None:
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
            notify_exceeded(self._st, first, self.budget)
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
    st = require_state(request)

    def factory(usd: Any = None, *, input_tokens: int | None = None, output_tokens: int | None = None,
                total_tokens: int | None = None, calls: int | None = None, name: str = "") -> _BlockBudget:
        limits = Limits.parse("token_budget()", usd=usd, input_tokens=input_tokens, output_tokens=output_tokens,
                              total_tokens=total_tokens, calls=calls)
        return _BlockBudget(st, limits, name)

    return factory


def require_state(request: pytest.FixtureRequest) -> RunState:
    st = get_state(request.config)
    if st is None:  # pragma: no cover - pytest_configure always runs first
        raise RuntimeError("pytest-tokenbudget is not configured")
    if not st.active:  # a fixture requested dynamically (getfixturevalue): start measuring now
        st.activate()
        item = request.node
        set_current(item.nodeid, "setup")
        t = TestBudget(marker_limits(item, Limits(usd=st.settings.per_test.value)))
        t.budget = st.ledger.begin_test(item.nodeid, t.limits)
        st.tests[item.nodeid] = t
    return st
