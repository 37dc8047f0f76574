"""``tokenbudget estimate``: a static cost map of every Claude API call site (pure functions).

For each call site the linter extracts (:func:`.callsites.extract_call_sites`), this module works
out what one call can cost before anything runs:

* **input** — the estimated tokens of the request's static text: tools, system and messages, as
  the lint rules see them (:mod:`.prompt`: one block list, tools -> system -> messages). When any
  part is dynamic (an f-string hole, a parameter, ``*history``, an image, a ``**kwargs`` that may
  add a system prompt, the tool-use system prompt the API adds when ``tools`` are sent ...) the
  figure is a **lower bound** ("≥") and the part is named in ``unknowns``. Nothing dynamic is
  counted as zero silently.
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

Savings (:func:`saving_for`): the money a lint finding's fix saves per call (TB101 caching,
TB204 lower ``max_tokens``, TB301 cheaper model, TB401 batch). Rules attach the same figures to
their findings with :func:`saving_properties`; the engine copies ``Report.properties`` into
``Finding.properties``, which lint JSON and SARIF ``result.properties`` already print::

    from pytest_tokenbudget.estimate import saving_properties
    yield Report(message, node=..., properties={**props, **saving_properties("TB204", call, ctx)})
    # TB301: saving_properties("TB301", call, ctx, target_model=alt.id)  (the model the message names)

Keys: ``saving_usd_per_call`` (exact decimal string), ``saving_lower_bound``, ``saving`` (the
sentence) and ``saving_<basis>`` (``saving_prefix_tokens``, ``saving_target_model`` ...). It
returns ``{}`` when there is no figure and never raises.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pytest_tokenbudget.core.catalog import Catalog, ModelInfo
from pytest_tokenbudget.core.cost import PricingError, money_str, price
from pytest_tokenbudget.core.usage import Usage
from pytest_tokenbudget.lint.engine import redact_secrets
from pytest_tokenbudget.lint.prompt import Block, request_blocks, prefix_tokens, static_prefix
from pytest_tokenbudget.lint.types import MISSING, CallSite
from pytest_tokenbudget.lint.values import OpenDict, Text, Unknown, volatile_parts

__all__ = [
    "DAYS_PER_MONTH",
    "SAVING_CODES",
    "EstimateReport",
    "Figure",
    "Saving",
    "SiteEstimate",
    "SiteSaving",
    "Totals",
    "calls_per_day_comment",
    "cheaper_model",
    "estimate_call",
    "estimate_module",
    "estimate_paths",
    "estimate_source",
    "fmt_usd",
    "saving_for",
    "saving_properties",
    "saving_rules",
    "savings_for_site",
]

DAYS_PER_MONTH = 30
SAVING_CODES = ("TB101", "TB204", "TB301", "TB401")
_ZERO = Decimal(0)
_TIER_RANK = {"premium": 3, "standard": 2, "economy": 1}
_CALLS_RE = re.compile(r"#\s*tokenbudget\s*:\s*calls[-_]per[-_]day\s*=\s*([0-9][0-9_,]*)", re.IGNORECASE)
_MEDIA_TYPES = frozenset({"image", "document", "file", "image_url", "input_audio", "container_upload"})


# ----------------------------------------------------------------------------- money figures
def fmt_usd(amount: Decimal | None) -> str:
    """``$12.34`` at or above a dollar, else three significant digits (``$0.00837``)."""
    if amount is None:
        return "n/a"
    if amount == 0:
        return "$0"
    if abs(amount) >= 1:
        return f"${amount:,.2f}"
    places = max(-amount.adjusted() + 2, 2)
    return f"${amount:.{places}f}"


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
        return ("≥ " if self.lower_bound else "") + fmt_usd(self.usd)

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


@dataclass(frozen=True)
class _Prompt:
    """Token split of one request's static input (see :func:`_prompt_shape`)."""

    total: int
    lower_bound: bool
    unknowns: tuple[str, ...]
    notes: tuple[str, ...]
    read_best: int = 0
    write5_best: int = 0
    write1h_best: int = 0
    write5_worst: int = 0
    write1h_worst: int = 0

    @property
    def uncached_best(self) -> int:
        return max(self.total - self.read_best - self.write5_best - self.write1h_best, 0)

    @property
    def uncached_worst(self) -> int:
        return max(self.total - self.write5_worst - self.write1h_worst, 0)


