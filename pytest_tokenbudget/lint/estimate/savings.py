"""Savings: the money a lint finding's fix saves per call (TB101 caching,
TB204 lower ``max_tokens``, TB301 cheaper model, TB401 batch). Rules attach the same figures to
their findings with :func:`saving_properties`; the engine copies ``Report.properties`` into
``Finding.properties``, which lint JSON and SARIF ``result.properties`` already print::

    from pytest_tokenbudget.lint.estimate.savings import saving_properties
    yield Report(message, node=..., properties={**props, **saving_properties("TB204", call, ctx)})
    # TB301: saving_properties("TB301", call, ctx, target_model=alt.id)  (the model the message names)

Keys: ``saving_usd_per_call`` (exact decimal string), ``saving_lower_bound``, ``saving`` (the
sentence) and ``saving_<basis>`` (``saving_prefix_tokens``, ``saving_target_model`` ...). It
returns ``{}`` when there is no figure and never raises.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pytest_tokenbudget.core.catalog import Catalog, ModelInfo
from pytest_tokenbudget.core.cost import PricingError, money_str, price
from pytest_tokenbudget.core.money import format_usd
from pytest_tokenbudget.core.usage import Usage
from pytest_tokenbudget.lint.analysis.prompt import prefix_tokens, request_blocks, static_prefix, tool_overhead
from pytest_tokenbudget.lint.estimate.sites import SiteEstimate, estimate_call, model_of, modifiers
from pytest_tokenbudget.lint.rules.alternatives import cheaper_alternative
from pytest_tokenbudget.lint.rules.options import DEFAULTS
from pytest_tokenbudget.lint.types import CallSite

__all__ = ["SAVING_CODES", "Saving", "saving_for", "saving_properties"]

SAVING_CODES = ("TB101", "TB204", "TB301", "TB401")


@dataclass(frozen=True)
class Saving:
    """What fixing one finding saves per call. ``per_call`` is exact (USD)."""

    code: str
    per_call: Decimal
    sentence: str
    lower_bound: bool = False
    basis: Mapping[str, Any] = field(default_factory=dict)

    def properties(self) -> dict[str, Any]:
        """JSON-able ``properties`` for a lint finding (lint JSON, SARIF ``result.properties``)."""
        return {"saving_usd_per_call": money_str(self.per_call), "saving_lower_bound": self.lower_bound,
                "saving": self.sentence, **{f"saving_{k}": v for k, v in self.basis.items()}}

# ----------------------------------------------------------------------------- savings
def _price_or_none(model_id: str, usage: Usage, kw: Mapping[str, Any], catalog: Catalog) -> Decimal | None:
    try:
        return price(model_id, usage, catalog=catalog, **kw).total_usd
    except PricingError:
        return None

def _ratio_text(r: Decimal) -> str:
    return f"{r.normalize():f}x" if r == r.quantize(Decimal("0.01")) else f"{r:.2f}x"

def saving_for(code: str, call: CallSite, catalog: Catalog, options: Mapping[str, Any] | None = None,
               *, estimate: SiteEstimate | None = None) -> Saving | None:
    """The estimated saving per call of fixing finding ``code`` on ``call``; ``None`` when it cannot
    be priced (unknown model or prices, an unresolved value the figure depends on) or fixing it
    would save nothing.

    * TB101: caching the static prefix: prefix tokens x (input - cache read) per call after the
      first (the first call pays the 5m write premium once).
    * TB204: ``max_tokens`` lowered to ``short-answer-max-tokens``: the worst case drops by
      (max_tokens - limit) output tokens.
    * TB301: the cheaper model of the same generation (``options["target-model"]`` when the rule
      names one): the difference of the two worst cases.
    * TB401: the Message Batches API: the worst case at 0.5x.

    Batch, fast-mode and geo modifiers the call already has are applied to both sides.
    """
    options = options or {}
    info, _, _ = model_of(call, catalog)
    if info is None:
        return None
    kw, mod_unknowns, _ = modifiers(call)
    if code == "TB101":
        return _caching(call, info, kw, catalog, bool(mod_unknowns))
    if code == "TB204":
        return _lower_max_tokens(call, info, kw, catalog, bool(mod_unknowns), options)
    est = estimate if estimate is not None else estimate_call(call, catalog)
    if est.worst_usage is None or est.worst.usd is None:
        return None
    if code == "TB301":
        return _cheaper_model(est, info, kw, catalog, options)
    if code == "TB401" and not (call.batch or kw.get("speed") == "fast"):
        return _batch(est, info, kw, catalog)
    return None


def _caching(call: CallSite, info: ModelInfo, kw: Mapping[str, Any], catalog: Catalog, lower: bool) -> Saving | None:
    if call.sdk != "anthropic":
        return None
    blocks = request_blocks(call)
    prefix = static_prefix(blocks)
    overhead = tool_overhead(info, call)
    tokens = prefix_tokens(prefix, overhead)
    if not tokens or (info.min_cacheable is not None and tokens < info.min_cacheable):
        return None
    total = max(prefix_tokens(blocks.items, overhead), tokens)
    plain = _price_or_none(info.id, Usage(input_tokens=total), kw, catalog)
    cached = _price_or_none(info.id, Usage(input_tokens=total - tokens, cache_read_tokens=tokens), kw, catalog)
    write = _price_or_none(info.id, Usage(input_tokens=total - tokens, cache_write_5m_tokens=tokens), kw, catalog)
    if plain is None or cached is None or plain <= cached:
        return None
    per_call = plain - cached
    extra = f" (the first call pays {format_usd(write - plain)} more to write it)" if write is not None else ""
    sections = "+".join(dict.fromkeys(b.section for b in prefix))
    return Saving("TB101", per_call,
                  f"caching this {tokens:,}-token prefix ({sections}) saves {format_usd(per_call)} per call "
                  f"after the first{extra}",
                  lower, {"prefix_tokens": tokens, "first_call_extra_usd": money_str(write - plain) if write else None})


def _lower_max_tokens(call: CallSite, info: ModelInfo, kw: Mapping[str, Any], catalog: Catalog, lower: bool,
                      options: Mapping[str, Any]) -> Saving | None:
    limit = options.get("short-answer-max-tokens", DEFAULTS["short-answer-max-tokens"])
    mt = call.max_tokens
    if mt is None or not isinstance(limit, int) or mt <= limit:
        return None
    hi = _price_or_none(info.id, Usage(output_tokens=mt), kw, catalog)
    lo = _price_or_none(info.id, Usage(output_tokens=limit), kw, catalog)
    if hi is None or lo is None or hi <= lo:
        return None
    per_call = hi - lo
    return Saving("TB204", per_call,
                  f"lowering max_tokens from {mt:,} to {limit:,} cuts the worst case by {format_usd(per_call)} "
                  f"per call", lower, {"max_tokens": mt, "limit": limit})


def _cheaper_model(est: SiteEstimate, info: ModelInfo, kw: Mapping[str, Any], catalog: Catalog,
                   options: Mapping[str, Any]) -> Saving | None:
    target_id = options.get("target-model")
    target = catalog.find(target_id) if isinstance(target_id, str) else cheaper_alternative(catalog, info)
    if target is None or target.id == info.id:
        return None
    worst = est.worst.usd
    other = _price_or_none(target.id, est.worst_usage, kw, catalog)  # type: ignore[arg-type]
    if worst is None or other is None or other >= worst:
        return None
    per_call = worst - other
    ratio = other / worst
    return Saving("TB301", per_call,
                  f"{target.id} instead of {info.id} ({_ratio_text(ratio)} the price) cuts the worst case "
                  f"by {'≥ ' if est.worst.lower_bound else ''}{format_usd(per_call)} per call",
                  est.worst.lower_bound, {"target_model": target.id, "price_ratio": money_str(ratio)})


def _batch(est: SiteEstimate, info: ModelInfo, kw: Mapping[str, Any], catalog: Catalog) -> Saving | None:
    worst = est.worst.usd
    batched = _price_or_none(info.id, est.worst_usage, {**kw, "batch": True}, catalog)  # type: ignore[arg-type]
    if worst is None or batched is None or batched >= worst:
        return None
    per_call = worst - batched
    best_part = ""
    basis: dict[str, Any] = {"batch_multiplier": money_str(catalog.batch_multiplier)}
    if est.best.usd is not None and est.best_usage is not None:
        best_b = _price_or_none(info.id, est.best_usage, {**kw, "batch": True}, catalog)
        if best_b is not None:
            best_part = f", {format_usd(est.best.usd - best_b)} in the best case"
            basis["best_case_usd"] = money_str(est.best.usd - best_b)
    pct = (1 - catalog.batch_multiplier) * 100
    return Saving("TB401", per_call,
                  f"the Message Batches API ({pct.normalize():f}% off) saves "
                  f"{'≥ ' if est.worst.lower_bound else ''}{format_usd(per_call)} per call in the worst case"
                  f"{best_part}", est.worst.lower_bound, basis)


def saving_properties(code: str, call: CallSite, ctx: Any, **options: Any) -> dict[str, Any]:
    """``Report(..., properties=saving_properties("TB204", call, ctx))`` for a rule.

    ``ctx`` is the rule's :class:`~.rule.RuleContext` (its catalog and options are used);
    ``options`` add to them (e.g. ``target_model="claude-haiku-4-5"`` for TB301). Returns ``{}``
    when there is no figure, so it can always be passed.
    """
    opts = dict(getattr(ctx, "options", {}) or {})
    opts.update({k.replace("_", "-"): v for k, v in options.items()})
    try:
        s = saving_for(code, call, ctx.catalog, opts)
    except Exception:  # a saving figure must never break a lint run
        return {}
    return s.properties() if s is not None else {}
