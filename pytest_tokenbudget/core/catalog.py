"""The Claude model catalog: every model Anthropic has served, its prices by date, its limits and
its lifecycle on each platform.

The shipped rows live in ``models.toml`` beside this module (see its header for the keys). User
rows from ``[tool.tokenbudget.models."<id>"]`` replace or add rows; see :meth:`Catalog.with_overrides`.
Dates are verdicts, not labels: a model whose retirement date has passed *is* retired. "Today" is
:func:`today`, which tests and replays move with ``TOKENBUDGET_TODAY=YYYY-MM-DD``.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import difflib
import functools
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from typing import Any

from pytest_tokenbudget.core.catalog_rows import (
    FAST_MODES, PERIOD_KEYS, PLATFORMS, PRICE_KEYS, ROW_KEYS, TIERS, CatalogError, Period, Platform, PromptTier,
    parse_row, tool_counts,
)
from pytest_tokenbudget.core.model_ids import canonical, family_hint, id_candidates, normalise_model_id
from pytest_tokenbudget.core.toml import load_toml_bytes

__all__ = [
    "Catalog", "CatalogError", "FAST_MODES", "LIFECYCLES", "ModelInfo", "PLATFORMS", "PRICE_KEYS", "Platform",
    "PromptTier", "ROW_KEYS", "Status", "TIERS", "TOOL_DATE", "UnknownModelError", "normalise_model_id",
    "shipped_catalog", "today",
]

LIFECYCLES = ("active", "legacy", "deprecated", "retired", "available", "unknown")
PLATFORM_NAMES = {"api": "the Claude API", "bedrock": "Amazon Bedrock", "vertex": "Google Cloud Vertex AI"}
_ATTR = {k: k.replace("-", "_") for k in (*PRICE_KEYS, "fast-input", "fast-output")}
TOOL_DATE = re.compile(r"_\d{8}$")  # an Anthropic-defined or server tool's version: bash_20250124 -> bash


def today() -> _dt.date:
    """The date lifecycle verdicts and live prices are taken against: ``TOKENBUDGET_TODAY`` when
    set (tests, replays of a given day), else the local date."""
    forced = os.environ.get("TOKENBUDGET_TODAY", "").strip()
    if forced:
        try:
            return _dt.date.fromisoformat(forced)
        except ValueError:
            raise CatalogError(f"TOKENBUDGET_TODAY={forced!r} is not a date (YYYY-MM-DD)") from None
    return _dt.date.today()


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
class Status:
    """A model's lifecycle on one platform on one day."""

    platform: str
    state: str  # one of LIFECYCLES
    deprecated: _dt.date | None = None
    retired: _dt.date | None = None
    not_before: _dt.date | None = None
    replacement: str | None = None
    note: str = ""

    @property
    def usable(self) -> bool:
        return self.state in ("active", "legacy", "deprecated", "available")