def _dynamic_parts(value: Any, counts: dict[str, int]) -> None:
    """Count the unresolved pieces of ``value``: f-string holes, unknown values, open dicts."""
    if isinstance(value, Unknown):
        counts["unresolved value"] = counts.get("unresolved value", 0) + 1
    elif isinstance(value, Text):
        if value.holes:
            counts["f-string/format hole"] = counts.get("f-string/format hole", 0) + len(value.holes)
    elif isinstance(value, dict):
        if isinstance(value, OpenDict):
            counts["dict with unresolved ** keys"] = counts.get("dict with unresolved ** keys", 0) + 1
        for k, v in value.items():
            if k != "cache_control":
                _dynamic_parts(v, counts)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _dynamic_parts(v, counts)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _section_unknowns(call: CallSite) -> list[str]:
    out: list[str] = []
    for section in ("tools", "system", "messages"):
        if not call.has(section):
            if call.open_kwargs:
                out.append(f"{section}: may be passed through **kwargs (not resolved)")
            continue
        value = call.args[section]
        if isinstance(value, Unknown):
            out.append(f"{section}: not resolved (a runtime value)")
            continue
        counts: dict[str, int] = {}
        _dynamic_parts(value, counts)
        if counts:
            out.append(f"{section}: " + ", ".join(_plural(n, what) for what, n in counts.items()))
    return out


def _media_unknowns(blocks: Sequence[Block]) -> list[str]:
    out = []
    for b in blocks:
        v = b.value
        if isinstance(v, dict) and v.get("type") in _MEDIA_TYPES:
            where = b.section if b.message_index is None else f"messages[{b.message_index}]"
            out.append(f"{where}: {v.get('type')} content is not estimated")
    return out


def _ttl(value: Any) -> tuple[str, bool]:
    """(ttl, known) of a cache_control value."""
    if isinstance(value, dict):
        ttl = value.get("ttl", "5m")
        if ttl in ("5m", "1h"):
            return ttl, True
        return "5m", False
    return "5m", not isinstance(value, Unknown)


def _prompt_shape(call: CallSite, info: ModelInfo | None) -> _Prompt:
    """Static input tokens of ``call`` and how caching splits them in the best and worst case."""
    blocks = request_blocks(call)
    items = blocks.items
    total = prefix_tokens(items)
    unknowns = _section_unknowns(call)
    unknowns += _media_unknowns(items)
    notes: list[str] = []
    tools = call.get("tools", None)
    if isinstance(tools, list) and tools:
        unknowns.append("tools: the tool-use system prompt the API adds (hundreds of tokens) is not counted")
        if any(isinstance(t, dict) and isinstance(t.get("type"), str) and t["type"].startswith("web_search")
               for t in tools):
            notes.append("web search is billed on top: $10 per 1,000 searches (not in these figures)")
    lower = bool(unknowns) or not blocks.complete
    if not blocks.complete and not unknowns:
        unknowns.append("part of the prompt could not be resolved")
    base = dict(total=total, lower_bound=lower, unknowns=tuple(unknowns))

    # ---- cache breakpoints
    marks: list[tuple[int, str]] = []
    for i, b in enumerate(items):
        if b.cache_control and isinstance(b.value, dict):
            ttl, ok = _ttl(b.value.get("cache_control"))
            if not ok:
                notes.append(f"cache_control ttl of block {i + 1} not resolved: priced as 5m")
            marks.append((i, ttl))
    if any(b.cache_control is None for b in items):
        notes.append("some blocks may carry cache_control (not resolved): priced as not marked")
    if blocks.top_level_cache and items:
        ttl, ok = _ttl(call.get("cache_control", None))
        if not ok:
            notes.append("top-level cache_control ttl not resolved: priced as 5m")
        marks.append((len(items) - 1, ttl))
        notes.append("automatic caching (top-level cache_control): best case reads the whole known prompt")
    elif blocks.top_level_cache is None:
        notes.append("top-level cache_control not resolved: priced as not cached")
    if not marks:
        return _Prompt(**base, notes=tuple(notes))
    if call.sdk == "openai":
        notes.append("cache_control ignored: the OpenAI-compatible endpoint does not support prompt caching")
        return _Prompt(**base, notes=tuple(notes))
    if len({i for i, _ in marks}) > 4:
        notes.append("more than 4 cache breakpoints: the API rejects the request (TB103)")
    last = max(i for i, _ in marks)
    prefix_items = items[: last + 1]
    cached = prefix_tokens(prefix_items)
    prefix_static = all(b.complete for b in prefix_items)
    minimum = info.min_cacheable if info is not None else None
    if info is not None and minimum is None:
        notes.append(f"minimum cacheable length of {info.id} is not in the catalog: assumed cacheable")
    if minimum is not None and cached < minimum:
        if prefix_static:
            notes.append(f"cached prefix (~{cached:,} tokens) is below the {minimum:,}-token minimum of "
                         f"{info.id if info else 'the model'}: the API does not cache it (TB102)")
            return _Prompt(**base, notes=tuple(notes))
        notes.append(f"cached prefix is ≥ {cached:,} tokens; it is cached only if its dynamic parts reach "
                     f"the {minimum:,}-token minimum (best case assumes they do)")
    first_volatile = next((i for i, b in enumerate(prefix_items) if any(True for _ in volatile_parts(b.value))),
                          None)
    readable = [i for i, _ in marks if first_volatile is None or i < first_volatile]
    read_upto = max(readable) if readable else None
    read = prefix_tokens(items[: read_upto + 1]) if read_upto is not None else 0
    if first_volatile is not None:
        notes.append("a value that changes on every call sits in the cached prefix: it is re-written, "
                     "never read, after it (TB104)")
    hour_marks = [i for i, ttl in marks if ttl == "1h"]
    hour_tokens = prefix_tokens(items[: max(hour_marks) + 1]) if hour_marks else 0
    write_best = cached - read
    hour_best = max(hour_tokens - read, 0) if write_best else 0
    return _Prompt(**base, notes=tuple(notes), read_best=read, write1h_best=hour_best,
                   write5_best=write_best - hour_best, write1h_worst=hour_tokens,
                   write5_worst=cached - hour_tokens)


