"""The Claude model catalog: prices, limits and lifecycle of every model, and id normalisation.

The shipped rows live in ``models.toml`` beside this module (read with ``parse_float=Decimal``
so that prices stay exact). User rows from ``[tool.tokenbudget.models."<id>"]`` replace or add
rows; see :func:`get_catalog`.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import difflib
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from typing import Any

from pytest_tokenbudget.core.toml import load_toml_bytes

__all__ = [
    "Catalog",
    "CatalogError",
    "ModelInfo",
    "PromptTier",
    "UnknownModelError",
    "normalise_model_id",
    "shipped_catalog",
]

PRICE_KEYS = ("input", "cache-write-5m", "cache-write-1h", "cache-read", "output")
_ATTR = {k: k.replace("-", "_") for k in (*PRICE_KEYS, "fast-input", "fast-output")}
LIFECYCLES = ("active", "legacy", "deprecated", "retired")
TIERS = ("premium", "standard", "economy")


class CatalogError(ValueError):
    """A catalog row or a user override is malformed."""


class UnknownModelError(LookupError):
    """A model id that no catalog row (shipped or user override) matches."""

    def __init__(self, raw: str, normalised: str, suggestions: Iterable[str]) -> None:
        self.raw = raw
        self.normalised = normalised
        self.suggestions = tuple(suggestions)
        hint = f" Closest known ids: {', '.join(self.suggestions)}." if self.suggestions else ""
        shown = repr(raw) if raw == normalised else f"{raw!r} (normalised: {normalised!r})"
        super().__init__(
            f"unknown model {shown}: it is not in the tokenbudget catalog.{hint} "
            f'If it is a real model, add its price to pyproject.toml as [tool.tokenbudget.models."{normalised}"] '
            f"with input = <USD per MTok> and output = <USD per MTok>."
        )


@dataclass(frozen=True)
class PromptTier:
    """Prices that apply to a whole request when its prompt is longer than ``above`` tokens."""

    above: int
    prices: Mapping[str, Decimal]


@dataclass(frozen=True)
class ModelInfo:
    """One model's prices (USD per million tokens), limits and lifecycle. ``None`` = unknown."""

    id: str
    family: str | None = None
    tier: str | None = None
    generation: str | None = None
    aliases: tuple[str, ...] = ()
    input: Decimal | None = None
    cache_write_5m: Decimal | None = None
    cache_write_1h: Decimal | None = None
    cache_read: Decimal | None = None
    output: Decimal | None = None
    fast_input: Decimal | None = None
    fast_output: Decimal | None = None
    geo: Mapping[str, Decimal] = field(default_factory=dict)
    prompt_tier: PromptTier | None = None
    max_output: int | None = None
    batch_max_output: int | None = None
    context_window: int | None = None
    min_cacheable: int | None = None
    prefill: bool | None = None
    lifecycle: str = "active"
    released: _dt.date | None = None
    deprecated: _dt.date | None = None
    retires: _dt.date | None = None
    unconfirmed: frozenset[str] = frozenset()
    source: str = ""
    checked: _dt.date | None = None
    notes: str = ""
    origin: str = "shipped"

    def price_of(self, key: str) -> Decimal | None:
        """The per-MTok price for a kebab-case price key (``"cache-write-5m"`` ...)."""
        return getattr(self, _ATTR.get(key) or key.replace("-", "_"))

    @property
    def is_retired(self) -> bool:
        return self.lifecycle == "retired"

# Key name in TOML -> (attribute, converter). Anything else in a row is an error.
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


