"""Catalog rows, id normalisation and the unknown-model error."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pytest_tokenbudget.core.catalog import UnknownModelError, normalise_model_id, shipped_catalog

CATALOG = shipped_catalog()

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


@pytest.mark.parametrize(("spelling", "row"), ALIASES)
def test_every_alias_form_maps_to_its_row(spelling, row):
    assert CATALOG.lookup(spelling).id == row


def test_every_row_id_and_listed_alias_resolves_to_itself():
    for model in CATALOG:
        for name in (model.id, *model.aliases):
            assert CATALOG.lookup(name) is model


def test_normalisation_is_idempotent():
    for spelling, _ in ALIASES:
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


def test_every_row_has_a_source_a_check_date_and_a_lifecycle():
    for model in CATALOG:
        assert model.source, model.id
        assert model.checked == dt.date(2026, 11, 24), model.id
        assert model.lifecycle in ("active", "legacy", "deprecated", "retired"), model.id


def test_unconfirmed_marks_name_real_keys():
    from pytest_tokenbudget.core.catalog import ROW_KEYS

    for model in CATALOG:
        assert model.unconfirmed <= set(ROW_KEYS), model.id


def test_lifecycle_facts():
    assert CATALOG.lookup("claude-sonnet-4-5").lifecycle == "deprecated"
    assert CATALOG.lookup("claude-sonnet-4-5").retires == dt.date(2026, 11, 30)
    assert CATALOG.lookup("claude-opus-4-1").lifecycle == "retired"
    assert CATALOG.lookup("claude-3-haiku-20240307").is_retired
    assert CATALOG.lookup("claude-opus-5-5").lifecycle == "active"


def test_limits_and_flags_from_the_facts():
    opus45 = CATALOG.lookup("claude-opus-4-5")
    assert (opus45.max_output, opus45.context_window, opus45.min_cacheable) == (64000, 200000, 4096)
    assert opus45.prefill is True
    assert CATALOG.lookup("claude-opus-4-6").prefill is False
    assert CATALOG.lookup("claude-opus-5").min_cacheable == 512
    assert CATALOG.lookup("claude-opus-5").batch_max_output == 300000
    assert CATALOG.lookup("claude-opus-5-5").min_cacheable is None  # unconfirmed: unknown, not guessed


def test_unconfirmed_values_are_marked():
    assert {"input", "output"} <= CATALOG.lookup("claude-fable-5-2").unconfirmed
    assert "cache-read" in CATALOG.lookup("claude-sonnet-5-5").unconfirmed
    assert "prompt-tier" in CATALOG.lookup("claude-haiku-5-5").unconfirmed
    assert not CATALOG.lookup("claude-sonnet-4-5").unconfirmed


def test_haiku_5_5_tier_is_five_times_the_base():
    h = CATALOG.lookup("claude-haiku-5-5")
    assert h.prompt_tier is not None and h.prompt_tier.above == 100_000
    for key in ("input", "cache-write-5m", "cache-write-1h", "cache-read", "output"):
        assert h.prompt_tier.prices[key] == h.price_of(key) * 5


def test_prices_are_exact_decimals():
    assert isinstance(CATALOG.lookup("claude-haiku-5-5").cache_write_5m, Decimal)
    assert CATALOG.lookup("claude-haiku-5-5").cache_write_5m == Decimal("0.125")
