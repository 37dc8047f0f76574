import pytest

from pytest_tokenbudget import TokenBudgetExceeded
from support_desk.classifier import classify, classify_all


@pytest.mark.token_budget(usd=0.06)
def test_classify_routes_a_billing_ticket(api, fake_llm_server, token_usage):
    fake_llm_server.text = "<queue>billing</queue> The customer mentions a duplicate charge."
    fake_llm_server.set_usage(input=64, output=18)

    assert classify("I was charged twice this month", api=api) == "billing"
    assert token_usage.calls == 1


@pytest.mark.token_budget(usd=0.01)
def test_a_cent_cannot_buy_an_opus_call_with_max_tokens_2048(api, fake_llm_server):
    # Worst case: 2,048 output tokens at $25/MTok = $0.051 > $0.01. The plugin refuses the call
    # before it is sent (tokenbudget lint flags the same call as TB204 and TB301).
    with pytest.raises(TokenBudgetExceeded):
        classify("My invoice is wrong", api=api)
    assert fake_llm_server.request_count == 0


@pytest.mark.token_budget(usd=0.001, calls=3)
def test_a_backlog_of_three_costs_three_calls(api, fake_llm_server, token_usage):
    fake_llm_server.text = "<queue>bug"
    fake_llm_server.set_usage(input=40, output=3)

    assert classify_all(["crash on export", "app freezes", "button broken"], api=api) == ["bug"] * 3
    assert token_usage.calls == 3
    assert token_usage.output_tokens == 9
