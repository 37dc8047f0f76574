"""Pre-flight is a true upper bound (issue 17): for every request shape, the worst case reserved
before sending is at least the bill of the largest usage consistent with the request.

"Realistic" Claude counts in the regression cases: Claude's tokenizers count ~30% more than
cl100k for prose (``CLAUDE_VS_CL100K``), and about 1.5 tokens per character of Chinese at worst.
"""

from __future__ import annotations

import math
from decimal import Decimal

import anthropic
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_tokenbudget.core.catalog import shipped_catalog
from pytest_tokenbudget.core.cost import price
from pytest_tokenbudget.core.errors import TokenBudgetExceeded
from pytest_tokenbudget.core.tokens import estimate_request_tokens, get_estimator
from pytest_tokenbudget.core.usage import Usage
from pytest_tokenbudget.plugin import capture
from pytest_tokenbudget.plugin.capture.types import CallRequest
from pytest_tokenbudget.plugin.ledger.ledger import Ledger, Limits
from pytest_tokenbudget.plugin.ledger.preflight import UNBOUNDED_TOOL_USES

CATALOG = shipped_catalog()
HAIKU = "claude-haiku-4-5"
CLAUDE_VS_CL100K = Decimal("1.3")
PROSE = ("The quick brown fox jumps over the lazy dog while the committee reviews the quarterly "
         "budget and argues about the colour of the bike shed. ") * 40
CHINESE = "预算是一种承诺：这个测试的花费不能超过规定的金额。我们在发送请求之前检查最坏的情况。" * 30


def cl100k(text: str) -> int:
    return get_estimator().count(text)


def request(body: dict, model: str = HAIKU) -> CallRequest:
    body = {"model": model, **body}
    mt = body.get("max_tokens")
    return CallRequest(api="anthropic", endpoint="messages", url="http://127.0.0.1/v1/messages", model=model,
                       max_tokens=mt, stream=False, attempt=0, body=body,
                       input_estimate=estimate_request_tokens(body))


def worst_usd(body: dict, model: str = HAIKU) -> Decimal | None:
    return Ledger(catalog=CATALOG).worst_case(request(body, model))[0].usd


def user(text: str) -> list[dict]:
    return [{"role": "user", "content": text}]


# ----------------------------------------------------------------------------- regressions
def test_one_hour_cache_write_is_reserved_at_its_write_price():
    body = {"max_tokens": 10, "messages": user("Go."),
            "system": [{"type": "text", "text": PROSE, "cache_control": {"type": "ephemeral", "ttl": "1h"}}]}
    claude = math.ceil(cl100k(PROSE) * CLAUDE_VS_CL100K)
    bill = price(HAIKU, Usage(cache_write_1h_tokens=claude, input_tokens=5, output_tokens=10)).total_usd
    assert worst_usd(body) >= bill


def test_web_search_is_reserved_at_max_uses_times_the_fee():
    tools = [{"type": "web_search_20250305", "name": "web_search", "max_uses": 5}]
    body = {"max_tokens": 100, "messages": user("Search the news."), "tools": tools}
    inp = estimate_request_tokens(body)
    bill = price(HAIKU, Usage(input_tokens=inp, output_tokens=100, web_search_requests=5)).total_usd
    assert worst_usd(body) >= bill
    unbounded = {**body, "tools": [{"type": "web_search_20250305", "name": "web_search"}]}
    assert worst_usd(unbounded) >= bill + (UNBOUNDED_TOOL_USES - 5) * CATALOG.web_search_per_request


def test_an_anthropic_defined_tool_reserves_the_definition_the_api_adds():
    """A computer-use stub is a few bytes in the request, but the API adds its ~4,500-token definition:
    the bound takes the largest size any catalog row publishes (Sonnet 5's 4,590)."""
    plain = {"model": "claude-sonnet-5", "max_tokens": 1024, "messages": [{"role": "user", "content": "Open it."}]}
    stub = {"type": "computer_toolset_20260801", "name": "computer"}
    own = {"type": "custom", "name": "computer"}  # the same bytes, a tool the request defines itself
    assert estimate_request_tokens({**plain, "tools": [stub]}) >= estimate_request_tokens({**plain, "tools": [own]}) + 4590
    assert estimate_request_tokens({**plain, "tools": [{"type": "bash_20250124", "name": "computer"}]}) \
        >= estimate_request_tokens({**plain, "tools": [own]}) + 325


def test_chinese_prompt_is_not_under_estimated():
    body = {"max_tokens": 10, "messages": user(CHINESE)}
    bill = price(HAIKU, Usage(input_tokens=math.ceil(len(CHINESE) * 1.5), output_tokens=10)).total_usd
    assert worst_usd(body) >= bill


def test_thinking_budget_above_max_tokens_is_the_output_bound():
    body = {"max_tokens": 1000, "messages": user("Think."), "thinking": {"type": "enabled", "budget_tokens": 8000}}
    bill = price(HAIKU, Usage(input_tokens=estimate_request_tokens(body), output_tokens=8000)).total_usd
    assert worst_usd(body) >= bill


