"""Hooks users can implement in a ``conftest.py`` (or a plugin) to extend ``--token-budget``.

Registered with ``pytest_addhooks``. Example::

    # conftest.py
    from decimal import Decimal

    def pytest_tokenbudget_call_recorded(record):
        print(record.nodeid, record.priced_model, record.cost_usd)

    def pytest_tokenbudget_budget_exceeded(item, budget, spent):
        alert(f"{budget.title} ({budget.limits.describe()}) exceeded by {item.nodeid if item else 'the run'}")

    def pytest_tokenbudget_price(model, usage):
        if model == "my-finetune":
            return Decimal(usage.prompt_tokens) * Decimal("0.000002") + Decimal(usage.output_tokens) * Decimal("0.000008")

Under pytest-xdist, ``call_recorded``, ``budget_exceeded`` for tests and ``price`` run in the
worker that made the call (a worker's output is not shown: write to a file if you need it); the
controller calls ``budget_exceeded`` once for a session budget overrun found at the end.
"""

from __future__ import annotations

from typing import Any

import pytest


def pytest_tokenbudget_call_recorded(record: Any) -> None:
    """An LLM API call attempt was recorded (also a refused one, with ``record.refused``).

    ``record`` is a :class:`pytest_tokenbudget.plugin.ledger.ledger.Entry`: ``nodeid``, ``phase``, ``api``,
    ``endpoint``, ``request_model``, ``response_model``, ``priced_model``, ``usage``, ``cost``,
    ``cost_usd`` (Decimal or None), ``max_tokens``, ``streamed``, ``live`` (False for mocks and
    cassette replays), ``status``, ``refused``, ``duration_s``, ``flags()``. Exceptions raised
    here are reported as plugin errors and never break the call."""


def pytest_tokenbudget_budget_exceeded(item: Any, budget: Any, spent: Any, error: Any) -> None:
    """A budget said no: a call was refused before it was sent, or a test (or the session) spent
    more than its budget.

    ``item``: the test (``pytest.Item``), or ``None`` for the session outside any test.
    ``budget``: the :class:`pytest_tokenbudget.plugin.ledger.ledger.Budget` (``scope`` = ``session`` | ``test``
    | ``block``, ``name``, ``limits``, ``records``). ``spent``: what it had spent, an
    :class:`~pytest_tokenbudget.plugin.ledger.ledger.Amounts` (``usd`` Decimal, ``input_tokens``,
    ``output_tokens``, ``total_tokens``, ``calls``). ``error``: the
    :class:`~pytest_tokenbudget.core.errors.TokenBudgetExceeded` with the details (``refused`` tells a
    refusal from an overrun). Called at most once per refusal, once per overrun test."""


@pytest.hookspec(firstresult=True)
def pytest_tokenbudget_price(model: str, usage: Any) -> Any:
    """Price a call to a model the catalog does not know (or return ``None`` to pass).

    ``model`` is the model id as the API named it; ``usage`` a :class:`pytest_tokenbudget.core.usage.Usage`
    (``input_tokens`` uncached, ``cache_write_tokens``, ``cache_read_tokens``, ``output_tokens``,
    ``prompt_tokens``). Return a :class:`pytest_tokenbudget.core.cost.Cost`, or the total in USD as a
    ``Decimal`` (or a decimal string or int; a float is read by its repr). The first non-None
    answer wins. It is also asked for the pre-flight worst case (``output_tokens`` = ``max_tokens``)."""
