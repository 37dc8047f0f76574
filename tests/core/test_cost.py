"""The cost engine against figures computed by hand from shared/facts/anthropic.md.

Usage for the per-row table: 1,000 uncached input, 2,000 5m-cache writes, 3,000 1h-cache writes,
4,000 cache reads and 500 output tokens. E.g. claude-sonnet-4-5: (1000*3 + 2000*3.75 + 3000*6 +
4000*0.30 + 500*15) / 1e6 = 0.0372. The batch column is half of it (prices stack).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pytest_tokenbudget import Cost, PricingError, UnknownModelError, UnpricedError, Usage, price
from pytest_tokenbudget.core.catalog import shipped_catalog

USAGE = {
    "input_tokens": 1000,
    "cache_creation_input_tokens": 5000,
    "cache_creation": {"ephemeral_5m_input_tokens": 2000, "ephemeral_1h_input_tokens": 3000},
    "cache_read_input_tokens": 4000,
    "output_tokens": 500,
}

# (model, total, batch total) — typed by hand from the sources (shared/facts/anthropic.md and the
# issue-13 notes: pricing page copies, release notes, model pages), not read back from the catalog.
# Prices on 2026-12-01 (tests/core/conftest.py fixes the day).
HAND_COMPUTED = [
    ("claude-fable-5-2", "0.0968", "0.0484"),     # 8000 + 2000*10 + 3000*16 + 4000*0.20 + 500*40
    ("claude-mythos-5-2", "0.0968", "0.0484"),
    ("claude-fable-5-1", "0.121", "0.0605"),      # 10000 + 25000 + 60000 + 1000 + 25000
    ("claude-mythos-5-1", "0.121", "0.0605"),
    ("claude-fable-5", "0.124", "0.062"),         # cache hits $1
    ("claude-mythos-5", "0.124", "0.062"),
    ("claude-opus-5-5", "0.0488", "0.0244"),      # 4000 + 10000 + 24000 + 800 + 10000
    ("claude-opus-5", "0.062", "0.031"),          # 5000 + 12500 + 30000 + 2000 + 12500
    ("claude-opus-4-8", "0.062", "0.031"),
    ("claude-opus-4-7", "0.062", "0.031"),
    ("claude-opus-4-6", "0.062", "0.031"),
    ("claude-opus-4-5", "0.062", "0.031"),
    ("claude-opus-4-1", "0.186", "0.093"),        # 15000 + 37500 + 90000 + 6000 + 37500
    ("claude-opus-4-0", "0.186", "0.093"),
    ("claude-3-opus-20240229", "0.186", "0.093"),
    ("claude-sonnet-5-5", "0.0244", "0.0122"),    # cache hits $0.10 since 2026-10-07
    ("claude-sonnet-5", "0.0248", "0.0124"),      # 2000 + 5000 + 12000 + 800 + 5000
    ("claude-sonnet-4-6", "0.0372", "0.0186"),    # 3000 + 7500 + 18000 + 1200 + 7500
    ("claude-sonnet-4-5", "0.0372", "0.0186"),
    ("claude-sonnet-4-0", "0.0372", "0.0186"),
    ("claude-3-7-sonnet-20250219", "0.0372", "0.0186"),
    ("claude-3-5-sonnet-20241022", "0.0372", "0.0186"),
    ("claude-3-5-sonnet-20240620", "0.0372", "0.0186"),
    ("claude-haiku-5-5", "0.00124", "0.00062"),   # 100 + 250 + 600 + 40 + 250
    ("claude-haiku-4-5", "0.0124", "0.0062"),     # 1000 + 2500 + 6000 + 400 + 2500
    ("claude-3-5-haiku-20241022", "0.00992", "0.00496"),  # 800 + 2000 + 4800 + 320 + 2000
    ("claude-3-haiku-20240307", "0.003095", "0.0015475"),  # 250 + 600 + 1500 + 120 + 625
]

# Models that never had prompt caching: 1,000 input and 500 output tokens.
PLAIN = {"input_tokens": 1000, "output_tokens": 500}
HAND_COMPUTED_PLAIN = [
    ("claude-3-sonnet-20240229", "0.0105"),       # 1000*3 + 500*15
    ("claude-2.1", "0.02"),                       # 1000*8 + 500*24
    ("claude-2.0", "0.02"),
    ("claude-1.3", "0.02"),
    ("claude-1.2", "0.02"),
    ("claude-1.1", "0.02"),
    ("claude-1.0", "0.02"),
    ("claude-instant-1.2", "0.002"),              # 1000*0.80 + 500*2.40
    ("claude-instant-1.1", "0.002"),
    ("claude-instant-1.0", "0.002"),
]

# (model, day, usage, total) for earlier price periods, by hand.
HAND_COMPUTED_HISTORY = [
    ("claude-sonnet-5-5", "2026-10-06", USAGE, "0.0248"),          # cache hits still $0.20
    ("claude-3-5-haiku-20241022", "2024-12-01", USAGE, "0.0124"),  # launch price $1 / $5
    ("claude-3-5-haiku-20241022", "2025-01-01", USAGE, "0.00992"),
    ("claude-2.0", "2023-10-01", PLAIN, "0.02736"),                 # 1000*11.02 + 500*32.68
    ("claude-1.3", "2023-11-20", PLAIN, "0.02736"),
    ("claude-instant-1.2", "2023-09-01", PLAIN, "0.004385"),        # 1000*1.63 + 500*5.51
    # > 200K input tokens while the long-context tier existed: the whole request at $6 / $22.50
    ("claude-sonnet-4-5", "2026-03-01", {"input_tokens": 200_001, "output_tokens": 1000}, "1.222506"),
    ("claude-sonnet-4-5", "2026-04-30", {"input_tokens": 200_001, "output_tokens": 1000}, "0.615003"),
    ("claude-sonnet-4-0", "2026-04-29", {"input_tokens": 200_001, "output_tokens": 1000}, "1.222506"),
    ("claude-sonnet-4-6", "2026-03-12", {"input_tokens": 150_000, "cache_read_input_tokens": 50_001,
                                         "output_tokens": 1000}, "0.9525006"),  # 150000*6 + 50001*0.60 + 1000*22.5
    ("claude-sonnet-4-6", "2026-03-13", {"input_tokens": 150_000, "cache_read_input_tokens": 50_001,
                                         "output_tokens": 1000}, "0.4800003"),  # 150000*3 + 50001*0.30 + 1000*15
    ("claude-opus-4-6", "2026-02-10", {"input_tokens": 300_000, "output_tokens": 2000}, "3.075"),  # *10 + *37.50
    ("claude-opus-4-6", "2026-03-13", {"input_tokens": 300_000, "output_tokens": 2000}, "1.55"),   # *5 + *25
]


@pytest.mark.parametrize(("model", "total", "batch_total"), HAND_COMPUTED)
def test_every_priced_row_matches_the_hand_computed_figure(model, total, batch_total):
    assert price(model, USAGE).total_usd == Decimal(total)
    assert price(model, USAGE, batch=True).total_usd == Decimal(batch_total)
    assert price(model, {**USAGE, "service_tier": "batch"}).total_usd == Decimal(batch_total)


@pytest.mark.parametrize(("model", "total"), HAND_COMPUTED_PLAIN)
def test_rows_without_caching_match_the_hand_computed_figure(model, total):
    assert price(model, PLAIN).total_usd == Decimal(total)
    with pytest.raises(UnpricedError, match="no cache-write-5m price"):
        price(model, USAGE)  # caching never existed for it: an error, never $0


@pytest.mark.parametrize(("model", "day", "usage", "total"), HAND_COMPUTED_HISTORY)
def test_earlier_price_periods_match_the_hand_computed_figure(model, day, usage, total):
    assert price(model, usage, on=dt.date.fromisoformat(day)).total_usd == Decimal(total)


def test_the_tables_cover_every_priced_catalog_row():
    priced = {m.id for m in shipped_catalog() if m.input is not None}
    assert priced == {row[0] for row in HAND_COMPUTED} | {row[0] for row in HAND_COMPUTED_PLAIN}


def test_a_call_priced_at_an_earlier_period_says_so():
    cost = price("claude-sonnet-5-5", USAGE, on=dt.date(2026, 10, 1))
    assert "prices until 2026-10-06" in cost.modifiers
    assert price("claude-sonnet-5-5", USAGE).modifiers == ()


def test_issue_example_sonnet_4_5_is_exactly_0_0204():
    cost = price("claude-sonnet-4-5", Usage(input_tokens=1000, output_tokens=500, cache_write_5m_tokens=2000,
                                            cache_read_tokens=8000))
    assert cost.total_usd == Decimal("0.0204")
    assert cost.input_usd == Decimal("0.003")
    assert cost.cache_write_5m_usd == Decimal("0.0075")
    assert cost.cache_read_usd == Decimal("0.0024")
    assert cost.output_usd == Decimal("0.0075")


def test_components_follow_the_5m_1h_split():
    cost = price("claude-opus-4-5", USAGE)
    assert cost.cache_write_5m_usd == Decimal("2000") * Decimal("6.25") / 10**6
    assert cost.cache_write_1h_usd == Decimal("3000") * Decimal("10") / 10**6


def test_unsplit_cache_write_is_priced_at_the_5m_rate():
    cost = price("claude-haiku-4-5", {"input_tokens": 0, "output_tokens": 0, "cache_creation_input_tokens": 4000})
    assert cost.cache_write_5m_usd == Decimal("0.005")
    assert cost.cache_write_1h_usd == 0


def test_cache_read_is_per_model_not_a_fixed_tenth_of_input():
    # Opus 5.5 reads at $0.20 on a $4 input (0.05x); Fable 5.1 at $0.25 on $10 (0.025x).
    assert price("claude-opus-5-5", Usage(cache_read_tokens=1_000_000)).total_usd == Decimal("0.20")
    assert price("claude-fable-5-1", Usage(cache_read_tokens=1_000_000)).total_usd == Decimal("0.25")


def test_haiku_5_5_prompt_tier_applies_to_the_whole_request_above_100k():
    at_limit = price("claude-haiku-5-5", Usage(input_tokens=60_000, cache_read_tokens=40_000, output_tokens=1000))
    # 60000*0.10 + 40000*0.01 + 1000*0.50 = 6000 + 400 + 500 -> 0.0069
    assert at_limit.total_usd == Decimal("0.0069")
    assert at_limit.modifiers == ()
    over = price("claude-haiku-5-5", Usage(input_tokens=60_001, cache_read_tokens=40_000, output_tokens=1000))
    # 60001*0.50 + 40000*0.05 + 1000*2.50 = 30000.5 + 2000 + 2500 -> 0.0345005
    assert over.total_usd == Decimal("0.0345005")
    assert over.modifiers == ("prompt>100000",)


def test_prompt_tier_counts_cache_writes_and_stacks_with_batch():
    usage = Usage(input_tokens=10, cache_write_1h_tokens=100_000, output_tokens=0)
    # 10*0.50 + 100000*1.00 = 100005 -> 0.100005; batch halves it
    assert price("claude-haiku-5-5", usage).total_usd == Decimal("0.100005")
    assert price("claude-haiku-5-5", usage, batch=True).total_usd == Decimal("0.0500025")


def test_us_inference_geo_is_1_1x_on_every_category():
    cost = price("claude-sonnet-4-6", {**USAGE, "inference_geo": "us"})
    assert cost.total_usd == Decimal("0.0372") * Decimal("1.1")
    assert price("claude-sonnet-4-6", USAGE, geo="global").total_usd == Decimal("0.0372")


def test_geo_stacks_with_batch():
    assert price("claude-opus-5", USAGE, geo="us", batch=True).total_usd == Decimal("0.0341")


def test_inference_geo_on_a_model_that_rejects_it_is_an_error_not_a_guess():
    with pytest.raises(UnpricedError, match="inference_geo='us' on claude-sonnet-4-5"):
        price("claude-sonnet-4-5", USAGE, geo="us")


def test_fast_mode_uses_fast_prices_and_scales_cache_prices():
    usage = Usage(input_tokens=1000, cache_read_tokens=1000, output_tokens=1000)
    cost = price("claude-opus-5", usage, speed="fast")
    # fast input $10 (2x): cache read 0.50 * 2 = 1.00; output $50
    assert cost.input_usd == Decimal("0.01")
    assert cost.cache_read_usd == Decimal("0.001")
    assert cost.output_usd == Decimal("0.05")
    assert "fast" in cost.modifiers


FAST = Usage(input_tokens=1000, output_tokens=1000)


@pytest.mark.parametrize(("model", "day", "total"), [
    ("claude-fable-5-2", "2026-12-01", "0.096"),   # $16 / $80 (2x)
    ("claude-opus-5-5", "2026-12-01", "0.048"),    # $8 / $40
    ("claude-opus-5", "2026-12-01", "0.06"),       # $10 / $50
    ("claude-opus-4-8", "2026-11-29", "0.06"),     # the last day of Opus 4.8 fast mode
    ("claude-opus-4-7", "2026-06-01", "0.18"),     # $30 / $150, like Opus 4.6 (6x)
    ("claude-opus-4-6", "2026-04-01", "0.18"),
    ("claude-opus-4-6", "2026-12-01", "0.03"),     # speed=fast now runs and bills at standard speed
])
def test_fast_mode_prices_by_date(model, day, total):
    assert price(model, FAST, speed="fast", on=dt.date.fromisoformat(day)).total_usd == Decimal(total)


def test_opus_4_6_fast_is_billed_as_standard_and_says_so():
    assert "fast billed as standard" in price("claude-opus-4-6", FAST, speed="fast").modifiers


@pytest.mark.parametrize(("model", "day", "situation"), [
    ("claude-opus-4-7", "2026-12-01", "claude-opus-4-7 no longer offers fast mode: speed=fast returns an error "
                                      "since 2026-07-24"),
    ("claude-opus-4-8", "2026-11-30", "claude-opus-4-8 no longer offers fast mode: speed=fast returns an error "
                                      "since 2026-11-30"),
    ("claude-opus-4-7", "2026-05-01", "claude-opus-4-7 does not offer fast mode"),
    ("claude-sonnet-5-5", "2026-12-01", "claude-sonnet-5-5 does not offer fast mode"),
])
def test_fast_mode_errors_name_the_models_real_situation(model, day, situation):
    with pytest.raises(PricingError) as exc:
        price(model, FAST, speed="fast", on=dt.date.fromisoformat(day))
    assert situation in str(exc.value)
    assert "fast-input" not in str(exc.value)


def test_fast_mode_without_a_published_price_is_an_error_or_a_stated_worst_case():
    with pytest.raises(UnpricedError, match="claude-mythos-5-2 offers fast mode but its fast price is not published"):
        price("claude-mythos-5-2", {"input_tokens": 10, "output_tokens": 10, "speed": "fast"})
    worst = price("claude-mythos-5-2", FAST, speed="fast", worst_fast=True)
    assert worst.total_usd == Decimal("0.288")  # 6x: 1000*48 + 1000*240
    assert worst.modifiers == ("fast price unpublished: worst case 6x",)
    assert worst.total_usd >= 2 * price("claude-mythos-5-2", FAST).total_usd


@pytest.mark.parametrize(("model", "total"), [
    ("us.anthropic.claude-sonnet-4-5-20250929-v1:0", "0.04092"),    # 0.0372 * 1.1
    ("eu.anthropic.claude-sonnet-4-5-20250929-v1:0", "0.04092"),
    ("jp.anthropic.claude-haiku-4-5-20251001-v1:0", "0.01364"),     # 0.0124 * 1.1
    ("au.anthropic.claude-opus-4-5-20251101-v1:0", "0.0682"),       # 0.062 * 1.1
    ("apac.anthropic.claude-sonnet-4-6", "0.04092"),
    ("us.anthropic.claude-opus-5-5", "0.05368"),                    # 0.0488 * 1.1
    ("global.anthropic.claude-sonnet-4-5-20250929-v1:0", "0.0372"),  # global: no premium
    ("anthropic.claude-sonnet-4-6", "0.0372"),                      # no profile named: no premium assumed
    ("us.anthropic.claude-opus-4-1-20250805-v1:0", "0.186"),        # before Claude 4.5: unchanged
    ("us.anthropic.claude-3-5-haiku-20241022-v1:0", "0.00992"),
])
def test_bedrock_regional_profiles_carry_the_10_percent_premium(model, total):
    assert price(model, USAGE, on=dt.date(2026, 11, 1)).total_usd == Decimal(total)


def test_regional_premium_can_be_asked_for_and_is_named():
    cost = price("claude-sonnet-4-6", USAGE, regional=True)  # a Vertex regional endpoint
    assert cost.total_usd == Decimal("0.04092") and "regionalx1.1" in cost.modifiers
    assert "regionalx1.1" in price("us.anthropic.claude-sonnet-4-6", USAGE).modifiers
    assert price("us.anthropic.claude-sonnet-4-6", USAGE, regional=False).total_usd == Decimal("0.0372")


def test_fast_and_batch_together_is_rejected():
    with pytest.raises(PricingError, match="not available with the Batch API"):
        price("claude-opus-5", USAGE, batch=True, speed="fast")


def test_web_search_requests_cost_a_cent_each():
    usage = {"input_tokens": 0, "output_tokens": 0, "server_tool_use": {"web_search_requests": 3,
                                                                         "web_fetch_requests": 5}}
    assert price("claude-sonnet-4-5", usage).web_search_usd == Decimal("0.03")
    assert price("claude-sonnet-4-5", usage).total_usd == Decimal("0.03")


def test_compaction_iterations_are_billed_on_top_of_the_top_level_usage():
    usage = {"input_tokens": 100, "output_tokens": 10, "iterations": [
        {"type": "message", "input_tokens": 100, "output_tokens": 10,
         "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0},
        {"type": "compaction", "input_tokens": 2000, "output_tokens": 300,
         "cache_creation_input_tokens": 0, "cache_read_input_tokens": 1000},
    ]}
    cost = price("claude-sonnet-4-5", usage)
    # top level: 100*3 + 10*15 = 450; compaction: 2000*3 + 1000*0.3 + 300*15 = 10800
    assert cost.compaction_usd == Decimal("0.0108")
    assert cost.total_usd == Decimal("0.01125")


def test_openai_style_usage_subtracts_cached_tokens():
    usage = {"prompt_tokens": 1000, "completion_tokens": 100, "total_tokens": 1100,
             "prompt_tokens_details": {"cached_tokens": 400}}
    cost = price("claude-sonnet-4-5", usage)
    assert cost.input_usd == Decimal("0.0018")
    assert cost.cache_read_usd == Decimal("0.00012")
    assert cost.output_usd == Decimal("0.0015")


def test_sdk_usage_objects_are_accepted():
    from anthropic.types import Usage as SdkUsage

    sdk = SdkUsage(input_tokens=1000, output_tokens=500, cache_creation_input_tokens=2000,
                   cache_read_input_tokens=8000)
    assert price("claude-sonnet-4-5", sdk).total_usd == Decimal("0.0204")


def test_unknown_model_is_an_error_never_zero():
    with pytest.raises(UnknownModelError) as exc:
        price("claude-sonnet-9-9", USAGE)
    message = str(exc.value)
    assert "'claude-sonnet-9-9'" in message
    assert '[tool.tokenbudget.models."claude-sonnet-9-9"]' in message
    assert "claude-sonnet-" in message.split("Closest known ids:")[1]


def test_a_model_without_any_published_price_is_an_error():
    with pytest.raises(UnpricedError, match="claude-mythos-preview has no published per-token price"):
        price("claude-mythos-preview", USAGE)


def test_cost_json_is_decimal_strings_and_adds_up():
    data = price("claude-sonnet-4-5", USAGE).as_json()
    assert data["model"] == "claude-sonnet-4-5"
    parts = [Decimal(v) for k, v in data.items() if k.endswith("_usd") and k != "total_usd"]
    assert sum(parts) == Decimal(data["total_usd"]) == Decimal("0.0372")


def test_cost_is_immutable():
    cost = price("claude-sonnet-4-5", USAGE)
    with pytest.raises(AttributeError):
        cost.input_usd = Decimal(0)  # type: ignore[misc]
    assert isinstance(cost, Cost)


def test_total_is_the_sum_of_every_money_field():
    from dataclasses import fields

    money = {f.name: Decimal(i + 1) / 1000 for i, f in enumerate(fields(Cost)) if f.name.endswith("_usd")}
    cost = Cost(model="m", **money)
    assert cost.components() == money
    assert cost.total_usd == sum(money.values())
