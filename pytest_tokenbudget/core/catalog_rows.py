"""One catalog row as written in TOML (``models.toml`` or a user override) -> validated values.

Every key is checked; a typo is an error naming the row and the keys allowed. Prices are read
with ``parse_float=Decimal`` and stay exact. The row shapes:

- price keys (``input``, ``cache-write-5m``, ``cache-write-1h``, ``cache-read``, ``output``,
  ``fast-input``, ``fast-output``, ``fast-mode``, ``prompt-tier``, ``geo``, ``regional``) hold the
  price in force now; ``[[model.history]]`` entries hold earlier ones, each ``until`` a date
  (inclusive) and overriding only the keys that differed;
- ``api`` / ``bedrock`` / ``vertex`` are the lifecycle on each platform: ``deprecated`` and
  ``retired`` dates, ``not-before`` (a tentative earliest retirement, which is not a retirement),
  ``legacy``, ``available`` (still served, no date known), ``replacement`` (what that platform's
  docs recommend), ``note``.
"""

from __future__ import annotations

import datetime as _dt
import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

__all__ = [
    "CatalogError", "FAST_MODES", "PERIOD_KEYS", "PLATFORMS", "PRICE_KEYS", "ROW_KEYS", "TIERS",
    "Period", "Platform", "PromptTier", "parse_row",
]

PRICE_KEYS = ("input", "cache-write-5m", "cache-write-1h", "cache-read", "output")
TIERS = ("premium", "standard", "economy")
PLATFORMS = ("api", "bedrock", "vertex")
# none: the model never offered fast mode; priced: fast-input/fast-output hold its price;
# standard: speed=fast is accepted and billed at standard speed and price; rejected: speed=fast
# returns an error; unpriced: offered, but no price was published.
FAST_MODES = ("none", "priced", "standard", "rejected", "unpriced")


class CatalogError(ValueError):
    """A catalog row or a user override is malformed."""


@dataclass(frozen=True)
class PromptTier:
    """Prices that apply to a whole request when its prompt is longer than ``above`` tokens."""

    above: int
    prices: Mapping[str, Decimal]


@dataclass(frozen=True)
class Platform:
    """A model's lifecycle on one platform, as published (dates are inclusive days)."""

    deprecated: _dt.date | None = None
    retired: _dt.date | None = None
    not_before: _dt.date | None = None
    legacy: bool = False
    available: bool | None = None
    replacement: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Period:
    """Prices in force up to and including ``until``: only the keys that differ from later ones."""

    until: _dt.date
    values: Mapping[str, Any]
    source: str = ""
    unconfirmed: frozenset[str] = frozenset()


def _price(v: Any) -> Decimal:
    if isinstance(v, bool) or not isinstance(v, (int, Decimal)):
        raise TypeError("a number (USD per million tokens)")
    d = Decimal(v)
    if d < 0 or not d.is_finite():
        raise ValueError("a price must be a finite number >= 0")
    return d


