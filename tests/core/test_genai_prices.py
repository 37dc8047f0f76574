"""Test-only cross-check of the catalog against pydantic's genai-prices data (pip genai-prices).

For every Claude model both know, every price key is compared on every day where either side
changes a price, and today. Each disagreement is either fixed in models.toml or listed in KNOWN
with its reason and source: a new disagreement fails, and so does a listed one that went away.
genai-prices is a second opinion, not a source: the catalog follows Anthropic's own pages.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal


from genai_prices import data as gp_data  # the [test] extra installs it: a missing package fails here

from pytest_tokenbudget.core.catalog import shipped_catalog


CATALOG = shipped_catalog()
TODAY = dt.date(2026, 12, 1)
FIELDS = {"input_mtok": "input", "output_mtok": "output", "cache_write_mtok": "cache-write-5m",
          "cache_write_1h_mtok": "cache-write-1h", "cache_read_mtok": "cache-read"}

# (genai-prices model id, catalog key) -> why the catalog keeps its value.
KNOWN = {
    ("claude-3-sonnet", "cache-write-5m"): "no Anthropic page ever listed prompt caching for Claude 3 Sonnet (caching "
                                           "launched 2024-08-14 for 3.5 Sonnet and 3 Haiku; not on the pricing "
                                           "page copies of 2025 and 2026-01-15); the catalog prices cache tokens "
                                           "on it as an error, never a guess",
    ("claude-3-sonnet", "cache-write-1h"): "as above",
    ("claude-3-sonnet", "cache-read"): "as above",
    ("claude-3-5-haiku-latest", "input"): "launched 2024-11-04 at $1 / $5 (simonw/llm-claude-3#23, Helicone PR 2918); "
                                          "genai-prices has only the later $0.80 / $4; the catalog keeps the launch "
                                          "price until 2024-12-31 (the cut's exact day was not found)",
    ("claude-3-5-haiku-latest", "output"): "as above",
    ("claude-3-5-haiku-latest", "cache-write-5m"): "as above ($1.25 at launch)",
    ("claude-3-5-haiku-latest", "cache-write-1h"): "as above",
    ("claude-3-5-haiku-latest", "cache-read"): "as above ($0.10 at launch)",
    ("claude-2", "input"): "Claude 2 launched in July 2023 at $11.02 / $32.68 before the $8 / $24 of 2023-11 "
                           "(unconfirmed: kept so 2023 replays are not under-priced); genai-prices has $8 / $24 only",
    ("claude-2", "output"): "as above",
    ("claude-v1", "input"): "Claude 1.x at $11.02 / $32.68 before 2023-11-21 (unconfirmed, as claude-2)",
    ("claude-v1", "output"): "as above",
    ("claude-sonnet-4-5", "input"): "the >200K tier ended with the 1M beta on 2026-04-30 (release notes: requests "
                                    "over 200K now error); genai-prices keeps the tier undated, which prices "
                                    "the same for every request the API still accepts",
    ("claude-sonnet-4-5", "output"): "as above",
    ("claude-sonnet-4-5", "cache-write-5m"): "as above",
    ("claude-sonnet-4-5", "cache-write-1h"): "as above",
    ("claude-sonnet-4-5", "cache-read"): "as above",
    ("claude-sonnet-5-5", "cache-read"): "cut from $0.20 to $0.10 on 2026-10-07 (release notes entry of that day); "
                                         "genai-prices has $0.10 undated, so it under-prices Sonnet 5.5 launch-week "
                                         "calls (2026-09-28 .. 2026-10-06)",
    ("claude-sonnet-4-0", "input"): "Sonnet 4 had the same >200K tier as Sonnet 4.5 with the 1M beta (2025-08-12 .. "
                                    "2026-04-30): pricing page copies 2026-01-15 .. 2026-03-31, 'Claude Sonnet 4.5 / 4'; "
                                    "genai-prices has no tier for it",
    ("claude-sonnet-4-0", "output"): "as above",
    ("claude-sonnet-4-0", "cache-write-5m"): "as above",
    ("claude-sonnet-4-0", "cache-write-1h"): "as above",
    ("claude-sonnet-4-0", "cache-read"): "as above",
    ("claude-opus-4-8", "fast"): "fast mode on Opus 4.8 was removed on 2026-11-30 ('the API rejects your requests', "
                                 "https://code.claude.com/docs/en/fast-mode); genai-prices still lists $10 / $50 "
                                 "undated (its own comment says it is removed on 2026-11-30); the catalog keeps "
                                 "$10 / $50 until 2026-11-29",
    ("claude-mythos-5-2", "fast"): "no source gives Mythos 5.2's fast price (genai-prices copies Fable 5.2's "
                                   "$16 / $80: 'the Anthropic price importer skips limited-availability rows'); "
                                   "the catalog marks it unpriced, so pre-flight reserves the highest documented "
                                   "fast multiplier (6x) instead of assuming 2x",
}


def _anthropic_models():
    provider = next(p for p in gp_data.providers if p.id == "anthropic")
    return provider.models


def _days(row, model) -> list[dt.date]:
    days = {TODAY}
    for p in row.periods:
        days |= {p.until, p.until + dt.timedelta(days=1)}
    prices = model.prices if isinstance(model.prices, list) else []
    for cp in prices:
        start = getattr(cp.constraint, "start_date", None)
        if start is not None:
            days |= {start, start - dt.timedelta(days=1)}
    return sorted(d for d in days if row.released is None or d >= row.released)


def _theirs(value, key: str, ours_row) -> tuple[Decimal | None, tuple | None]:
    """(base price, (tier start, tier price) or None) of a genai-prices field."""
    if value is None:
        return None, None
    tiers = getattr(value, "tiers", None)
    if tiers is None:
        return Decimal(value), None
    return Decimal(value.base), (tiers[0].start, Decimal(tiers[0].price)) if tiers else None


def _ours(row, key: str) -> tuple[Decimal | None, tuple | None]:
    tier = (row.prompt_tier.above, row.prompt_tier.prices.get(key)) if row.prompt_tier else None
    return row.price_of(key), tier


def _disagreements():
    found: dict[tuple[str, str], list[str]] = {}
    compared = set()
    for model in _anthropic_models():
        row = CATALOG.find(model.id)
        if row is None:
            continue
        compared.add(row.id)
        for day in _days(row, model):
            theirs_all = model.get_prices(dt.datetime.combine(day, dt.time(12)))
            ours_row = row.on(day)
            for field, key in FIELDS.items():
                theirs = _theirs(getattr(theirs_all, field), key, ours_row)
                ours = _ours(ours_row, key)
                if theirs[0] is None:
                    continue  # genai-prices has no price for it: nothing to compare
                if theirs != ours:
                    found.setdefault((model.id, key), []).append(f"{day}: ours {ours} theirs {theirs}")
        fast = next((v.prices for v in model.price_variants or () if v.when == {"speed": "fast"}), None)
        if fast is not None:
            ours_row = row.on(TODAY)
            if (ours_row.fast_input, ours_row.fast_output) != (fast.input_mtok, fast.output_mtok):
                found.setdefault((model.id, "fast"), []).append(
                    f"ours {ours_row.fast_mode} {ours_row.fast_input}/{ours_row.fast_output}, "
                    f"theirs {fast.input_mtok}/{fast.output_mtok}")
    return found, compared


def test_every_disagreement_with_genai_prices_is_fixed_or_explained():
    found, compared = _disagreements()
    assert len(compared) >= 25  # every Claude model genai-prices lists is in the catalog
    unexplained = {k: v for k, v in found.items() if k not in KNOWN}
    stale = sorted(set(KNOWN) - set(found))
    assert not unexplained, f"new disagreements with genai-prices (fix models.toml or list them): {unexplained}"
    assert not stale, f"listed disagreements that no longer exist (remove them from KNOWN): {stale}"


def test_every_anthropic_model_in_genai_prices_has_a_catalog_row():
    missing = [m.id for m in _anthropic_models() if CATALOG.find(m.id) is None]
    assert missing == []


def test_bedrock_regional_prices_agree_with_the_regional_premium():
    """genai-prices lists Bedrock's regional profiles at their own prices: the catalog's regional
    multiplier must give the same figure (10% on Claude 4.5 and later, none before)."""
    aws = next(p for p in gp_data.providers if p.id == "aws")
    checked = 0
    for model in aws.models:
        if not model.id.startswith(("regional.anthropic.", "global.anthropic.")):
            continue
        scope, _, bare = model.id.partition(".anthropic.")
        row = CATALOG.find(bare)
        assert row is not None, model.id
        mult = (row.regional or Decimal(1)) if scope == "regional" else Decimal(1)
        theirs = model.get_prices(dt.datetime(2026, 12, 1, 12))
        ours = row.on(TODAY)
        for field, key in FIELDS.items():
            value = getattr(theirs, field)
            base = getattr(value, "base", value)
            if base is None or ours.price_of(key) is None:
                continue
            assert Decimal(base) == ours.price_of(key) * mult, (model.id, key)
            checked += 1
    assert checked >= 60
