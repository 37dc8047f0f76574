"""Usage x catalog prices -> Cost, in exact decimals.

Every component with tokens needs a price: a missing one raises :class:`UnpricedError` naming the
model and the key to add. Nothing is ever priced at a silent $0.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

import datetime as _dt

from pytest_tokenbudget.core.catalog import Catalog, ModelInfo, today
from pytest_tokenbudget.core.config import get_catalog
from pytest_tokenbudget.core.model_ids import REGIONAL_BEDROCK_PREFIXES, bedrock_prefix
from pytest_tokenbudget.core.money import decimal_str
from pytest_tokenbudget.core.usage import Usage, usage_from_response

__all__ = ["Cost", "PricingError", "UnpricedError", "fast_situation", "money_str", "price", "MTOK"]

MTOK = Decimal(1_000_000)
_ZERO = Decimal(0)
_EXACT = decimal.Context(prec=60, rounding=decimal.ROUND_HALF_EVEN)


class PricingError(ValueError):
    """A usage that cannot be priced as given (contradictory modifiers)."""


class UnpricedError(PricingError):
    """A usage component whose price the catalog does not know."""


money_str = decimal_str  # the exact decimal string for machines (JSON, xdist): one implementation, core.money


@dataclass(frozen=True)
class Cost:
    """The cost of one call, by component, in USD. ``total_usd`` is their exact sum."""

    model: str
    input_usd: Decimal = _ZERO
    cache_write_5m_usd: Decimal = _ZERO
    cache_write_1h_usd: Decimal = _ZERO
    cache_read_usd: Decimal = _ZERO
    output_usd: Decimal = _ZERO
    web_search_usd: Decimal = _ZERO
    compaction_usd: Decimal = _ZERO
    modifiers: tuple[str, ...] = ()

    @property
    def total_usd(self) -> Decimal:
        return (self.input_usd + self.cache_write_5m_usd + self.cache_write_1h_usd + self.cache_read_usd
                + self.output_usd + self.web_search_usd + self.compaction_usd)

    def components(self) -> dict[str, Decimal]:
        """``{"input_usd": ..., ...}`` for every money field."""
        return {name: getattr(self, name) for name in _MONEY_FIELDS}

    def as_json(self) -> dict[str, Any]:
        """Money as decimal strings (JSON and execnet cannot carry Decimal)."""
        out: dict[str, Any] = {"model": self.model, "total_usd": money_str(self.total_usd)}
        out.update({k: money_str(v) for k, v in self.components().items()})
        out["modifiers"] = list(self.modifiers)
        return out


_MONEY_FIELDS = tuple(f.name for f in fields(Cost) if f.name.endswith("_usd"))


def _rates(info: ModelInfo, usage: Usage) -> tuple[dict[str, Decimal | None], str | None]:
    """The per-MTok rates for this call: the base row, or its prompt-length tier."""
    base = {k: info.price_of(k) for k in ("input", "cache-write-5m", "cache-write-1h", "cache-read", "output")}
    tier = info.prompt_tier
    if tier is not None and usage.prompt_tokens > tier.above:
        return {k: tier.prices.get(k) for k in base}, f"prompt>{tier.above}"
    return base, None


def _need(rate: Decimal | None, key: str, info: ModelInfo, tokens: int, why: str = "") -> Decimal:
    if rate is None:
        if tokens == 0:
            return _ZERO
        raise UnpricedError(
            f"no {key} price for {info.id}{why}, so {tokens} tokens cannot be priced. "
            f'Add {key} = <USD per MTok> under [tool.tokenbudget.models."{info.id}"] in pyproject.toml.'
        )
    return rate


def _geo_multiplier(info: ModelInfo, geo: str | None) -> Decimal:
    if geo is None or geo == "global":
        return Decimal(1)
    mult = info.geo.get(geo)
    if mult is None:
        known = ", ".join(sorted(info.geo)) or "none"
        raise UnpricedError(
            f"no price for inference_geo={geo!r} on {info.id} (known regions: {known}; the API rejects "
            f"inference_geo before the 4.6 generation). Add geo = {{ {geo} = <multiplier> }} under "
            f'[tool.tokenbudget.models."{info.id}"] if this is right.'
        )
    return mult


def _fast_removed(row: ModelInfo, day: _dt.date) -> str:
    """``" since 2026-07-24"``: the day after the last period in which fast mode was priced."""
    ends = [p.until for p in row.periods if p.until < day and p.values.get("fast_mode") == "priced"]
    return f" since {(max(ends) + _dt.timedelta(days=1)).isoformat()}" if ends else ""


def fast_situation(row: ModelInfo, day: _dt.date) -> str | None:
    """Why ``speed=fast`` cannot be priced for ``row`` on ``day`` (``None`` when it can)."""
    info = row.on(day)
    if info.fast_mode == "none":
        return f"{info.id} does not offer fast mode (speed=fast is for the models that list a fast price)"
    if info.fast_mode == "rejected":
        return f"{info.id} no longer offers fast mode: speed=fast returns an error{_fast_removed(row, day)}"
    return None


def _fast_rates(info: ModelInfo, usage: Usage, worst: Decimal | None) -> tuple[Decimal, Decimal | None, str]:
    """(input multiplier, output rate or None for "output x multiplier", note) for a fast call."""
    mode = info.fast_mode
    if mode == "priced" and info.fast_input is not None and info.fast_output is not None:
        base_in = _need(info.input, "input", info, 1)
        return info.fast_input / base_in, info.fast_output, "fast"
    if mode == "standard":
        return Decimal(1), None, "fast billed as standard"
    if worst is not None:
        return worst, None, f"fast price unpublished: worst case {money_str(worst)}x"
    raise UnpricedError(
        f"{info.id} offers fast mode but its fast price is not published, so "
        f"{usage.prompt_tokens + usage.output_tokens} fast tokens cannot be priced. Add fast-input and fast-output "
        f'(USD per MTok) under [tool.tokenbudget.models."{info.id}"] in pyproject.toml.'
    )


def _price_tokens(info: ModelInfo, usage: Usage, *, batch: bool, fast: bool, mult: Decimal,
                  worst_fast: Decimal | None) -> tuple[dict[str, Decimal], list[str]]:
    rates, tier_label = _rates(info, usage)
    notes = [tier_label] if tier_label else []
    why = f" (prompt tier above {info.prompt_tier.above} tokens)" if tier_label and info.prompt_tier else ""
    in_mult, out_rate = Decimal(1), None
    if fast:
        in_mult, out_rate, note = _fast_rates(info, usage, worst_fast)
        notes.append(note)
    parts = {
        "input_usd": (usage.input_tokens, "input"),
        "cache_write_5m_usd": (usage.cache_write_5m_tokens, "cache-write-5m"),
        "cache_write_1h_usd": (usage.cache_write_1h_tokens, "cache-write-1h"),
        "cache_read_usd": (usage.cache_read_tokens, "cache-read"),
        "output_usd": (usage.output_tokens, "output"),
    }
    out: dict[str, Decimal] = {}
    for name, (tokens, key) in parts.items():
        rate = _need(rates[key], key, info, tokens, why)
        rate = out_rate if key == "output" and out_rate is not None else rate * in_mult
        out[name] = tokens * rate * mult / MTOK
    return out, notes


def _regional(info: ModelInfo, model: str, regional: bool | None) -> tuple[Decimal, str | None]:
    """The regional-endpoint premium: a Bedrock regional inference profile (``us.`` ``eu.`` ``jp.``
    ``au.`` ``apac.`` …; not ``global.``) or ``regional=True`` (a Vertex regional endpoint)."""
    if regional is None:
        regional = bedrock_prefix(model) in REGIONAL_BEDROCK_PREFIXES
    if not regional or info.regional is None or info.regional == 1:
        return Decimal(1), None
    # One label however the endpoint was recognised (the id's prefix, or the request's URL), so a
    # recorded call and price() of the same request compare equal.
    return info.regional, f"regionalx{money_str(info.regional)}"


def price(model: str, usage: Any, *, batch: bool | None = None, speed: str | None = None,
          geo: str | None = None, regional: bool | None = None, on: _dt.date | None = None,
          catalog: Catalog | None = None, worst_fast: bool = False) -> Cost:
    """Price one call's ``usage`` for ``model`` exactly, at the prices in force on ``on`` (default:
    today; pass the day a replayed or reported call was made).

    ``usage`` is an Anthropic usage mapping or SDK object, an OpenAI-style usage mapping, or a
    :class:`Usage`. Modifiers default to what the usage reports (``service_tier == "batch"``,
    ``speed``, ``inference_geo``); the keyword arguments override them. A Bedrock regional id
    (``us.anthropic.…``) carries the model's regional premium; ``regional=True`` asks for it
    explicitly (Vertex regional endpoints), ``False`` waives it. ``worst_fast=True`` prices a
    fast call on a model whose fast price is unpublished at the catalog's highest documented fast
    multiplier (pre-flight worst cases) instead of raising :class:`UnpricedError`.
    """
    u = usage_from_response(usage)
    cat = catalog if catalog is not None else get_catalog()
    day = on if on is not None else today()
    row = cat.lookup(model)
    info = row.on(day)
    is_batch = u.service_tier == "batch" if batch is None else batch
    is_fast = (speed if speed is not None else u.speed) == "fast"
    if is_batch and is_fast:
        raise PricingError("fast mode is not available with the Batch API: a usage cannot be both")
    situation = fast_situation(row, day) if is_fast else None
    if situation:
        raise PricingError(f"speed=fast cannot be priced: {situation}. Price the call at standard speed.")
    if info.input is None and info.output is None:
        raise UnpricedError(
            f"{info.id} has no published per-token price in the catalog. "
            f'Add input and output (USD per MTok) under [tool.tokenbudget.models."{info.id}"] in pyproject.toml.'
        )
    geo_name = geo if geo is not None else u.inference_geo
    geo_mult = _geo_multiplier(info, geo_name)
    region_mult, region_note = _regional(info, model, regional)
    mult = geo_mult * region_mult * (cat.batch_multiplier if is_batch else Decimal(1))
    worst = cat.max_fast_multiplier if worst_fast else None
    with decimal.localcontext(_EXACT):
        parts, notes = _price_tokens(info, u, batch=is_batch, fast=is_fast, mult=mult, worst_fast=worst)
        compaction = _ZERO
        for it in u.compaction:
            sub, _ = _price_tokens(info, it, batch=is_batch, fast=is_fast, mult=mult, worst_fast=worst)
            compaction += sum(sub.values(), _ZERO)
        web = u.web_search_requests * cat.web_search_per_request
    if is_batch:
        notes.insert(0, "batch")
    if geo_mult != 1:
        notes.append(f"geo:{geo_name}x{geo_mult}")
    if region_note:
        notes.append(region_note)
    if info.period != "current":
        notes.append(f"prices {info.period}")
    return Cost(model=info.id, web_search_usd=web, compaction_usd=compaction, modifiers=tuple(notes), **parts)