def _count(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise TypeError("a whole number of tokens")
    if v < 0:
        raise ValueError("a token count must be >= 0")
    return v


def tool_counts(v: Any) -> Mapping[str, int]:
    """A table of Anthropic-defined tool names (the type without its date) to token counts."""
    if not isinstance(v, Mapping) or not all(isinstance(k, str) for k in v):
        raise TypeError("a table of tool names to token counts, e.g. { bash = 244, text_editor = 700 }")
    return {k: _count(n) for k, n in v.items()}


def _text(v: Any) -> str:
    if not isinstance(v, str):
        raise TypeError("a string")
    return v


def _date(v: Any) -> _dt.date:
    if isinstance(v, _dt.datetime):
        return v.date()
    if isinstance(v, _dt.date):
        return v
    if isinstance(v, str):
        try:
            return _dt.date.fromisoformat(v)
        except ValueError:
            pass
    raise TypeError("a date (YYYY-MM-DD)")


def _bool(v: Any) -> bool:
    if not isinstance(v, bool):
        raise TypeError("true or false")
    return v


def _strings(v: Any) -> tuple[str, ...]:
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise TypeError("a list of strings")
    return tuple(v)


def _choice(options: tuple[str, ...]):
    def conv(v: Any) -> str:
        if v not in options:
            raise ValueError(f"one of {', '.join(options)}")
        return v

    return conv


def _multiplier(v: Any) -> Decimal:
    d = _price(v)
    if d < 1:
        raise ValueError("a multiplier >= 1 (a premium never lowers a price)")
    return d


def _geo(v: Any) -> Mapping[str, Decimal]:
    if not isinstance(v, Mapping):
        raise TypeError('a table of region = multiplier, e.g. { us = 1.1 }')
    return {str(k): _price(m) for k, m in v.items()}


def _prompt_tier(v: Any) -> PromptTier:
    if not isinstance(v, Mapping) or "above" not in v:
        raise TypeError("a table with above = <tokens> and the tier's prices")
    extra = set(v) - {"above", *PRICE_KEYS}
    if extra:
        raise ValueError(f"unknown key(s) {sorted(extra)}; allowed: above, {', '.join(PRICE_KEYS)}")
    return PromptTier(above=_count(v["above"]), prices={k: _price(v[k]) for k in PRICE_KEYS if k in v})


_PLATFORM_KEYS: dict[str, tuple[str, Any]] = {
    "deprecated": ("deprecated", _date), "retired": ("retired", _date), "not-before": ("not_before", _date),
    "legacy": ("legacy", _bool), "available": ("available", _bool), "replacement": ("replacement", _text),
    "note": ("note", _text),
}


def _platform(v: Any) -> Platform:
    if not isinstance(v, Mapping):
        raise TypeError("a table such as { deprecated = 2026-09-30, retired = 2026-11-30 }")
    out: dict[str, Any] = {}
    for key, value in v.items():
        if key not in _PLATFORM_KEYS:
            raise ValueError(f"unknown key {key!r}; allowed: {', '.join(_PLATFORM_KEYS)}")
        attr, conv = _PLATFORM_KEYS[key]
        out[attr] = conv(value)
    return Platform(**out)


# Keys a history period may override, with their converters (the attribute is the key with "_").
_PERIOD_CONVERTERS: dict[str, Any] = {
    **{k: _price for k in PRICE_KEYS},
    "fast-input": _price, "fast-output": _price, "fast-mode": _choice(FAST_MODES),
    "prompt-tier": _prompt_tier, "geo": _geo, "regional": _multiplier,
}
PERIOD_KEYS = tuple(_PERIOD_CONVERTERS)


def _history(v: Any) -> tuple[Period, ...]:
    if not isinstance(v, list) or not all(isinstance(p, Mapping) for p in v):
        raise TypeError("a list of tables, each with until = <date> and the prices of that period")
    periods = []
    for i, raw in enumerate(v):
        if "until" not in raw:
            raise ValueError(f"history entry {i + 1} has no until = <date>")
        values: dict[str, Any] = {}
        for key, value in raw.items():
            if key in ("until", "source", "unconfirmed"):
                continue
            if key not in _PERIOD_CONVERTERS:
                raise ValueError(f"history entry {i + 1}: unknown key {key!r}; allowed: until, source, "
                                 f"unconfirmed, {', '.join(PERIOD_KEYS)}")
            values[key.replace("-", "_")] = _PERIOD_CONVERTERS[key](value)
        periods.append(Period(until=_date(raw["until"]), values=values, source=_text(raw.get("source", "")),
                              unconfirmed=frozenset(_strings(raw.get("unconfirmed", [])))))
    periods.sort(key=lambda p: p.until)
    if len({p.until for p in periods}) != len(periods):
        raise ValueError("two history entries end on the same day")
    return tuple(periods)


_ROW_KEYS: dict[str, tuple[str, Any]] = {
    "id": ("id", _text),
    "name": ("name", _text),
    "family": ("family", _text),
    "tier": ("tier", _choice(TIERS)),
    "generation": ("generation", _text),
    "aliases": ("aliases", _strings),
    "spellings": ("spellings", _strings),
    **{k: (k.replace("-", "_"), conv) for k, conv in _PERIOD_CONVERTERS.items()},
    "history": ("periods", _history),
    "max-output": ("max_output", _count),
    "batch-max-output": ("batch_max_output", _count),
    "context-window": ("context_window", _count),
    "min-cacheable": ("min_cacheable", _count),
    "tool-prompt-tokens": ("tool_prompt_tokens", _count),
    "tool-prompt-tokens-forced": ("tool_prompt_forced", _count),
    "defined-tool-tokens": ("defined_tools", tool_counts),
    "prefill": ("prefill", _bool),
    "released": ("released", _date),
    "successor": ("successor", _text),
    **{p: (p, _platform) for p in PLATFORMS},
    "unconfirmed": ("unconfirmed", lambda v: frozenset(_strings(v))),
    "source": ("source", _text),
    "checked": ("checked", _date),
    "notes": ("notes", _text),
}
ROW_KEYS = tuple(_ROW_KEYS)


def parse_row(raw: Mapping[str, Any], *, where: str) -> dict[str, Any]:
    """Validate one TOML row and return ModelInfo keyword arguments. Errors name ``where``."""
    out: dict[str, Any] = {}
    platforms: dict[str, Platform] = {}
    for key, value in raw.items():
        if key not in _ROW_KEYS:
            close = difflib.get_close_matches(key, ROW_KEYS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            if key in ("lifecycle", "retires"):
                hint = " (the lifecycle is computed from api = { deprecated = <date>, retired = <date> })"
            raise CatalogError(f"{where}: unknown key {key!r}{hint}; allowed keys: {', '.join(ROW_KEYS)}")
        attr, conv = _ROW_KEYS[key]
        try:
            converted = conv(value)
        except (TypeError, ValueError) as exc:
            raise CatalogError(f"{where}: {key} = {value!r} is not valid: expected {exc}") from None
        if key in PLATFORMS:
            platforms[key] = converted
        else:
            out[attr] = converted
    if platforms:
        out["platforms"] = platforms
    if "fast_input" in out and "fast_output" in out and "fast_mode" not in out:
        out["fast_mode"] = "priced"
    return out

