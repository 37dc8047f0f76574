"""Pre-flight: the most a request can cost, before it is sent -- a true upper bound.

For a Messages / chat-completions / Responses request the worst case is the bill of the largest
usage consistent with the request:

- **input**: :func:`~pytest_tokenbudget.core.tokens.estimate_request_tokens`, an upper bound (the
  UTF-8 byte length, or ``min(bytes, 2 x cl100k)`` with a tokenizer; see :mod:`core.tokens`);
- **cache writes**: when the request marks anything with ``cache_control``, all of the input is
  priced at the write price of the longest TTL it names (``5m`` -- the default -- or ``1h``), or
  at the plain input price when that is higher. Cache reads are never assumed;
- **output**: ``max_tokens`` (else the model's maximum output), or the thinking ``budget_tokens``
  when that is larger (interleaved thinking may exceed ``max_tokens``);
- **server tools**: ``web_search`` used ``max_uses`` times at the catalog's fee per search, and
  :data:`UNBOUNDED_TOOL_USES` times when the tool sets no ``max_uses``; a code-execution tool adds
  :data:`CODE_EXECUTION_ALLOWANCE` (one container-hour);
- **premiums**: fast mode (``speed="fast"``) at the catalog's fast prices -- a model without them
  cannot be bounded, so the usd figure is unknown -- and ``inference_geo`` at its multiplier (a
  region the catalog does not list: the largest multiplier it lists for the model);
- the prompt-length price tier follows from the bounded input (the same arithmetic as billing);
- a Message Batch is the sum of its requests at the batch price.

Unknown models: ``worst_usd`` is ``None`` with the reason; :meth:`Preflight.unknown_model_usd`
gives the catalog-wide worst price (what ``unknown_model = "warn"`` charges).

Catalog seam: :func:`premium_prices` is the one place that reads
fast/geo premiums and :meth:`Preflight.tool_fees` the one that reads server-tool fees.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pytest_tokenbudget.core.catalog import Catalog, ModelInfo, UnknownModelError
from pytest_tokenbudget.core.cost import PricingError, price
from pytest_tokenbudget.core.model_ids import REGIONAL_BEDROCK_PREFIXES, bedrock_prefix
from pytest_tokenbudget.core.usage import Usage
from pytest_tokenbudget.plugin.capture.types import CallRequest
from pytest_tokenbudget.plugin.ledger.amounts import Amounts

__all__ = ["CODE_EXECUTION_ALLOWANCE", "FREE_ENDPOINTS", "Preflight", "Shape", "UNBOUNDED_TOOL_USES",
           "request_shape"]

FREE_ENDPOINTS = frozenset({"count_tokens", "batch_results"})  # results: charged as read (.batches)
# A web_search tool without max_uses: assumed used at most this many times in one request.
UNBOUNDED_TOOL_USES = 20
# A code-execution tool: one container-hour ($0.05/h, minimum 5 minutes; free with the 2026-02-09
# web tools) -- the execution time of one request cannot be known before it is sent.
CODE_EXECUTION_ALLOWANCE = Decimal("0.05")
_MEMO_MAX = 4096


class Shape(tuple):
    """What of a request body changes its price: (ttl, searches, code execution, thinking budget,
    speed, geo). A tuple, so it can key the memo."""

    __slots__ = ()

    ttl = property(lambda self: self[0])  # None (no cache_control) | "5m" | "1h"
    searches = property(lambda self: self[1])
    code_execution = property(lambda self: self[2])
    thinking = property(lambda self: self[3])
    speed = property(lambda self: self[4])
    geo = property(lambda self: self[5])


def _ttl_of(node: Any, found: str | None) -> str | None:
    """The longest cache TTL named by ``cache_control`` in the blocks of ``node``."""
    if isinstance(node, dict):
        cc = node.get("cache_control")
        if isinstance(cc, dict):
            found = "1h" if cc.get("ttl") == "1h" or found == "1h" else "5m"
            if found == "1h":
                return found
        content = node.get("content")
        if isinstance(content, list):
            found = _ttl_of(content, found)
    elif isinstance(node, list):
        for item in node:
            if isinstance(item, dict):
                found = _ttl_of(item, found)
                if found == "1h":
                    return found
    return found


def request_shape(body: dict[str, Any] | None) -> Shape:
    """The :class:`Shape` of a request body (cheap: it walks blocks, not text)."""
    if not body:
        return Shape((None, 0, False, 0, None, None))
    ttl = _ttl_of(body, None)
    for key in ("system", "tools", "messages"):
        if ttl != "1h" and isinstance(body.get(key), list):
            ttl = _ttl_of(body[key], ttl)
    searches, code = 0, False
    tools = body.get("tools")
    if isinstance(tools, list):
        for tool in tools:
            kind = tool.get("type") if isinstance(tool, dict) else None
            if not isinstance(kind, str):
                continue
            if kind.startswith("web_search"):
                uses = tool.get("max_uses")
                searches += uses if isinstance(uses, int) and uses >= 0 else UNBOUNDED_TOOL_USES
            elif kind.startswith("code_execution"):
                code = True
    thinking = body.get("thinking")
    budget = thinking.get("budget_tokens") if isinstance(thinking, dict) else None
    speed = body.get("speed") if isinstance(body.get("speed"), str) else None
    geo = body.get("inference_geo") if isinstance(body.get("inference_geo"), str) else None
    return Shape((ttl, searches, code, budget if isinstance(budget, int) else 0, speed, geo))


def regional_endpoint(request: CallRequest) -> bool | None:
    """True when the request goes to a regional endpoint, whose price carries the model's regional
    premium: a Bedrock regional inference profile (``us.anthropic.…``; the response then names the
    bare model) or a Vertex regional / multi-region location (not ``locations/global``)."""
    if bedrock_prefix(request.model or "") in REGIONAL_BEDROCK_PREFIXES:
        return True
    url = request.url or ""
    if "/publishers/anthropic/" in url and "/locations/" in url:
        return "/locations/global/" not in url
    return None




def premium_prices(info: ModelInfo, shape: Shape) -> tuple[str | None, str | None, str | None]:
    """(speed, geo, why unknown) to price ``shape`` on ``info`` at its worst. The catalog seam for
    fast mode and regional premiums: a region the catalog lacks is priced at the model's largest
    listed multiplier; fast mode without a published price is priced by :func:`price` at the
    highest documented fast multiplier (``worst_fast``), never at the standard price."""
    speed = "fast" if shape.speed == "fast" else None
    geo = shape.geo
    if geo is not None and geo not in info.geo:
        geo = max(info.geo, key=lambda g: info.geo[g]) if info.geo else None
    return speed, geo, None


class Preflight:
    """Worst-case costs of requests, priced with one catalog (memoised by request shape)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._memo: dict[tuple, tuple[Decimal | None, str | None]] = {}
        self._unknown_usd: dict[tuple[int, int, Shape], Decimal] = {}

    def input_bound(self, request: CallRequest) -> int:
        if request.input_estimate is not None:
            return request.input_estimate
        if request.body is None:
            return 0
        try:
            from pytest_tokenbudget.core.tokens import estimate_request_tokens
            return estimate_request_tokens(request.body)
        except Exception:  # a body the estimator cannot walk: its output bound still applies
            return 0

    def tool_fees(self, shape: Shape) -> Decimal:
        """Server-tool fees of the worst case (the catalog's per-search fee)."""
        fee = shape.searches * self.catalog.web_search_per_request
        return fee + CODE_EXECUTION_ALLOWANCE if shape.code_execution else fee

    def worst_usage(self, inp: int, out: int, shape: Shape) -> list[Usage]:
        """The candidate largest usages (the input as uncached, or written at the request's TTL)."""
        web = {"web_search_requests": shape.searches}
        cands = [Usage(input_tokens=inp, output_tokens=out, **web)]
        if shape.ttl == "1h":
            cands.append(Usage(cache_write_1h_tokens=inp, output_tokens=out, **web))
        elif shape.ttl == "5m":
            cands.append(Usage(cache_write_5m_tokens=inp, output_tokens=out, **web))
        return cands

    def worst_usd(self, info: ModelInfo, inp: int, out: int, shape: Shape, batch: bool = False,
                  model: str | None = None, regional: bool | None = None) -> tuple[Decimal | None, str | None]:
        """The most ``inp`` input and ``out`` output tokens of ``shape`` can cost on ``info``.

        ``model`` is the id as requested (a Bedrock regional profile ``us.anthropic.…`` carries the
        regional premium); ``regional`` is True for a regional endpoint read from the URL."""
        model = model or info.id
        key = (model, inp, out, shape, batch, regional)
        hit = self._memo.get(key)
        if hit is not None:
            return hit
        speed, geo, why = premium_prices(info, shape)
        usd: Decimal | None = None
        if why is None:
            usd, why = self._max_price(model, inp, out, shape, speed, geo, batch, regional)
        if len(self._memo) < _MEMO_MAX:
            self._memo[key] = (usd, why)
        return usd, why

    def _max_price(self, model: str, inp: int, out: int, shape: Shape, speed: str | None, geo: str | None,
                   batch: bool, regional: bool | None) -> tuple[Decimal | None, str | None]:
        why = None
        try:
            costs = [price(model, u, speed=speed, geo=geo, batch=batch, regional=regional, catalog=self.catalog,
                           worst_fast=True) for u in self.worst_usage(inp, out, shape)]
            why = next((f"{m} of the standard price" for c in costs for m in c.modifiers
                        if m.startswith("fast price")), None)
        except PricingError as exc:
            if speed is None:
                return None, str(exc)
            # speed=fast where the API rejects it: the call fails without a charge, so the standard
            # price is already an over-estimate
            try:
                costs = [price(model, u, geo=geo, batch=batch, regional=regional, catalog=self.catalog)
                         for u in self.worst_usage(inp, out, shape)]
            except PricingError as exc2:
                return None, str(exc2)
        usd = max(c.total_usd for c in costs)
        if shape.code_execution:
            usd += CODE_EXECUTION_ALLOWANCE
        return usd, why

    def output_bound(self, request: CallRequest, info: ModelInfo | None, shape: Shape,
                     batch: bool) -> int | None:
        out = request.max_tokens
        if out is None and info is not None:
            out = (info.batch_max_output or info.max_output) if batch else info.max_output
        if out is not None and shape.thinking > out:
            out = shape.thinking
        return out

    def lookup(self, model: str | None) -> tuple[ModelInfo | None, str | None]:
        if not model:
            return None, "the request names no model"
        try:
            return self.catalog.lookup(model), None
        except UnknownModelError as exc:
            return None, str(exc)

    def unknown_model_usd(self, inp: int, out: int | None, shape: Shape) -> Decimal:
        """What a call to a model the catalog lacks can cost at most: the bounded usage at the
        catalog's highest price of every kind (``unknown_model = "warn"`` charges this)."""
        out = out if out is not None else max((m.max_output or 0) for m in self.catalog)
        key = (inp, out, shape)
        hit = self._unknown_usd.get(key)
        if hit is not None:
            return hit
        top = {k: max((getattr(m, k) or Decimal(0)) for m in self.catalog)
               for k in ("input", "cache_write_5m", "cache_write_1h", "output", "fast_input", "fast_output")}
        geo = max((v for m in self.catalog for v in m.geo.values()), default=Decimal(1))
        tier = max((p for m in self.catalog if m.prompt_tier for p in m.prompt_tier.prices.values()),
                   default=Decimal(0))
        in_rate = max(top["input"], top["cache_write_5m"], top["cache_write_1h"], top["fast_input"], tier)
        out_rate = max(top["output"], top["fast_output"], tier)
        usd = (inp * in_rate + out * out_rate) * max(geo, Decimal(1)) / Decimal(1_000_000) + self.tool_fees(shape)
        if len(self._unknown_usd) < _MEMO_MAX:
            self._unknown_usd[key] = usd
        return usd

    def worst_case(self, request: CallRequest, *, batch: bool = False, inp: int | None = None,
                   shape: Shape | None = None) -> tuple[Amounts, str | None]:
        """The most ``request`` can cost: (amounts, why the usd figure is unknown, or None).
        ``inp`` and ``shape``: :meth:`input_bound` and :func:`request_shape`, when already known."""
        if request.endpoint in FREE_ENDPOINTS:
            return Amounts(), None
        if request.endpoint == "batches":
            return self._batch(request)
        inp = self.input_bound(request) if inp is None else inp
        shape = request_shape(request.body) if shape is None else shape
        info, why = self.lookup(request.model)
        out = self.output_bound(request, info, shape, batch)
        if out is None and why is None and info is not None:
            why = f"the request sets no max_tokens and the catalog has no max-output for {info.id}"
        usd: Decimal | None = None
        if info is not None and out is not None:
            usd, why = self.worst_usd(info, inp, out, shape, batch, request.model, regional_endpoint(request))
        return Amounts(usd=usd, input_tokens=inp, output_tokens=out, calls=1), why

    def _batch(self, request: CallRequest) -> tuple[Amounts, str | None]:
        """A Message Batch: the sum of its requests' worst cases, at the batch price."""
        items = (request.body or {}).get("requests")
        unknown = Amounts(usd=None, input_tokens=None, output_tokens=None, calls=1)
        if not isinstance(items, list):
            return unknown, "the batch body could not be read"
        total = Amounts(calls=len(items))  # each request is billed (and counted) as a call
        why = None
        for item in items:
            params = item.get("params") if isinstance(item, dict) else None
            if not isinstance(params, dict):
                return unknown, "a batch request has no params"
            mt = params.get("max_tokens")
            sub = CallRequest(api=request.api, endpoint="messages", url=request.url, model=params.get("model"),
                              max_tokens=mt if isinstance(mt, int) else None, stream=False, attempt=None,
                              body=params)
            w, w_why = self.worst_case(sub, batch=True)
            why = why or w_why
            total = total + Amounts(usd=w.usd, input_tokens=w.input_tokens, output_tokens=w.output_tokens)
        return total, why
