"""Users' hooks: ``pytest_tokenbudget_call_recorded``, ``pytest_tokenbudget_budget_exceeded`` and
``pytest_tokenbudget_price`` (firstresult), implemented in an inner conftest."""

from __future__ import annotations

import json

from conftest import INI, INNER_CONFTEST, run

HOOKS = '''
import json, os
from decimal import Decimal

LOG = os.path.join(os.path.dirname(__file__), "hooks.log")

def _log(**kw):
    with open(LOG, "a") as f:
        f.write(json.dumps(kw, default=str) + "\\n")

def pytest_tokenbudget_call_recorded(record):
    _log(hook="recorded", nodeid=record.nodeid, model=record.priced_model, cost=record.cost_usd,
         refused=record.refused, live=record.live)

def pytest_tokenbudget_budget_exceeded(item, budget, spent, error):
    _log(hook="exceeded", item=item.nodeid if item is not None else None, scope=budget.scope,
         limits=budget.limits.describe(), spent_usd=spent.usd, spent_calls=spent.calls, refused=error.refused)

def pytest_tokenbudget_price(model, usage):
    if model == "acme-llm-1":
        return Decimal(usage.prompt_tokens) * Decimal("0.00001") + Decimal(usage.output_tokens) * Decimal("0.0001")
    return None
'''


def _log(pytester):
    path = pytester.path / "hooks.log"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _setup(pytester):
    pytester.makeconftest(INNER_CONFTEST + HOOKS)
    pytester.makeini(INI)


def test_hooks_without_preflight(pytester):
    """call_recorded for every call; budget_exceeded for each overrun test, and once for the session."""
    _setup(pytester)
    pytester.makeini(INI + "token_budget_preflight = false\n")
    pytester.makepyfile(test_h='''
        import pytest
        from conftest import MSG

        def test_one(claude):
            claude.messages.create(model="claude-haiku-4-5", max_tokens=20, messages=MSG)

        @pytest.mark.token_budget(calls=0)
        def test_zero_calls(claude):  # not refused: pre-flight is off; the overrun is found afterwards
            claude.messages.create(model="claude-haiku-4-5", max_tokens=20, messages=MSG)

        @pytest.mark.token_budget(output_tokens=5)
        def test_overrun(claude, fake_llm_server):
            fake_llm_server.set_usage(output=50)
            claude.messages.create(model="claude-haiku-4-5", max_tokens=100, messages=MSG)
    ''')
    result = run(pytester, "--token-budget-session=0.0003", "-p", "no:randomly")
    assert result.ret == 1
    log = _log(pytester)
    recorded = [e for e in log if e["hook"] == "recorded"]
    assert [(e["nodeid"].split("::")[1], e["model"], e["refused"], e["live"]) for e in recorded] == [
        ("test_one", "claude-haiku-4-5", False, True), ("test_zero_calls", "claude-haiku-4-5", False, True),
        ("test_overrun", "claude-haiku-4-5", False, True)]
    assert recorded[0]["cost"] == "0.000052"  # 17 in x $1/M + 7 out x $5/M
    exceeded = [(e["item"] and e["item"].split("::")[1], e["scope"], e["refused"], e["spent_calls"], e["spent_usd"])
                for e in log if e["hook"] == "exceeded"]
    # the session ($0.000371 of $0.0003) is over after the third test: reported once, at the end
    assert exceeded == [("test_zero_calls", "test", False, 1, "0.000052"),
                        ("test_overrun", "test", False, 1, "0.000267"),
                        (None, "session", False, 3, "0.000371")]


def test_refusal_and_price_hooks(pytester):
    """A refusal before sending reaches budget_exceeded; pytest_tokenbudget_price prices a model the
    catalog lacks (also for the pre-flight worst case); a model nobody prices stays an error."""
    _setup(pytester)
    pytester.makepyfile(test_h='''
        import pytest
        from conftest import MSG

        @pytest.mark.token_budget(calls=0)
        def test_refused(claude):
            claude.messages.create(model="claude-haiku-4-5", max_tokens=20, messages=MSG)

        @pytest.mark.token_budget(usd=1)
        def test_custom(claude):
            claude.messages.create(model="acme-llm-1", max_tokens=20, messages=MSG)

        def test_unknown(claude):
            claude.messages.create(model="other-llm-2", max_tokens=20, messages=MSG)
    ''')
    result = run(pytester, "--token-budget", "-p", "no:randomly")
    # acme-llm-1: 17 x $0.00001 + 7 x $0.0001 = $0.00087; other-llm-2 fails its test at teardown
    result.assert_outcomes(passed=2, failed=1, errors=1)
    out = result.stdout.str()
    assert "$0.00087  1 call  24 tok  test_h.py::test_custom" in out
    assert "other-llm-2" in out and "could not be priced" in out
    log = _log(pytester)
    (e,) = [e for e in log if e["hook"] == "exceeded"]
    assert e["item"].endswith("::test_refused") and e["scope"] == "test" and e["refused"] is True
    assert e["spent_calls"] == 0
    recorded = {e["model"]: e for e in log if e["hook"] == "recorded"}
    assert recorded["claude-haiku-4-5"]["refused"] is True
    assert recorded["acme-llm-1"]["cost"] == "0.00087"
    assert recorded["other-llm-2"]["cost"] is None


def test_a_broken_hook_is_reported_and_does_not_break_the_call(pytester):
    pytester.makeconftest(INNER_CONFTEST + '''
def pytest_tokenbudget_call_recorded(record):
    raise RuntimeError("boom")
''')
    pytester.makeini(INI)
    pytester.makepyfile(test_h='''
        from conftest import MSG

        def test_one(claude):
            assert claude.messages.create(model="claude-haiku-4-5", max_tokens=20, messages=MSG).content
    ''')
    result = run(pytester, "--token-budget")
    result.assert_outcomes(passed=1)
    assert "plugin error: ledger listener" in result.stdout.str() and "boom" in result.stdout.str()