def test_region_the_catalog_does_not_list_is_priced_at_the_largest_multiplier():
    body = {"max_tokens": 1000, "messages": user("Hi"), "inference_geo": "eu"}
    us = price("claude-opus-4-6", Usage(input_tokens=estimate_request_tokens(body), output_tokens=1000),
               geo="us").total_usd
    assert worst_usd(body, "claude-opus-4-6") >= us


def test_fast_mode_is_reserved_at_its_price_or_at_the_highest_fast_multiplier():
    body = {"max_tokens": 10, "messages": user("Hi"), "speed": "fast"}
    usage = Usage(input_tokens=estimate_request_tokens(body), output_tokens=10)
    # Mythos 5.2 offers fast mode at an unpublished price: never reserved at the standard price
    worst, why = Ledger(catalog=CATALOG).worst_case(request(body, "claude-mythos-5-2"))
    standard = price("claude-mythos-5-2", usage).total_usd
    assert worst.usd >= standard * CATALOG.max_fast_multiplier and "fast price" in why
    # Fable 5.2 has a fast price: reserved at it
    assert worst_usd(body, "claude-fable-5-2") >= price("claude-fable-5-2", usage, speed="fast").total_usd


def test_stream_without_final_usage_is_charged_its_worst_case_and_incomplete(fake_llm_server):
    ledger = Ledger(catalog=CATALOG)
    fake_llm_server.fault = "no-final-usage"
    capture.install(ledger)
    try:
        client = anthropic.Anthropic(base_url=fake_llm_server.url, api_key="sk-test", max_retries=0)
        events = list(client.messages.create(model=HAIKU, max_tokens=4000, messages=user("Hi"), stream=True))
        assert events[-1].type == "message_stop"
    finally:
        capture.uninstall()
    (entry,) = ledger.entries
    assert entry.charged.output_tokens == 4000 and entry.charged.usd == entry.worst.usd
    assert "incomplete" in entry.flags() and not ledger.totals().complete


# ----------------------------------------------------------------------------- the property
# Models a request can reach today with every feature the property draws (prompt caching): a
# retired model's calls fail unbilled, and Claude 3 Sonnet / 2.x never offered caching.
PRICED = [m.id for m in CATALOG if m.input is not None and m.output is not None and m.max_output
          and m.cache_write_5m is not None and m.status().state != "retired"]
TEXTS = st.sampled_from([PROSE[:400], CHINESE[:200], "def f(x):\n    return {k: v for k, v in x.items()}\n" * 5,
                         "Привет, мир! Это проверка бюджета. " * 8, "こんにちは、世界。予算のテストです。" * 8,
                         "مرحبا بالعالم، هذا اختبار للميزانية. " * 8, "🙂🚀 emoji-heavy ✓ text " * 10])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model=st.sampled_from(PRICED), text=TEXTS, ttl=st.sampled_from([None, "5m", "1h"]),
       uses=st.one_of(st.none(), st.integers(0, 10)), search=st.booleans(), max_tokens=st.integers(1, 20000),
       thinking=st.one_of(st.none(), st.integers(1024, 30000)), geo=st.sampled_from([None, "us", "eu"]),
       fast=st.booleans(), split=st.floats(0, 1))
def test_worst_case_bounds_the_largest_consistent_bill(model, text, ttl, uses, search, max_tokens, thinking,
                                                        geo, fast, split):
    """Worst case >= the bill for: output = max(max_tokens, thinking budget), every web search used
    max_uses times (the documented cap when unbounded), the cacheable prefix written at its TTL,
    and input tokens up to the estimator's claimed bound (estimate_request_tokens)."""
    info = CATALOG.lookup(model)
    fast = fast and info.fast_input is not None
    block = {"type": "text", "text": text}
    if ttl:
        block["cache_control"] = {"type": "ephemeral", **({"ttl": ttl} if ttl == "1h" else {})}
    body = {"max_tokens": max_tokens, "system": [block], "messages": user("Answer briefly.")}
    if search:
        body["tools"] = [{"type": "web_search_20250305", "name": "web_search",
                          **({"max_uses": uses} if uses is not None else {})}]
    if thinking:
        body["thinking"] = {"type": "enabled", "budget_tokens": thinking}
    if geo:
        body["inference_geo"] = geo
    if fast:
        body["speed"] = "fast"
    inp = estimate_request_tokens(body)
    prefix = int(inp * split) if ttl else 0
    searches = (uses if uses is not None else UNBOUNDED_TOOL_USES) if search else 0
    usage = Usage(input_tokens=inp - prefix, output_tokens=max(max_tokens, thinking or 0),
                  web_search_requests=searches,
                  **({"cache_write_1h_tokens": prefix} if ttl == "1h" else {"cache_write_5m_tokens": prefix}))
    bill_geo = geo if geo in info.geo else (max(info.geo, key=info.geo.get) if geo and info.geo else None)
    bill = price(model, usage, geo=bill_geo, speed="fast" if fast else None).total_usd
    worst = worst_usd(body, model)
    assert worst is not None and worst >= bill