def _model_of(call: CallSite, catalog: Catalog) -> tuple[ModelInfo | None, str | None, str]:
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


def _modifiers(call: CallSite) -> tuple[dict[str, Any], list[str], list[str]]:
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
    info, raw_model, model_why = _model_of(call, catalog)
    shape = _prompt_shape(call, info)
    kw, mod_unknowns, mod_notes = _modifiers(call)
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
        batch=bool(call.batch), model=redact_secrets(raw_model), model_id=info.id if info else None,
        input_tokens=shape.total, input_lower_bound=lower_in, cached_tokens=shape.read_best,
        max_tokens=max_tokens, best=best, worst=worst, unknowns=redact_secrets(tuple(dict.fromkeys(unknowns))),
        notes=redact_secrets(tuple(dict.fromkeys(notes))), calls_per_day=calls_per_day,
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


@dataclass
class _FileEstimate:
    sites: list[SiteEstimate]
    savings: list[SiteSaving]
    error: str | None = None


def estimate_module(module: Any, source: str, *, path: str, catalog: Catalog, calls_per_day: int | None = None,
                    rules: Sequence[Any] | None = None, options: Mapping[str, Any] | None = None,
                    cell_of: Callable[[int], tuple[int, int]] | None = None) -> _FileEstimate:
    """Estimates for every priced call site of a parsed libcst ``module`` (count_tokens is free).

    With ``rules`` (rule instances), each site's findings from those rules are priced with
    :func:`saving_for`; suppression comments are honoured as in ``tokenbudget lint``.
    """
    from pytest_tokenbudget.lint.callsites import extract_call_sites
    from pytest_tokenbudget.lint.engine import _Positions
    from pytest_tokenbudget.lint.suppress import SuppressionIndex

    positions = _Positions(module)
    lines = source.splitlines()
    sites: list[SiteEstimate] = []
    savings: list[SiteSaving] = []
    supp = SuppressionIndex(source) if rules else None
    for call in extract_call_sites(module, path=path, catalog=catalog, ranges=positions):
        if call.kind == "count_tokens":
            continue
        call_line = positions(call.node).line
        anchor = positions(call.anchor)
        n = calls_per_day_comment(lines, anchor.line)
        if n is None and anchor.line != call_line:
            n = calls_per_day_comment(lines, call_line)
        src = "comment" if n is not None else ("option" if calls_per_day is not None else None)
        line, cell = anchor.line, None
        if cell_of is not None:
            cell, line = cell_of(anchor.line)
        est = estimate_call(call, catalog, line=line, column=anchor.column, cell=cell,
                            calls_per_day=n if n is not None else calls_per_day, calls_per_day_source=src)
        sites.append(est)
        if rules:
            for ss in savings_for_site(est, catalog, options or {}, rules):
                node = ss.node if ss.node is not None else call.anchor
                try:
                    finding_line = positions(node).line
                except KeyError:
                    finding_line = anchor.line
                if supp is not None and supp.match(ss.saving.code, finding_line, call_line) is not None:
                    continue
                savings.append(ss)
    return _FileEstimate(sites, savings)