@dataclass(frozen=True)
class ModelInfo:
    """One model: prices in force (USD per MTok), limits and lifecycle. ``None`` = unknown.

    The price fields hold the current prices; :meth:`on` gives the row as priced on another day.
    """

    id: str
    name: str = ""
    family: str | None = None
    tier: str | None = None
    generation: str | None = None
    aliases: tuple[str, ...] = ()
    spellings: tuple[str, ...] = ()
    input: Decimal | None = None
    cache_write_5m: Decimal | None = None
    cache_write_1h: Decimal | None = None
    cache_read: Decimal | None = None
    output: Decimal | None = None
    fast_input: Decimal | None = None
    fast_output: Decimal | None = None
    fast_mode: str = "none"
    geo: Mapping[str, Decimal] = field(default_factory=dict)
    regional: Decimal | None = None
    prompt_tier: PromptTier | None = None
    periods: tuple[Period, ...] = ()
    max_output: int | None = None
    batch_max_output: int | None = None
    context_window: int | None = None
    min_cacheable: int | None = None
    tool_prompt_tokens: int | None = None  # the tool-use system prompt the API adds when tools are sent
    tool_prompt_forced: int | None = None  # the same when tool_choice forces a tool (any / tool)
    defined_tools: Mapping[str, int] = field(default_factory=dict)  # Anthropic-defined tool -> its definition's tokens
    prefill: bool | None = None
    released: _dt.date | None = None
    successor: str | None = None
    platforms: Mapping[str, Platform] = field(default_factory=dict)
    unconfirmed: frozenset[str] = frozenset()
    source: str = ""
    checked: _dt.date | None = None
    notes: str = ""
    origin: str = "shipped"
    period: str = "current"  # which price period these fields hold ("current" or "until YYYY-MM-DD")

    def tool_prompt(self, forced: bool) -> int | None:
        """The tool-use system prompt's tokens: the larger forced size when ``tool_choice`` is
        ``any`` or ``tool`` and it is published, else the auto/none size (None: not published)."""
        return self.tool_prompt_forced if forced and self.tool_prompt_forced is not None else self.tool_prompt_tokens

    def defined_tool_tokens(self, tool_type: str) -> int:
        """The tokens the API adds for an Anthropic-defined tool (``bash_20250124``, ``text_editor_20250728``):
        the request sends a stub, the API the tool's own definition. 0 when not known."""
        return self.defined_tools.get(TOOL_DATE.sub("", tool_type), 0)

    def price_of(self, key: str) -> Decimal | None:
        """The per-MTok price for a kebab-case price key (``"cache-write-5m"`` ...)."""
        return getattr(self, _ATTR.get(key) or key.replace("-", "_"))

    # -- prices by date -------------------------------------------------------------------------
    def period_for(self, day: _dt.date) -> Period | None:
        """The history period in force on ``day``, or ``None`` for the current prices."""
        for p in self.periods:
            if day <= p.until:
                return p
        return None

    def on(self, day: _dt.date | None) -> ModelInfo:
        """This row as priced on ``day`` (``None``: today's prices, the fields as they are)."""
        p = self.period_for(day) if day is not None else None
        if p is None:
            return self
        marks = (self.unconfirmed - {k.replace("_", "-") for k in p.values}) | p.unconfirmed
        return dataclasses.replace(self, **p.values, unconfirmed=marks, periods=(), source=p.source or self.source,
                                   period=f"until {p.until.isoformat()}")

    # -- lifecycle ------------------------------------------------------------------------------
    def status(self, on: _dt.date | None = None, platform: str = "api") -> Status:
        """The lifecycle on ``platform`` (``api``, ``bedrock``, ``vertex``) on ``on`` (default today)."""
        if platform not in PLATFORMS:
            raise CatalogError(f"unknown platform {platform!r}; one of {', '.join(PLATFORMS)}")
        day = on if on is not None else today()
        p = self.platforms.get(platform)
        if p is None:
            if platform != "api":
                return Status(platform, "unknown")
            p = Platform()
        common = dict(deprecated=p.deprecated, retired=p.retired, not_before=p.not_before,
                      replacement=p.replacement, note=p.note)
        if p.retired is not None and day >= p.retired:
            state = "retired"
        elif p.deprecated is not None and day >= p.deprecated:
            state = "deprecated"
        elif p.available is False:
            state = "retired"
        elif p.available and p.retired is None and p.deprecated is None and platform != "api":
            state = "available"
        else:
            state = "legacy" if p.legacy else "active"
        return Status(platform, state, **common)

    @property
    def lifecycle(self) -> str:
        """The Claude API lifecycle today (see :meth:`status` for another day or platform)."""
        return self.status().state

    @property
    def retires(self) -> _dt.date | None:
        """The announced Claude API retirement date (a tentative not-before date is not one)."""
        p = self.platforms.get("api")
        return p.retired if p else None

    @property
    def deprecated(self) -> _dt.date | None:
        p = self.platforms.get("api")
        return p.deprecated if p else None

    @property
    def is_retired(self) -> bool:
        return self.lifecycle == "retired"


