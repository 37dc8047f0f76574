"""JUnit XML properties for one test (``--token-budget-junit``).

They ride on the teardown report's ``user_properties``, which pytest's junitxml writes as
``<property name=… value=…/>`` under the ``<testcase>`` whatever the ``junit_family`` (and which
pytest-xdist carries from the workers). Only when asked for: with the default ``xunit2`` family,
``record_property`` warns that test-case properties are not part of that schema.

Names are prefixed ``tokenbudget.``; values are strings (money as exact decimal strings: these
are for machines, like the JSON report).
"""

from __future__ import annotations

from pytest_tokenbudget.core.money import decimal_str
from pytest_tokenbudget.report.model import TestResult

__all__ = ["PREFIX", "properties"]

PREFIX = "tokenbudget."


def properties(test: TestResult) -> list[tuple[str, str]]:
    """``[(name, value), …]`` for a test's calls: cost, calls, tokens by kind; replayed, refused and
    incomplete figures only when there are any; the test's USD budget when it has one."""
    live, replayed = test.live, test.replayed
    out = [
        ("cost_usd", decimal_str(live.cost_usd)),
        ("calls", str(live.calls)),
        ("input_tokens", str(live.input_tokens)),
        ("cache_write_tokens", str(live.cache_write_tokens)),
        ("cache_read_tokens", str(live.cache_read_tokens)),
        ("output_tokens", str(live.output_tokens)),
        ("total_tokens", str(live.total_tokens)),
    ]
    if replayed.calls:
        out += [("replayed_calls", str(replayed.calls)), ("replayed_cost_usd", decimal_str(replayed.cost_usd))]
    if live.refused:
        out.append(("refused_calls", str(live.refused)))
    if not test.complete:
        out.append(("complete", "false"))
    if test.budget.usd is not None:
        out.append(("budget_usd", decimal_str(test.budget.usd)))
    return [(PREFIX + k, v) for k, v in out]
