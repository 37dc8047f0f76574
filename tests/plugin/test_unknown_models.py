"""Unknown models under ``token_budget_unknown_model = warn`` (issue 17): let through, but charged
their worst case at the catalog's highest prices against every usd budget -- a zero budget
refuses them -- and the totals are marked incomplete."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pytest_tokenbudget.core.errors import TokenBudgetExceeded
from pytest_tokenbudget.plugin.capture.types import CallRecord, CallRequest
from pytest_tokenbudget.plugin.ledger.ledger import Ledger, Limits, set_current

MYSTERY = "claude-mystery-1"


def request(max_tokens=1000, text="hi"):
    body = {"model": MYSTERY, "max_tokens": max_tokens, "messages": [{"role": "user", "content": text}]}
    return CallRequest(api="anthropic", endpoint="messages", url="http://127.0.0.1/v1/messages", model=MYSTERY,
                       max_tokens=max_tokens, stream=False, attempt=0, body=body)


def record(req, inp=208_000, out=1000):
    return CallRecord(request=req, status=200, response_model=MYSTERY, usage={"input_tokens": inp, "output_tokens": out},
                      complete=True, streamed=False, live=True, duration_s=0.01)


@pytest.fixture
def in_test():
    set_current("t", "call")
    yield
    set_current(None, None)


def test_zero_budget_refuses_an_unknown_model(in_test):
    ledger = Ledger(unknown_model="warn")
    ledger.begin_test("t", Limits.parse(usd=0))
    with pytest.raises(TokenBudgetExceeded) as info:
        ledger.before_send(request())
    assert info.value.refused and info.value.attempted > 0


def test_session_cap_holds_for_unknown_models(in_test):
    ledger = Ledger(unknown_model="warn", session_limits=Limits.parse(usd="0.01"))
    ledger.begin_test("t", Limits())
    refused = 0
    for _ in range(10):  # the ten calls of 208k tokens: all of them went through, charged $0
        req = request(text="x " * 1000)
        try:
            token = ledger.before_send(req)
        except TokenBudgetExceeded:
            refused += 1
            continue
        ledger.on_record(token, record(req))
    assert refused == 10
    assert ledger.session.spent.usd == 0


def test_unknown_model_is_charged_its_worst_case_and_totals_are_incomplete(in_test):
    ledger = Ledger(unknown_model="warn", session_limits=Limits.parse(usd=100))
    ledger.begin_test("t", Limits())
    req = request(max_tokens=1000)
    worst, _ = ledger.worst_case(req)
    top_out = max(m.output for m in ledger.catalog if m.output is not None)
    assert worst.usd >= 1000 * top_out / 1_000_000  # at least max_tokens at the highest output price
    entry = ledger.on_record(ledger.before_send(req), record(req, inp=5, out=10))
    assert entry.charged.usd == worst.usd and entry.unpriced
    assert ledger.session.spent.usd == worst.usd
    assert not ledger.totals().complete


def test_refusal_wording_never_prints_equal_amounts(in_test):
    """Issue 17: a refusal read "$0.0050 > $0.0050" (both sides rounded)."""
    ledger = Ledger()
    req = CallRequest(api="anthropic", endpoint="messages", url="http://127.0.0.1/v1/messages",
                      model="claude-haiku-4-5", max_tokens=1000, stream=False, attempt=0, body={},
                      input_estimate=10)
    worst = ledger.worst_case(req)[0].usd
    ledger.begin_test("t", Limits.parse(usd=worst - Decimal("0.000001")))
    with pytest.raises(TokenBudgetExceeded) as info:
        ledger.before_send(req)
    msg = str(info.value)
    total, limit = msg.split(" = ", 1)[1].split(" (")[0].split(". Nothing")[0].split(" > ")
    assert total != limit, msg