_ROW_KEYS: dict[str, tuple[str, Any]] = {
    "id": ("id", _text),
    "family": ("family", _text),
    "tier": ("tier", _choice(TIERS)),
    "generation": ("generation", _text),
    "aliases": ("aliases", _strings),
    "input": ("input", _price),
    "cache-write-5m": ("cache_write_5m", _price),
    "cache-write-1h": ("cache_write_1h", _price),
    "cache-read": ("cache_read", _price),
    "output": ("output", _price),
    "fast-input": ("fast_input", _price),
    "fast-output": ("fast_output", _price),
    "geo": ("geo", _geo),
    "prompt-tier": ("prompt_tier", _prompt_tier),
    "max-output": ("max_output", _count),
    "batch-max-output": ("batch_max_output", _count),
    "context-window": ("context_window", _count),
    "min-cacheable": ("min_cacheable", _count),
    "prefill": ("prefill", _bool),
    "lifecycle": ("lifecycle", _choice(LIFECYCLES)),
    "released": ("released", _date),
    "deprecated": ("deprecated", _date),
    "retires": ("retires", _date),
    "unconfirmed": ("unconfirmed", lambda v: frozenset(_strings(v))),
    "source": ("source", _text),
    "checked": ("checked", _date),
    "notes": ("notes", _text),
}
ROW_KEYS = tuple(_ROW_KEYS)


