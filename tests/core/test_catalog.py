"""Catalog rows, id spellings, lifecycle by date and successors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pytest_tokenbudget.core.catalog import ROW_KEYS, UnknownModelError, normalise_model_id, shipped_catalog, today
from pytest_tokenbudget.core.lifecycle import lifecycle_sentence

CATALOG = shipped_catalog()
D = dt.date.fromisoformat

# (spelling seen in the wild, catalog row it must map to)
ALIASES = [
    ("claude-sonnet-4-5-20250929", "claude-sonnet-4-5"),
    ("claude-opus-4-5-20251101", "claude-opus-4-5"),
    ("claude-haiku-4-5-20251001", "claude-haiku-4-5"),
    ("claude-opus-4-1-20250805", "claude-opus-4-1"),
    ("claude-opus-4-20250514", "claude-opus-4-0"),
    ("claude-sonnet-4-20250514", "claude-sonnet-4-0"),
    ("claude-3-5-haiku-latest", "claude-3-5-haiku-20241022"),
    ("claude-haiku-4-5-latest", "claude-haiku-4-5"),
    # dotted gateway names
    ("claude-sonnet-4.5", "claude-sonnet-4-5"),
    ("claude-opus-4.6", "claude-opus-4-6"),
    ("claude-haiku-5.5", "claude-haiku-5-5"),
    ("claude-3.5-haiku", "claude-3-5-haiku-20241022"),
    # provider prefixes
    ("anthropic/claude-sonnet-4-5", "claude-sonnet-4-5"),
    ("anthropic/claude-sonnet-4.5", "claude-sonnet-4-5"),
    ("openrouter/anthropic/claude-opus-5", "claude-opus-5"),
    # Bedrock (Messages-API ids, legacy InvokeModel ids, inference profiles, ARNs)
    ("anthropic.claude-opus-5", "claude-opus-5"),
    ("anthropic.claude-fable-5", "claude-fable-5"),
    ("us.anthropic.claude-fable-5-2", "claude-fable-5-2"),
    ("anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5"),
    ("us.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5"),
    ("eu.anthropic.claude-haiku-4-5-20251001-v1:0", "claude-haiku-4-5"),
    ("global.anthropic.claude-opus-4-6-v1", "claude-opus-4-6"),
    ("apac.anthropic.claude-3-5-haiku-20241022-v1:0", "claude-3-5-haiku-20241022"),
    ("anthropic.claude-opus-4-1-20250805-v1:0", "claude-opus-4-1"),
    ("arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0",
     "claude-sonnet-4-5"),
    ("arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0", "claude-haiku-4-5"),
    # Vertex
    ("claude-sonnet-4-5@20250929", "claude-sonnet-4-5"),
    ("claude-opus-4@20250514", "claude-opus-4-0"),
    ("claude-sonnet-4@20250514", "claude-sonnet-4-0"),
    ("claude-3-5-haiku@20241022", "claude-3-5-haiku-20241022"),
    # case and whitespace, Claude Code bracket forms
    ("  Claude-Sonnet-4-5 ", "claude-sonnet-4-5"),
    ("claude-sonnet-5-5[1m]", "claude-sonnet-5-5"),
]

# Issue 13: the retired ids real code still sends, and the spellings it writes them in.
ISSUE_SPELLINGS = [
    ("claude-3-5-sonnet-20241022", "claude-3-5-sonnet-20241022"),
    ("claude-3-5-sonnet-20240620", "claude-3-5-sonnet-20240620"),
    ("claude-3-5-sonnet-latest", "claude-3-5-sonnet-20241022"),
    ("claude-3-opus-20240229", "claude-3-opus-20240229"),
    ("claude-3-opus-latest", "claude-3-opus-20240229"),
    ("claude-3-7-sonnet-20250219", "claude-3-7-sonnet-20250219"),
    ("claude-3-7-sonnet-latest", "claude-3-7-sonnet-20250219"),
    ("claude-3-sonnet-20240229", "claude-3-sonnet-20240229"),
    ("claude-3-haiku-20240307", "claude-3-haiku-20240307"),
    ("claude-3-haiku", "claude-3-haiku-20240307"),
    ("claude-3-opus", "claude-3-opus-20240229"),
    ("claude-3-sonnet", "claude-3-sonnet-20240229"),
    ("claude-2.1", "claude-2.1"),
    ("claude-2.0", "claude-2.0"),
    ("claude-2", "claude-2.0"),
    ("claude-v2", "claude-2.0"),
    ("claude-v1", "claude-1.3"),
    ("claude-1.3", "claude-1.3"),
    ("claude-1.0", "claude-1.0"),
    ("claude-instant-v1", "claude-instant-1.2"),
    ("claude-instant-1.2", "claude-instant-1.2"),
    ("claude-instant-1.1", "claude-instant-1.1"),
    ("claude-instant-1", "claude-instant-1.2"),
    ("claude-4-opus-20250514", "claude-opus-4-0"),
    ("claude-4-sonnet-20250514", "claude-sonnet-4-0"),
    ("claude-sonnet-3-7", "claude-3-7-sonnet-20250219"),
    ("claude-haiku-3-5-20241022", "claude-3-5-haiku-20241022"),
    # Vertex: @default names the base id, -v2 marks the October 3.5 Sonnet snapshot
    ("claude-sonnet-4@default", "claude-sonnet-4-0"),
    ("claude-3-5-haiku@default", "claude-3-5-haiku-20241022"),
    ("claude-3-5-sonnet-v2@20241022", "claude-3-5-sonnet-20241022"),
    ("claude-3-5-sonnet@20240620", "claude-3-5-sonnet-20240620"),
    ("claude-3-opus@20240229", "claude-3-opus-20240229"),
    ("claude-3-haiku@20240307", "claude-3-haiku-20240307"),
    # Bedrock: v2:1 is Claude 2.1, the suffix is part of the id
    ("anthropic.claude-v2:1", "claude-2.1"),
    ("anthropic.claude-v2", "claude-2.0"),
    ("anthropic.claude-v1", "claude-1.3"),
    ("anthropic.claude-instant-v1", "claude-instant-1.2"),
    ("anthropic.claude-3-5-sonnet-20241022-v2:0", "claude-3-5-sonnet-20241022"),
    ("anthropic.claude-3-5-sonnet-20240620-v1:0", "claude-3-5-sonnet-20240620"),
    ("us.anthropic.claude-3-7-sonnet-20250219-v1:0", "claude-3-7-sonnet-20250219"),
    ("anthropic.claude-3-opus-20240229-v1:0", "claude-3-opus-20240229"),
    ("anthropic.claude-3-haiku-20240307-v1:0", "claude-3-haiku-20240307"),
]


@pytest.mark.parametrize(("spelling", "row"), ALIASES + ISSUE_SPELLINGS)
def test_every_spelling_maps_to_its_row(spelling, row):
    assert CATALOG.lookup(spelling).id == row


@pytest.mark.parametrize("spelling", [
    "claude-3-5-sonnet-20250101",   # an unknown snapshot date is not another snapshot
    "claude-3-5-haiku-20240307",
    "claude-v3", "claude-instant-v2", "claude", "anthropic.claude", "claude-2.2", "claude-opus-4-9",
])
def test_unknown_snapshots_and_versions_resolve_to_nothing(spelling):
    assert CATALOG.find(spelling) is None


def test_every_row_id_alias_and_spelling_resolves_to_itself():
    for model in CATALOG:
        for name in (model.id, *model.aliases, *model.spellings):
            assert CATALOG.lookup(name) is model, name


def test_normalisation_is_idempotent():
    for spelling, _ in ALIASES + ISSUE_SPELLINGS:
        once = normalise_model_id(spelling)
        assert normalise_model_id(once) == once


@pytest.mark.parametrize("bad", ["gpt-4o", "claude-sonnet-9", "claude-sonnet-4-5-ish", "", "sonnet"])
def test_unknown_ids_raise_with_the_normalised_id_and_a_fix(bad):
    with pytest.raises(UnknownModelError) as exc:
        CATALOG.lookup(bad)
    err = exc.value
    assert err.normalised == normalise_model_id(bad)
    assert f'[tool.tokenbudget.models."{err.normalised}"]' in str(err)


def test_unknown_id_suggests_the_closest_known_ids():
    with pytest.raises(UnknownModelError) as exc:
        CATALOG.lookup("claude-sonet-4-5")
    assert exc.value.suggestions[0] == "claude-sonnet-4-5"
    assert "Closest known ids: claude-sonnet-4-5" in str(exc.value)


@pytest.mark.parametrize(("unknown", "family"), [
    ("claude-sonnet-4-9", "sonnet"), ("claude-3-5-sonnet-20250101", "sonnet"), ("claude-opus-4-9", "opus"),
    ("claude-haiku-4-6", "haiku"), ("claude-2.2", "claude"), ("claude-instant-1.3", "instant"),
    ("claude-3-haiku-20250101", "haiku"),
])
def test_suggestions_stay_within_the_family_and_tier(unknown, family):
    with pytest.raises(UnknownModelError) as exc:
        CATALOG.lookup(unknown)
    assert exc.value.suggestions, unknown
    for suggestion in exc.value.suggestions:
        row = CATALOG.get(suggestion)
        assert row.family == family, (unknown, suggestion)
        assert row.tier == CATALOG.get(exc.value.suggestions[0]).tier


def test_every_row_has_a_source_and_a_check_date():
    for model in CATALOG:
        assert model.source, model.id
        assert model.checked == dt.date(2026, 12, 1), model.id
        for period in model.periods:
            assert period.source, (model.id, period.until)


def test_unconfirmed_marks_name_real_keys():
    platform_keys = {f"{p}.{k}" for p in ("api", "bedrock", "vertex")
                     for k in ("deprecated", "retired", "not-before", "legacy", "available")}
    for model in CATALOG:
        assert model.unconfirmed <= set(ROW_KEYS) | platform_keys, model.id
        for period in model.periods:
            assert period.unconfirmed <= set(ROW_KEYS), model.id


def test_today_is_injectable(monkeypatch):
    assert today() == dt.date(2026, 12, 1)
    monkeypatch.setenv("TOKENBUDGET_TODAY", "2025-01-02")
    assert today() == dt.date(2025, 1, 2)
    assert CATALOG.lookup("claude-3-5-sonnet-20241022").lifecycle == "active"


# ---------------------------------------------------------------------------- lifecycle by date
@pytest.mark.parametrize(("model", "day", "state"), [
    # a retirement date that has passed means retired (issue 13: Sonnet 4.5 on 2026-12-01)
    ("claude-sonnet-4-5", "2026-09-29", "active"),
    ("claude-sonnet-4-5", "2026-09-30", "deprecated"),
    ("claude-sonnet-4-5", "2026-11-29", "deprecated"),
    ("claude-sonnet-4-5", "2026-11-30", "retired"),
    ("claude-sonnet-4-5", "2026-12-01", "retired"),
    ("claude-opus-4-5", "2026-11-22", "active"),
    ("claude-opus-4-5", "2026-12-01", "deprecated"),
    ("claude-opus-4-5", "2027-01-22", "retired"),
    ("claude-3-5-sonnet-20241022", "2025-08-12", "active"),
    ("claude-3-5-sonnet-20241022", "2025-10-27", "deprecated"),
    ("claude-3-5-sonnet-20241022", "2025-10-28", "retired"),
    ("claude-2.1", "2025-07-21", "retired"),
    ("claude-instant-1.2", "2024-11-06", "retired"),
    ("claude-mythos-preview", "2026-07-01", "retired"),
    # a tentative "not sooner than" date is not a retirement
    ("claude-haiku-4-5", "2026-12-01", "legacy"),
    ("claude-opus-4-6", "2027-03-01", "legacy"),
    ("claude-opus-5-5", "2026-12-01", "active"),
])
def test_lifecycle_is_computed_from_the_dates(model, day, state):
    assert CATALOG.lookup(model).status(D(day)).state == state


def test_lifecycle_defaults_to_today():
    assert CATALOG.lookup("claude-sonnet-4-5").lifecycle == "retired"
    assert CATALOG.lookup("claude-sonnet-4-5").retires == D("2026-11-30")
    assert CATALOG.lookup("claude-opus-4-5").lifecycle == "deprecated"
    assert CATALOG.lookup("claude-3-haiku-20240307").is_retired


def test_partner_platforms_keep_their_own_schedule():
    opus41 = CATALOG.lookup("claude-opus-4-1")
    assert opus41.status(platform="api").state == "retired"
    assert opus41.status(platform="bedrock").state == "available"
    assert opus41.status(platform="vertex").state == "available"
    opus4 = CATALOG.lookup("claude-opus-4-0")
    assert opus4.status(platform="vertex").state == "available"
    assert opus4.status(platform="bedrock").state == "unknown"  # not recorded: never guessed
    haiku35 = CATALOG.lookup("claude-3-5-haiku-20241022")
    assert haiku35.status(D("2026-03-01"), "vertex").state == "deprecated"
    assert haiku35.status(D("2026-07-05"), "vertex").state == "retired"
    assert haiku35.status(platform="bedrock").state == "available"


# ---------------------------------------------------------------------------- successors
def test_every_retired_or_deprecated_model_names_a_successor_that_is_usable_today():
    for model in CATALOG:
        st = model.status()
        if st.state in ("retired", "deprecated", "legacy"):
            new = CATALOG.successor(model)
            assert new is not None, model.id
            assert new.status().state == "active", (model.id, new.id)


CURRENT = {"opus": "claude-opus-5-5", "sonnet": "claude-sonnet-5-5", "haiku": "claude-haiku-5-5",
           "fable": "claude-fable-5-2", "mythos": "claude-mythos-5-2",
           # the tier the deprecations page recommends: Claude 2.x -> Opus, Claude 1 and Instant -> Haiku
           # (2026-08-22 copy names claude-opus-4-8 for 2.x and claude-haiku-4-5 for Instant; Claude 1
           # models were Anthropic's top tier, as Opus is now)
           "claude": "claude-opus-5-5", "instant": "claude-haiku-5-5"}


def test_successors_are_the_current_model_of_the_same_tier():
    for model in CATALOG:
        new = CATALOG.successor(model)
        if model.id in CURRENT.values():
            assert new is None, model.id
        else:
            assert new is not None and new.id == CURRENT[model.family], model.id


def test_successor_follows_a_chain_past_retired_models():
    from dataclasses import replace

    from pytest_tokenbudget.core.catalog import Catalog

    rows = [replace(m, successor="claude-sonnet-4-5") if m.id == "claude-3-5-sonnet-20241022" else m for m in CATALOG]
    cat = Catalog(rows, web_search_per_request=Decimal("0.01"), batch_multiplier=Decimal("0.5"),
                  cache_multipliers=CATALOG.cache_multipliers)
    old = cat.lookup("claude-3-5-sonnet-20241022")
    assert cat.successor(old, D("2026-11-01")).id == "claude-sonnet-4-5"  # still deprecated, usable
    assert cat.successor(old, D("2026-12-01")).id == "claude-sonnet-5-5"  # retired: skip to its successor


def test_retired_sentence_names_date_successor_and_its_price():
    sonnet35 = CATALOG.lookup("claude-3-5-sonnet-20241022")
    assert lifecycle_sentence(CATALOG, sonnet35) == (
        "claude-3-5-sonnet-20241022 was retired on 2025-10-28: every call fails; use claude-sonnet-5-5 ($2 / $10)")
    assert lifecycle_sentence(CATALOG, CATALOG.lookup("claude-instant-v1")) == (
        "claude-instant-1.2 was retired on 2024-11-06: every call fails; use claude-haiku-5-5 ($0.10 / $0.50)")
    assert lifecycle_sentence(CATALOG, CATALOG.lookup("claude-opus-4-5")) == (
        "claude-opus-4-5 is deprecated and retires on 2027-01-22 (in 52 days): calls fail after that date; "
        "use claude-opus-5-5 ($4 / $20)")
    assert lifecycle_sentence(CATALOG, CATALOG.lookup("claude-opus-5-5")) is None
    assert lifecycle_sentence(CATALOG, CATALOG.lookup("claude-opus-4-1"), platform="bedrock").startswith(
        "claude-opus-4-1 is still served on Amazon Bedrock")


# ---------------------------------------------------------------------------- limits and marks
def test_limits_and_flags_from_the_facts():
    opus45 = CATALOG.lookup("claude-opus-4-5")
    assert (opus45.max_output, opus45.context_window, opus45.min_cacheable) == (64000, 200000, 4096)
    assert opus45.prefill is True
    assert CATALOG.lookup("claude-opus-4-6").prefill is False
    assert CATALOG.lookup("claude-opus-5").min_cacheable == 512
    assert CATALOG.lookup("claude-opus-5").batch_max_output == 300000
    assert CATALOG.lookup("claude-opus-5-5").min_cacheable is None  # unconfirmed: unknown, not guessed
    assert (CATALOG.lookup("claude-opus-4-1").max_output, CATALOG.lookup("claude-sonnet-4-0").max_output) == (32000, 64000)
    assert CATALOG.lookup("claude-3-haiku").max_output == 4096
    assert CATALOG.lookup("claude-3-5-sonnet-latest").max_output == 8192


def test_unconfirmed_values_are_marked():
    fable = CATALOG.lookup("claude-fable-5-2")
    assert {"input", "output"}.isdisjoint(fable.unconfirmed)  # official since the 2026-11-09 release notes
    assert {"cache-read", "fast-input", "fast-output"} <= fable.unconfirmed
    assert "cache-read" not in CATALOG.lookup("claude-sonnet-5-5").unconfirmed  # official cut of 2026-10-07
    assert "prompt-tier" in CATALOG.lookup("claude-haiku-5-5").unconfirmed
    assert not CATALOG.lookup("claude-sonnet-4-5").unconfirmed
    haiku35 = CATALOG.lookup("claude-3-5-haiku-20241022")
    assert "input" in haiku35.on(D("2024-12-01")).unconfirmed and "input" not in haiku35.unconfirmed


def test_haiku_5_5_tier_is_five_times_the_base():
    h = CATALOG.lookup("claude-haiku-5-5")
    assert h.prompt_tier is not None and h.prompt_tier.above == 100_000
    for key in ("input", "cache-write-5m", "cache-write-1h", "cache-read", "output"):
        assert h.prompt_tier.prices[key] == h.price_of(key) * 5


def test_prices_are_exact_decimals():
    assert isinstance(CATALOG.lookup("claude-haiku-5-5").cache_write_5m, Decimal)
    assert CATALOG.lookup("claude-haiku-5-5").cache_write_5m == Decimal("0.125")


def test_price_periods_apply_by_date():
    sonnet55 = CATALOG.lookup("claude-sonnet-5-5")
    assert sonnet55.on(D("2026-10-06")).cache_read == Decimal("0.20")
    assert sonnet55.on(D("2026-10-07")).cache_read == Decimal("0.10")
    assert sonnet55.cache_read == Decimal("0.10")
    opus46 = CATALOG.lookup("claude-opus-4-6")
    assert opus46.on(D("2026-03-12")).prompt_tier.prices["output"] == Decimal("37.50")
    assert opus46.on(D("2026-03-13")).prompt_tier is None
    assert opus46.on(D("2026-06-28")).fast_output == Decimal("150")
    assert opus46.on(D("2026-06-29")).fast_mode == "standard"


def test_max_fast_multiplier_is_the_highest_documented_one():
    assert CATALOG.max_fast_multiplier == Decimal(6)  # Opus 4.6 / 4.7 fast: $30 / $150 on $5 / $25