def estimate_source(source: str, *, path: str = "<string>", catalog: Catalog, calls_per_day: int | None = None,
                    rules: Sequence[Any] | None = None, options: Mapping[str, Any] | None = None
                    ) -> list[SiteEstimate]:
    """Parse ``source`` and estimate its call sites (raises ``libcst.ParserSyntaxError``)."""
    import libcst as cst

    return estimate_module(cst.parse_module(source), source, path=path, catalog=catalog,
                           calls_per_day=calls_per_day, rules=rules, options=options).sites


def _estimate_file(data: bytes, path: str, catalog: Catalog, calls_per_day: int | None,
                   rules: Sequence[Any] | None, options: Mapping[str, Any]) -> _FileEstimate:
    import libcst as cst

    from pytest_tokenbudget.lint.engine import _decode, _precheck, _too_big

    cell_of = None
    too_big = _too_big(len(data), path, options, "it is")
    if too_big is not None and too_big.error is not None:
        return _FileEstimate([], [], too_big.error.message)
    try:
        if path.endswith(".ipynb"):
            from pytest_tokenbudget.lint.notebook import NotebookError, notebook_source

            try:
                nb = notebook_source(data)
            except NotebookError as exc:
                return _FileEstimate([], [], f"cannot parse notebook: {exc}")
            text, cell_of = nb.code, nb.locate
        else:
            text = _decode(data)
    except (UnicodeDecodeError, LookupError, SyntaxError) as exc:
        return _FileEstimate([], [], f"cannot decode: {exc}")
    problem = _precheck(text, path, cell_of)  # what Python cannot compile, or nesting the analyser refuses
    if problem is not None:
        return _FileEstimate([], [], problem.message)
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "invalid syntax"
        return _FileEstimate([], [], f"cannot parse (line {exc.raw_line}): {first}")
    except Exception as exc:  # noqa: BLE001 - libcst raises other errors on odd input
        return _FileEstimate([], [], f"cannot parse: {exc}")
    return estimate_module(module, text, path=path, catalog=catalog, calls_per_day=calls_per_day, rules=rules,
                           options=options, cell_of=cell_of)


def saving_rules(settings: Any = None) -> tuple[list[Any], list[str]]:
    """Instances of the installed saving-bearing rules enabled by ``settings``, and notes on the rest."""
    from pytest_tokenbudget.lint.rule import registry

    notes: list[str] = []
    try:
        reg = registry()
    except Exception as exc:  # noqa: BLE001 - a broken rule family must not break the cost map
        return [], [f"lint rules could not be loaded ({type(exc).__name__}: {exc}): no savings"]
    selection = None
    if settings is not None:
        from pytest_tokenbudget.lint.engine import _selection

        selection = _selection(settings)
    rules = []
    for code in SAVING_CODES:
        cls = reg.get(code)
        if cls is None:
            notes.append(f"{code} is not installed: no savings for it")
        elif selection is not None and not selection.enabled(code):
            notes.append(f"{code} is not selected by the lint configuration")
        else:
            rules.append(cls())
    return rules, notes


