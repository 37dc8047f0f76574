"""``tokenbudget estimate``: a static cost map of every Claude API call site (pure functions).

For each call site the linter extracts (:func:`.callsites.extract_call_sites`), this module works
out what one call can cost before anything runs:

* **input** — the estimated tokens of the request's static text: tools, system and messages, as
  the lint rules see them (:mod:`.prompt`: one block list, tools -> system -> messages). When any
  part is dynamic (an f-string hole, a parameter, ``*history``, an image, a ``**kwargs`` that may
  add a system prompt, the tool-use system prompt the API adds when ``tools`` are sent ...) the
  figure is a **lower bound** ("≥") and the part is named in ``unknowns``. Nothing dynamic is
  counted as zero silently. Names and prompt files are resolved through the lint run's project
  index (:mod:`..project`), so a prompt imported from another module or read from a file through
  a static path is known text.
* **best case** per call — the static input, with the prefix up to the last ``cache_control``
  breakpoint priced as a cache read (steady state: a call after the first, within the TTL), and
  1 output token. A prefix that is fully static and below the model's minimum cacheable length
  is not cached (the API silently ignores the marker); a volatile value inside the cached prefix
  (time, uuid ...) means every call writes and none reads.
* **worst case** per call — the static input with no cache hit (the cached prefix is then a cache
  *write*, 1.25x / 2x the input price: a miss on a marked prefix costs more than no marker) and
  ``max_tokens`` output tokens at the output price.
* ``messages.batches.create`` request params are priced at the batch rate (0.5x); ``speed="fast"``
  and ``inference_geo`` are priced when resolved (and make the figures lower bounds when not).

An unknown or unpriced model gets no dollar figure, with the reason. Per-site
``# tokenbudget: calls-per-day=N`` comments (on the call's line or the line above) or a default
turn per-call figures into daily and 30-day projections.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pytest_tokenbudget.core.catalog import Catalog, ModelInfo
from pytest_tokenbudget.core.cost import PricingError, money_str, price
from pytest_tokenbudget.core.money import format_usd
from pytest_tokenbudget.core.text import redact
from pytest_tokenbudget.core.usage import Usage
from pytest_tokenbudget.lint.analysis.values import Text, Unknown
from pytest_tokenbudget.lint.estimate.shape import prompt_shape
from pytest_tokenbudget.lint.types import MISSING, CallSite

__all__ = ["DAYS_PER_MONTH", "Figure", "SiteEstimate", "calls_per_day_comment", "estimate_call", "model_of",
           "modifiers"]

DAYS_PER_MONTH = 30

_ZERO = Decimal(0)

_CALLS_RE = re.compile(r"#\s*tokenbudget\s*:\s*calls[-_]per[-_]day\s*=\s*([0-9][0-9_,]*)", re.IGNORECASE)


@dataclass(frozen=True)
class Figure:
    """A dollar amount, or ``None`` with the reason it cannot be given.

    ``lower_bound`` means the true amount is at least ``usd`` (some input could not be known).
    """

    usd: Decimal | None
    lower_bound: bool = False
    why: str = ""

    @property
    def known(self) -> bool:
        return self.usd is not None

    def scaled(self, n: int) -> Figure:
        return Figure(None if self.usd is None else self.usd * n, self.lower_bound, self.why)

    def text(self) -> str:
        if self.usd is None:
            return "n/a"
        return ("≥ " if self.lower_bound else "") + format_usd(self.usd)

    def as_json(self) -> dict[str, Any]:
        return {"usd": None if self.usd is None else money_str(self.usd), "lower_bound": self.lower_bound,
                "why": self.why or None}

    @staticmethod
    def total(figures: Iterable[Figure]) -> Figure:
        """Sum of the known figures; a lower bound when any is a lower bound or unknown."""
        amount = _ZERO
        lower = False
        missing = 0
        for f in figures:
            if f.usd is None:
                missing += 1
                continue
            amount += f.usd
            lower = lower or f.lower_bound
        why = f"{missing} call site(s) without a figure are not included" if missing else ""
        return Figure(amount, lower or bool(missing), why)

# ----------------------------------------------------------------------------- per-site estimate
@dataclass(frozen=True)
class SiteEstimate:
    """The static cost estimate of one call site."""

    path: str
    line: int
    column: int
    api: str
    function: str | None
    batch: bool
    model: str | None  # as written (resolved), else None
    model_id: str | None  # catalog id, when known
    input_tokens: int  # static estimate
    input_lower_bound: bool
    cached_tokens: int  # read from cache in the best case
    max_tokens: int | None
    best: Figure
    worst: Figure
    unknowns: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    calls_per_day: int | None = None
    calls_per_day_source: str | None = None  # "comment" | "option"
    cell: int | None = None  # notebooks: 1-based code cell (``line`` counts within it)
    best_usage: Usage | None = field(default=None, repr=False, compare=False)
    worst_usage: Usage | None = field(default=None, repr=False, compare=False)
    call: CallSite | None = field(default=None, repr=False, compare=False)

    @property
    def location(self) -> str:
        cell = f"[cell {self.cell}]" if self.cell is not None else ""
        return f"{self.path}{cell}:{self.line}"

    @property
    def model_label(self) -> str:
        return self.model_id or self.model or "unknown"

    @property
    def daily_best(self) -> Figure | None:
        return self.best.scaled(self.calls_per_day) if self.calls_per_day is not None else None

    @property
    def daily_worst(self) -> Figure | None:
        return self.worst.scaled(self.calls_per_day) if self.calls_per_day is not None else None

    @property
    def monthly_best(self) -> Figure | None:
        d = self.daily_best
        return d.scaled(DAYS_PER_MONTH) if d is not None else None

    @property
    def monthly_worst(self) -> Figure | None:
        d = self.daily_worst
        return d.scaled(DAYS_PER_MONTH) if d is not None else None

    def sort_key(self) -> tuple:
        w = self.worst.usd
        return (w is None, -(w if w is not None else _ZERO), self.path, self.line, self.column)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "cell": self.cell,
            "api": self.api,
            "function": self.function,
            "batch": self.batch,
            "model": self.model,
            "model_id": self.model_id,
            "input_tokens": self.input_tokens,
            "input_lower_bound": self.input_lower_bound,
            "cached_tokens": self.cached_tokens,
            "max_tokens": self.max_tokens,
            "best_per_call": self.best.as_json(),
            "worst_per_call": self.worst.as_json(),
            "unknowns": list(self.unknowns),
            "notes": list(self.notes),
            "calls_per_day": self.calls_per_day,
            "calls_per_day_source": self.calls_per_day_source,
        }
        if self.calls_per_day is not None:
            out["daily"] = {"best": self.daily_best.as_json(), "worst": self.daily_worst.as_json()}  # type: ignore[union-attr]
            out["monthly"] = {"days": DAYS_PER_MONTH, "best": self.monthly_best.as_json(),  # type: ignore[union-attr]
                              "worst": self.monthly_worst.as_json()}  # type: ignore[union-attr]
        return out

def model_of(call: CallSite, catalog: Catalog) -> tuple[ModelInfo | None, str | None, str]:
    """(catalog row, model as written, why there is no row)."""
    raw = call.get("model", MISSING)
    if raw is MISSING:
        return None, None, "model is not given"
    if isinstance(raw, Unknown) or not isinstance(raw, str):
        if isinstance(raw, Text):
            return None, None, "model is built at runtime (f-string): cannot price"
        return None, None, "model is not resolved (a runtime value): cannot price"
    info = catalog.find(raw)
    if info is None:
        from pytest_tokenbudget.core.catalog import normalise_model_id

        norm = normalise_model_id(raw)
        return None, raw, (f"model {raw!r} is not in the catalog: add its prices under "
                           f'[tool.tokenbudget.models."{norm}"]')
    if info.input is None or info.output is None:
        return None, raw, (f"{info.id} has no published per-token price: add input/output under "
                           f'[tool.tokenbudget.models."{info.id}"]')
    return info, raw, ""

def modifiers(call: CallSite) -> tuple[dict[str, Any], list[str], list[str]]:
    """(price() keyword arguments, unknowns, notes) from speed / inference_geo / batch."""
    kw: dict[str, Any] = {"batch": bool(call.batch)}
    unknowns: list[str] = []
    notes: list[str] = []
    speed = call.get("speed", None)
    if isinstance(speed, str):
        kw["speed"] = speed
        if speed == "fast":
            notes.append("fast mode pricing (speed='fast')")
    elif speed is not None:
        unknowns.append("speed: not resolved (priced at standard speed; fast mode costs more)")
    geo = call.get("inference_geo", None)
    if isinstance(geo, str):
        kw["geo"] = geo
    elif geo is not None:
        unknowns.append("inference_geo: not resolved (priced as global; US-only costs 1.1x)")
    if call.batch:
        notes.append("Message Batches: 50% of standard prices")
    return kw, unknowns, notes

def _price_figure(model_id: str, usage: Usage, kw: Mapping[str, Any], catalog: Catalog, *, lower: bool,
                  why: str = "") -> Figure:
    try:
        cost = price(model_id, usage, catalog=catalog, **kw)
    except PricingError as exc:
        return Figure(None, False, str(exc))
    return Figure(cost.total_usd, lower, why)

def estimate_call(call: CallSite, catalog: Catalog, *, line: int = 0, column: int = 0, cell: int | None = None,
                  calls_per_day: int | None = None, calls_per_day_source: str | None = None) -> SiteEstimate:
    """The static cost estimate of one call site (``line``/``column`` label it in reports)."""
    info, raw_model, model_why = model_of(call, catalog)
    shape = prompt_shape(call, info)
    kw, mod_unknowns, mod_notes = modifiers(call)
    unknowns = list(shape.unknowns) + mod_unknowns
    notes = list(shape.notes) + mod_notes
    if info is None:
        unknowns.insert(0, model_why)
    lower_in = shape.lower_bound or bool(mod_unknowns)

    # ---- the output cap
    max_tokens = call.max_tokens
    worst_out: int | None = max_tokens
    worst_lower = lower_in
    worst_why = ""
    if max_tokens is None:
        written = call.may_have("max_tokens") or call.may_have("max_completion_tokens")
        if written:
            unknowns.append("max_tokens: not resolved")
            worst_why = "max_tokens not resolved: worst case counts 1 output token"
            worst_out, worst_lower = 1, True
        elif call.sdk == "openai":
            cap = info.max_output if info is not None else None
            if cap is not None:
                worst_out = cap
                notes.append(f"no max_tokens: output bounded only by the model's maximum ({cap:,} tokens)")
            else:
                worst_why = "no max_tokens and the model's maximum output is unknown: output unbounded"
        else:
            worst_why = "max_tokens missing: the Anthropic SDK rejects the call (TB201)"

    best_out = 1 if max_tokens is None else min(1, max_tokens)
    best_usage = Usage(input_tokens=shape.uncached_best, cache_read_tokens=shape.read_best,
                       cache_write_5m_tokens=shape.write5_best, cache_write_1h_tokens=shape.write1h_best,
                       output_tokens=best_out)
    worst_usage = None
    if worst_out is not None:
        worst_usage = Usage(input_tokens=shape.uncached_worst, cache_write_5m_tokens=shape.write5_worst,
                            cache_write_1h_tokens=shape.write1h_worst, output_tokens=worst_out)
    if info is None:
        best = worst = Figure(None, False, model_why)
    else:
        best = _price_figure(info.id, best_usage, kw, catalog, lower=lower_in)
        if worst_usage is None:
            worst = Figure(None, False, worst_why)
        else:
            worst = _price_figure(info.id, worst_usage, kw, catalog, lower=worst_lower, why=worst_why)
        if worst_usage is None and "TB201" in worst_why:
            best = Figure(None, False, worst_why)
    return SiteEstimate(
        path=call.path, line=line, column=column, cell=cell, api=call.api, function=call.context.function,
        batch=bool(call.batch), model=redact(raw_model), model_id=info.id if info else None,
        input_tokens=shape.total, input_lower_bound=lower_in, cached_tokens=shape.read_best,
        max_tokens=max_tokens, best=best, worst=worst, unknowns=redact(tuple(dict.fromkeys(unknowns))),
        notes=redact(tuple(dict.fromkeys(notes))), calls_per_day=calls_per_day,
        calls_per_day_source=calls_per_day_source if calls_per_day is not None else None,
        best_usage=best_usage, worst_usage=worst_usage, call=call,
    )

# ----------------------------------------------------------------------------- files
def calls_per_day_comment(lines: Sequence[str], line: int) -> int | None:
    """N from ``# tokenbudget: calls-per-day=N`` on 1-based ``line`` or the line above it."""
    for ln in (line, line - 1):
        if 1 <= ln <= len(lines):
            m = _CALLS_RE.search(lines[ln - 1])
            if m:
                digits = m.group(1).replace("_", "").replace(",", "")
                if digits:
                    return int(digits)
    return None