class Catalog:
    """An immutable set of model rows with an index of every id and alias spelling."""

    def __init__(self, models: Iterable[ModelInfo], *, web_search_per_request: Decimal,
                 batch_multiplier: Decimal, cache_multipliers: Mapping[str, Decimal],
                 checked: _dt.date | None = None, sources: tuple[str, ...] = (),
                 defined_tools: Mapping[str, int] | None = None) -> None:
        self._models: dict[str, ModelInfo] = {}
        self._index: dict[str, str] = {}
        for m in models:
            self._models[m.id] = m
        for m in self._models.values():
            for name in (m.id, *m.aliases, *m.spellings):
                key = canonical(name)
                other = self._index.get(key)
                if other is not None and other != m.id:
                    raise CatalogError(f"{name!r} names both {other} and {m.id}")
                self._index[key] = m.id
        self.web_search_per_request = web_search_per_request
        self.batch_multiplier = batch_multiplier
        self.cache_multipliers = dict(cache_multipliers)
        self.checked = checked
        self.sources = sources
        self.defined_tools = dict(defined_tools or {})  # the defaults a new row starts from
        self._found: dict[str, ModelInfo | None] = {}  # find() memo: the catalog never changes

    def __iter__(self) -> Iterator[ModelInfo]:
        return iter(self._models.values())

    def __len__(self) -> int:
        return len(self._models)

    def get(self, model_id: str) -> ModelInfo | None:
        """The row whose id is exactly ``model_id``."""
        return self._models.get(model_id)

    def find(self, model: str) -> ModelInfo | None:
        """The row for any spelling of ``model``, or ``None``."""
        try:
            return self._found[model]
        except KeyError:
            pass
        found = None
        for candidate in id_candidates(model):
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
        raise UnknownModelError(model, normalise_model_id(model), self.suggestions(model))

    def suggestions(self, model: str, n: int = 3) -> list[str]:
        """Known ids close to an unknown one, from the same family (and so the same tier) when the
        spelling names a family: a misspelt Sonnet is never offered a Haiku."""
        fam = family_hint(model)
        rows = [m for m in self if fam is None or m.family == fam]
        if fam is not None and not rows:
            return []
        names = {canonical(name): m for m in rows for name in (m.id, *m.aliases, *m.spellings)}
        target = normalise_model_id(model)
        scored: dict[str, tuple[bool, float]] = {}
        for name, m in names.items():
            ratio = difflib.SequenceMatcher(None, target, name).ratio()
            if ratio >= 0.6:
                best = max(scored.get(m.id, (False, 0.0))[1], ratio)
                scored[m.id] = (m.status().usable, best)
        if not scored and fam is not None:  # the family is clear, the version is not: its usable models
            scored = {m.id: (m.status().usable, 0.0) for m in rows}
        # the closest spellings first; among equally close ones, the models that still work
        return sorted(scored, key=lambda i: (-round(scored[i][1], 2), not scored[i][0], i))[:n]

    def successor(self, info: ModelInfo, on: _dt.date | None = None) -> ModelInfo | None:
        """The model to move to from ``info``: its ``successor``, followed while that one is
        itself retired on ``on``. ``None`` for a model that is the current one of its tier."""
        seen = {info.id}
        nxt = self._models.get(info.successor) if info.successor else None
        while nxt is not None and nxt.status(on).state == "retired" and nxt.successor and nxt.id not in seen:
            seen.add(nxt.id)
            nxt = self._models.get(nxt.successor)
        return nxt

    @functools.cached_property
    def max_fast_multiplier(self) -> Decimal:
        """The highest fast-mode multiplier any row ever documented (input or output), the worst
        case assumed for a model whose fast price is unpublished."""
        best = Decimal(1)
        for m in self:
            for row in (m, *(m.on(p.until) for p in m.periods)):
                if row.fast_mode != "priced" or not row.input or not row.output:
                    continue
                best = max(best, (row.fast_input or 0) / row.input, (row.fast_output or 0) / row.output)
        return best

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
                if "defined_tools" in fields:  # a partial table adds to the row's, as the shipped rows do
                    fields["defined_tools"] = {**existing.defined_tools, **fields["defined_tools"]}
                row = dataclasses.replace(existing, **fields, origin=where)
                # An override of a price confirms it (and replaces the history of that price).
                given = {k for k in raw if k in PERIOD_KEYS}
                periods = tuple(p for p in row.periods if not given & {k.replace("_", "-") for k in p.values})
                row = dataclasses.replace(row, unconfirmed=row.unconfirmed - given, periods=periods)
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
                fields["defined_tools"] = {**self.defined_tools, **fields.get("defined_tools", {})}
                row = ModelInfo(id=normalise_model_id(key), origin=where, **fields)
            models[row.id] = row
        return Catalog(models.values(), web_search_per_request=self.web_search_per_request,
                       batch_multiplier=self.batch_multiplier, cache_multipliers=self.cache_multipliers,
                       checked=self.checked, sources=(*self.sources, where), defined_tools=self.defined_tools)


def _check_links(models: Iterable[ModelInfo], where: str) -> None:
    ids = {m.id for m in models}
    for m in models:
        if m.successor is not None and m.successor not in ids:
            raise CatalogError(f"{where}: {m.id} names successor {m.successor!r}, which has no row")


@functools.lru_cache(maxsize=1)
def shipped_catalog() -> Catalog:
    """The catalog as shipped in ``models.toml`` (no user overrides)."""
    where = "pytest_tokenbudget/core/models.toml"
    data = load_toml_bytes(resources.files(__package__).joinpath("models.toml").read_bytes(), where=where)
    meta = data["catalog"]
    defined = tool_counts(meta["defined-tool-tokens"])
    rows = []
    for i, r in enumerate(data["model"]):
        fields = parse_row(r, where=f"models.toml row {i + 1} ({r.get('id')})")
        rows.append(ModelInfo(**{**fields, "defined_tools": {**defined, **fields.get("defined_tools", {})}}))
    _check_links(rows, where)
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
        defined_tools=defined,
    )