def estimate_paths(paths: Iterable[str], settings: Any, *, calls_per_day: int | None = None,
                   savings: bool = False) -> EstimateReport:
    """Estimate every call site under ``paths`` (files and folders, discovered as ``tokenbudget lint``
    does; ``settings`` is the lint :class:`~.engine.LintSettings`)."""
    from pathlib import Path

    from pytest_tokenbudget.core.tokens import get_estimator
    from pytest_tokenbudget.lint.discover import DEFAULT_EXCLUDE, discover
    from pytest_tokenbudget.lint.engine import FileError, _default_catalog, _display, _per_file_ignored, _read_file
    from pytest_tokenbudget.lint.prefilter import may_contain_calls

    catalog = settings.catalog or _default_catalog()
    rules, notes = saving_rules(settings) if savings else (None, [])
    files = discover(paths, root=settings.root,
                     exclude=settings.exclude if settings.exclude is not None else DEFAULT_EXCLUDE,
                     extend_exclude=settings.extend_exclude, respect_gitignore=settings.respect_gitignore,
                     force_exclude=settings.force_exclude)
    sites: list[SiteEstimate] = []
    found: list[SiteSaving] = []
    errors: list[tuple[str, str]] = []
    for f in files:
        shown = _display(str(f))
        read = _read_file(str(f))  # FIFOs, devices and link loops are diagnosed, never read
        if isinstance(read, FileError):
            errors.append((shown, read.message))
            continue
        data, _ = read
        is_nb = shown.endswith(".ipynb")
        if not may_contain_calls(data.replace(b"\\n", b"\n") if is_nb else data):
            continue
        file_rules = rules
        if rules:
            ignored = _per_file_ignored(settings, Path(f))
            file_rules = [r for r in rules if not any(r.code.startswith(c) for c in ignored)]
        res = _estimate_file(data, shown, catalog, calls_per_day, file_rules, settings.options)
        if res.error:
            errors.append((shown, res.error))
        sites.extend(res.sites)
        found.extend(res.savings)
    return EstimateReport(sites, get_estimator().method, errors, calls_per_day,
                          found if savings else None, notes)


# ----------------------------------------------------------------------------- totals and report
@dataclass(frozen=True)
class Totals:
    """One call of each site in a group, and projections for the sites with a calls-per-day."""

    sites: int
    unpriced: int
    best: Figure
    worst: Figure
    projected_sites: int
    daily_best: Figure
    daily_worst: Figure

    @property
    def monthly_best(self) -> Figure:
        return self.daily_best.scaled(DAYS_PER_MONTH)

    @property
    def monthly_worst(self) -> Figure:
        return self.daily_worst.scaled(DAYS_PER_MONTH)

    @classmethod
    def of(cls, sites: Sequence[SiteEstimate]) -> Totals:
        projected = [s for s in sites if s.calls_per_day is not None]
        return cls(
            sites=len(sites),
            unpriced=sum(1 for s in sites if s.worst.usd is None),
            best=Figure.total(s.best for s in sites),
            worst=Figure.total(s.worst for s in sites),
            projected_sites=len(projected),
            daily_best=Figure.total(s.daily_best for s in projected),  # type: ignore[misc]
            daily_worst=Figure.total(s.daily_worst for s in projected),  # type: ignore[misc]
        )

    def as_json(self) -> dict[str, Any]:
        out = {"sites": self.sites, "unpriced": self.unpriced, "best_per_call": self.best.as_json(),
               "worst_per_call": self.worst.as_json()}
        if self.projected_sites:
            out["projected_sites"] = self.projected_sites
            out["daily"] = {"best": self.daily_best.as_json(), "worst": self.daily_worst.as_json()}
            out["monthly"] = {"days": DAYS_PER_MONTH, "best": self.monthly_best.as_json(),
                              "worst": self.monthly_worst.as_json()}
        return out


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


@dataclass(frozen=True)
class SiteSaving:
    """A saving attached to a call site in ``tokenbudget estimate --savings``."""

    site: SiteEstimate
    saving: Saving
    message: str = ""  # the finding's message, when it came from a rule
    node: Any = field(default=None, repr=False, compare=False)  # what the finding points at

    @property
    def daily(self) -> Decimal | None:
        n = self.site.calls_per_day
        return None if n is None else self.saving.per_call * n

    def as_json(self) -> dict[str, Any]:
        out = {"path": self.site.path, "line": self.site.line, "column": self.site.column,
               "cell": self.site.cell, "code": self.saving.code, "per_call_usd": money_str(self.saving.per_call),
               "lower_bound": self.saving.lower_bound, "saving": self.saving.sentence,
               "basis": dict(self.saving.basis), "finding": self.message or None}
        if self.daily is not None:
            out["daily_usd"] = money_str(self.daily)
            out["monthly_usd"] = money_str(self.daily * DAYS_PER_MONTH)
        return out