def parse_row(raw: Mapping[str, Any], *, where: str) -> dict[str, Any]:
    """Validate one TOML row and return ModelInfo keyword arguments. Errors name ``where``."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in _ROW_KEYS:
            close = difflib.get_close_matches(key, ROW_KEYS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise CatalogError(f"{where}: unknown key {key!r}{hint}; allowed keys: {', '.join(ROW_KEYS)}")
        attr, conv = _ROW_KEYS[key]
        try:
            out[attr] = conv(value)
        except (TypeError, ValueError) as exc:
            raise CatalogError(f"{where}: {key} = {value!r} is not valid: expected {exc}") from None
    return out


# ------------------------------------------------------------------------------ normalisation
_BEDROCK_PREFIX = re.compile(r"^(?:(?:us|eu|apac|jp|au|ca|global|us-gov)\.)?anthropic\.")
_BEDROCK_SUFFIX = re.compile(r"-v\d+(?::\d+)?$")
_DOTTED_VERSION = re.compile(r"(?<=\d)\.(?=\d)")
_BRACKET_SUFFIX = re.compile(r"\[[^\]]*\]$")
_DATE_SUFFIX = re.compile(r"-\d{8}$")


@functools.lru_cache(maxsize=1024)
def normalise_model_id(raw: str) -> str:
    """Map the spellings a model id takes in the wild to the Claude API's own form.

    Handles ARNs and ``provider/`` prefixes (``anthropic/``, ``bedrock/``), Bedrock ids
    (``us.anthropic.claude-…-v1:0``), Vertex ids (``claude-…@20250929``), dotted gateway
    names (``claude-sonnet-4.5``) and Claude Code's bracketed suffixes (``[1m]``). Dated ids and
    ``-latest`` are kept: the catalog lists them as aliases, and :meth:`Catalog.lookup` falls back
    to the undated id when a date is not listed.
    """
    s = raw.strip().lower()
    if s.startswith("arn:"):
        s = s.rsplit("/", 1)[-1]
    if "/" in s:
        s = s.rsplit("/", 1)[-1]
    s = _BRACKET_SUFFIX.sub("", s)
    s = _BEDROCK_PREFIX.sub("", s)
    s = _BEDROCK_SUFFIX.sub("", s)
    s = s.replace("@", "-")
    s = _DOTTED_VERSION.sub("-", s)
    return s


class Catalog:
    """An immutable set of model rows with an alias index."""

    def __init__(self, models: Iterable[ModelInfo], *, web_search_per_request: Decimal,
                 batch_multiplier: Decimal, cache_multipliers: Mapping[str, Decimal],
                 checked: _dt.date | None = None, sources: tuple[str, ...] = ()) -> None:
        self._models: dict[str, ModelInfo] = {}
        self._index: dict[str, str] = {}
        for m in models:
            self._models[m.id] = m
        for m in self._models.values():
            for name in (m.id, *m.aliases):
                self._index[name] = m.id
        self.web_search_per_request = web_search_per_request
        self.batch_multiplier = batch_multiplier
        self.cache_multipliers = dict(cache_multipliers)
        self.checked = checked
        self.sources = sources
        self._found: dict[str, ModelInfo | None] = {}  # find() memo: the catalog never changes

    def __iter__(self):
        return iter(self._models.values())

    def __len__(self) -> int:
        return len(self._models)

    def find(self, model: str) -> ModelInfo | None:
        """The row for any spelling of ``model``, or ``None``."""
        try:
            return self._found[model]
        except KeyError:
            pass
        found = None
        norm = normalise_model_id(model)
        for candidate in (norm, _DATE_SUFFIX.sub("", norm), norm.removesuffix("-latest")):
            row_id = self._index.get(candidate)
            if row_id is not None:
                found = self._models[row_id]
                break
        if len(self._found) < 4096:
            self._found[model] = found
        return found

    def lookup(self, model: str) -> ModelInfo:
        """The row for ``model``; :class:`UnknownModelError` (with suggestions) when there is none."""
        found = self.find(model)
        if found is not None:
            return found
        norm = normalise_model_id(model)
        return self._unknown(model, norm)

    def _unknown(self, raw: str, norm: str):
        suggestions = difflib.get_close_matches(norm, list(self._index), n=3, cutoff=0.6)
        raise UnknownModelError(raw, norm, suggestions)

    def with_overrides(self, overrides: Mapping[str, Mapping[str, Any]], *, where: str) -> Catalog:
        """A new catalog where each override replaces fields of a row, or adds a row."""
        models = dict(self._models)
        for key, raw in overrides.items():
            spot = f'{where}: [tool.tokenbudget.models."{key}"]'
            if not isinstance(raw, Mapping):
                raise CatalogError(f"{spot} must be a table of prices, e.g. input = 3, output = 15")
            fields = parse_row(raw, where=spot)
            fields.pop("id", None)
            existing = self.find(key)
            if existing is not None:
                row = dataclasses.replace(existing, **fields, origin=where)
                # An override of a price confirms it: drop it from the unconfirmed marks.
                row = dataclasses.replace(row, unconfirmed=row.unconfirmed - {k for k in raw if k in PRICE_KEYS})
            else:
                missing = [k for k in ("input", "output") if k not in fields]
                if missing:
                    raise CatalogError(
                        f"{spot}: {key!r} is not a shipped model, so it needs at least "
                        f"{' and '.join(missing)} (USD per million tokens)"
                    )
                fields.setdefault("cache_write_5m", fields["input"] * self.cache_multipliers["cache-write-5m"])
                fields.setdefault("cache_write_1h", fields["input"] * self.cache_multipliers["cache-write-1h"])
                fields.setdefault("cache_read", fields["input"] * self.cache_multipliers["cache-read"])
                row = ModelInfo(id=normalise_model_id(key), origin=where, **fields)
            models[row.id] = row
        return Catalog(models.values(), web_search_per_request=self.web_search_per_request,
                       batch_multiplier=self.batch_multiplier, cache_multipliers=self.cache_multipliers,
                       checked=self.checked, sources=(*self.sources, where))


@functools.lru_cache(maxsize=1)
def shipped_catalog() -> Catalog:
    """The catalog as shipped in ``models.toml`` (no user overrides)."""
    data = load_toml_bytes(resources.files(__package__).joinpath("models.toml").read_bytes(),
                           where="pytest_tokenbudget/core/models.toml")
    meta = data["catalog"]
    rows = [ModelInfo(**parse_row(r, where=f"models.toml row {i + 1}")) for i, r in enumerate(data["model"])]
    return Catalog(
        rows,
        web_search_per_request=Decimal(meta["web-search-per-request"]),
        batch_multiplier=Decimal(meta["batch-multiplier"]),
        cache_multipliers={
            "cache-write-5m": Decimal(meta["default-cache-write-5m-multiplier"]),
            "cache-write-1h": Decimal(meta["default-cache-write-1h-multiplier"]),
            "cache-read": Decimal(meta["default-cache-read-multiplier"]),
        },
        checked=meta["checked"],
        sources=("shipped models.toml",),
    )