@dataclass
class EstimateReport:
    """Every site estimate of a run, with unreadable files and the estimator used."""

    sites: list[SiteEstimate]
    estimator: str
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    calls_per_day: int | None = None
    savings: list[SiteSaving] | None = None
    savings_notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sites = sorted(self.sites, key=SiteEstimate.sort_key)
        if self.savings is not None:
            self.savings = sorted(self.savings, key=lambda s: (-s.saving.per_call, s.site.path, s.site.line))

    def all_savings_notes(self) -> list[str]:
        """Notes on the savings view: rules not installed, and overlapping savings on one call."""
        notes = list(self.savings_notes)
        per_site: dict[tuple[str, int, int], int] = {}
        for ss in self.savings or ():
            key = (ss.site.path, ss.site.line, ss.site.column)
            per_site[key] = per_site.get(key, 0) + 1
        if any(n > 1 for n in per_site.values()):
            notes.append("savings on the same call overlap (each is measured against the call as written): "
                         "do not add them up")
        return notes

    def by_file(self) -> dict[str, Totals]:
        groups: dict[str, list[SiteEstimate]] = {}
        for s in self.sites:
            groups.setdefault(s.path, []).append(s)
        return {k: Totals.of(v) for k, v in sorted(groups.items(), key=lambda kv: _group_key(kv[1]))}

    def by_model(self) -> dict[str, Totals]:
        groups: dict[str, list[SiteEstimate]] = {}
        for s in self.sites:
            groups.setdefault(s.model_label, []).append(s)
        return {k: Totals.of(v) for k, v in sorted(groups.items(), key=lambda kv: _group_key(kv[1]))}

    def total(self) -> Totals:
        return Totals.of(self.sites)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "version": 1,
            "estimator": self.estimator,
            "calls_per_day": self.calls_per_day,
            "sites": [s.as_json() for s in self.sites],
            "totals": {
                "all": self.total().as_json(),
                "files": {k: v.as_json() for k, v in self.by_file().items()},
                "models": {k: v.as_json() for k, v in self.by_model().items()},
            },
            "errors": [{"path": p, "reason": r} for p, r in self.errors],
        }
        if self.savings is not None:
            out["savings"] = [s.as_json() for s in self.savings]
            out["savings_notes"] = self.all_savings_notes()
        return out


def _group_key(sites: Sequence[SiteEstimate]) -> tuple:
    t = Figure.total(s.worst for s in sites)
    return (-(t.usd or _ZERO),)


# ----------------------------------------------------------------------------- savings
def cheaper_model(info: ModelInfo, catalog: Catalog) -> ModelInfo | None:
    """The model TB301 suggests instead of ``info`` (the rule's own choice, so figures agree)."""
    try:
        from pytest_tokenbudget.lint.rules.model import cheaper_alternative
    except ImportError:  # the model rules are not installed: no TB301 figure
        return None
    return cheaper_alternative(catalog, info)


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
    * TB204: ``max_tokens`` lowered to ``short-answer-max-tokens`` (default 64): the worst case
      drops by (max_tokens - limit) output tokens.
    * TB301: the cheaper model of the same generation (``options["target-model"]`` when the rule
      names one): the difference of the two worst cases.
    * TB401: the Message Batches API: the worst case at 0.5x.

    Batch, fast-mode and geo modifiers the call already has are applied to both sides.
    """
    options = options or {}
    info, _, _ = _model_of(call, catalog)
    if info is None:
        return None
    kw, mod_unknowns, _ = _modifiers(call)
    lower_mods = bool(mod_unknowns)
    if code == "TB101":
        if call.sdk != "anthropic":
            return None
        blocks = request_blocks(call)
        prefix = static_prefix(blocks)
        tokens = prefix_tokens(prefix)
        if not tokens or (info.min_cacheable is not None and tokens < info.min_cacheable):
            return None
        total = max(prefix_tokens(blocks.items), tokens)
        plain = _price_or_none(info.id, Usage(input_tokens=total), kw, catalog)
        cached = _price_or_none(info.id, Usage(input_tokens=total - tokens, cache_read_tokens=tokens), kw, catalog)
        write = _price_or_none(info.id, Usage(input_tokens=total - tokens, cache_write_5m_tokens=tokens), kw, catalog)
        if plain is None or cached is None or plain <= cached:
            return None
        per_call = plain - cached
        extra = f" (the first call pays {fmt_usd(write - plain)} more to write it)" if write is not None else ""
        sections = "+".join(dict.fromkeys(b.section for b in prefix))
        return Saving(code, per_call,
                      f"caching this {tokens:,}-token prefix ({sections}) saves {fmt_usd(per_call)} per call "
                      f"after the first{extra}",
                      lower_mods,
                      {"prefix_tokens": tokens, "first_call_extra_usd": money_str(write - plain) if write else None})
    if code == "TB204":
        limit = options.get("short-answer-max-tokens", 64)
        mt = call.max_tokens
        if mt is None or not isinstance(limit, int) or mt <= limit:
            return None
        hi = _price_or_none(info.id, Usage(output_tokens=mt), kw, catalog)
        lo = _price_or_none(info.id, Usage(output_tokens=limit), kw, catalog)
        if hi is None or lo is None or hi <= lo:
            return None
        per_call = hi - lo
        return Saving(code, per_call,
                      f"lowering max_tokens from {mt:,} to {limit:,} cuts the worst case by {fmt_usd(per_call)} "
                      f"per call", lower_mods, {"max_tokens": mt, "limit": limit})
    est = estimate if estimate is not None else estimate_call(call, catalog)
    if est.worst_usage is None or est.worst.usd is None:
        return None
    if code == "TB301":
        target_id = options.get("target-model")
        target = catalog.find(target_id) if isinstance(target_id, str) else cheaper_model(info, catalog)
        if target is None or target.id == info.id:
            return None
        other = _price_or_none(target.id, est.worst_usage, kw, catalog)
        if other is None or other >= est.worst.usd:
            return None
        per_call = est.worst.usd - other
        ratio = other / est.worst.usd
        return Saving(code, per_call,
                      f"{target.id} instead of {info.id} ({_ratio_text(ratio)} the price) cuts the worst case "
                      f"by {'≥ ' if est.worst.lower_bound else ''}{fmt_usd(per_call)} per call",
                      est.worst.lower_bound, {"target_model": target.id, "price_ratio": money_str(ratio)})
    if code == "TB401":
        if call.batch or kw.get("speed") == "fast":
            return None
        batched = _price_or_none(info.id, est.worst_usage, {**kw, "batch": True}, catalog)
        if batched is None or batched >= est.worst.usd:
            return None
        per_call = est.worst.usd - batched
        best_part = ""
        basis: dict[str, Any] = {"batch_multiplier": money_str(catalog.batch_multiplier)}
        if est.best.usd is not None and est.best_usage is not None:
            best_b = _price_or_none(info.id, est.best_usage, {**kw, "batch": True}, catalog)
            if best_b is not None:
                best_part = f", {fmt_usd(est.best.usd - best_b)} in the best case"
                basis["best_case_usd"] = money_str(est.best.usd - best_b)
        pct = (1 - catalog.batch_multiplier) * 100
        return Saving(code, per_call,
                      f"the Message Batches API ({pct.normalize():f}% off) saves "
                      f"{'≥ ' if est.worst.lower_bound else ''}{fmt_usd(per_call)} per call in the worst case"
                      f"{best_part}", est.worst.lower_bound, basis)
    return None


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


def savings_for_site(est: SiteEstimate, catalog: Catalog, options: Mapping[str, Any],
                     rules: Iterable[Any]) -> list[SiteSaving]:
    """Run the saving-bearing ``rules`` on ``est``'s call site and price each finding."""
    from pytest_tokenbudget.lint.rule import RuleContext

    call = est.call
    if call is None:
        return []
    ctx = RuleContext(catalog=catalog, options=options, path=est.path)
    out: list[SiteSaving] = []
    for rule in rules:
        try:
            if not rule.applies_to(call):
                continue
            reports = list(rule.check(call, ctx))
        except Exception:  # noqa: BLE001 - a rule bug must not break the cost map
            continue
        if not reports:
            continue
        extra = {}
        props = reports[0].properties or {}
        target = props.get("suggested_model") if rule.code == "TB301" else None
        if isinstance(target, str):
            extra["target-model"] = target
        s = saving_for(rule.code, call, catalog, {**options, **extra}, estimate=est)
        if s is not None:
            out.append(SiteSaving(est, s, reports[0].message, reports[0].node))
    return out
