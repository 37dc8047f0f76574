"""``tokenbudget prices`` and ``tokenbudget cost``: the catalog and the cost engine by hand."""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal

from pytest_tokenbudget.core.catalog import Catalog, ModelInfo
from pytest_tokenbudget.core.config import load_config
from pytest_tokenbudget.core.cost import price
from pytest_tokenbudget.core.money import decimal_str, format_usd
from pytest_tokenbudget.core.text import table
from pytest_tokenbudget.core.usage import Usage

_PRICE_COLUMNS = (("input", "input"), ("cache-write-5m", "5m write"), ("cache-write-1h", "1h write"),
                  ("cache-read", "cache read"), ("output", "output"))
_LIMIT_COLUMNS = (("max-output", "max out"), ("context-window", "context"), ("min-cacheable", "min cache"))


def _non_negative(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of tokens") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"{n} is negative: token counts are >= 0")
    return n


def add_prices_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("model", nargs="?", help="show one model in full (any id spelling: dated, Bedrock, Vertex ...)")
    p.add_argument("--format", choices=("text", "json"), default="text")


def add_cost_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("model", help="model id (any spelling the catalog normalises)")
    p.add_argument("--input", type=_non_negative, default=0, metavar="N", help="uncached input tokens")
    p.add_argument("--output", type=_non_negative, default=0, metavar="N", help="output tokens")
    p.add_argument("--cache-write-5m", type=_non_negative, default=0, metavar="N")
    p.add_argument("--cache-write-1h", type=_non_negative, default=0, metavar="N")
    p.add_argument("--cache-read", type=_non_negative, default=0, metavar="N")
    p.add_argument("--web-search", type=_non_negative, default=0, metavar="N", help="web search requests")
    p.add_argument("--batch", action="store_true", help="Message Batches pricing (50%%)")
    p.add_argument("--speed", choices=("standard", "fast"), default=None)
    p.add_argument("--geo", metavar="REGION", default=None, help="inference_geo, e.g. us (1.1x on 4.6+)")
    p.add_argument("--format", choices=("text", "json"), default="text")


def _cell(m: ModelInfo, key: str) -> str:
    value = getattr(m, key.replace("-", "_"))
    if value is None:
        return "?"
    text = format_usd(value) if isinstance(value, Decimal) else f"{value:,}"
    return text + ("*" if key in m.unconfirmed else "")


def _row_json(m: ModelInfo) -> dict:
    out: dict = {"id": m.id, "aliases": list(m.aliases), "family": m.family, "tier": m.tier,
                 "lifecycle": m.lifecycle}
    for key, _ in _PRICE_COLUMNS + (("fast-input", ""), ("fast-output", "")):
        v = m.price_of(key)
        out[key] = None if v is None else decimal_str(v)
    for key, _ in _LIMIT_COLUMNS + (("batch-max-output", ""),):
        out[key] = getattr(m, key.replace("-", "_"))
    out["geo"] = {k: decimal_str(v) for k, v in m.geo.items()}
    if m.prompt_tier:
        out["prompt-tier"] = {"above": m.prompt_tier.above, **{k: decimal_str(v) for k, v in m.prompt_tier.prices.items()}}
    out["prefill"] = m.prefill
    for key in ("released", "deprecated", "retires", "checked"):
        v = getattr(m, key)
        out[key] = v.isoformat() if v else None
    out.update(unconfirmed=sorted(m.unconfirmed), source=m.source, notes=m.notes, origin=m.origin)
    return out


def _lifecycle(m: ModelInfo) -> str:
    if m.retires and m.lifecycle in ("deprecated", "retired"):
        return f"{m.lifecycle} {m.retires.isoformat()}"
    return m.lifecycle


def _table(catalog: Catalog) -> str:
    header = ["model", *(h for _, h in _PRICE_COLUMNS), *(h for _, h in _LIMIT_COLUMNS), "lifecycle"]
    rows = [[m.id, *(_cell(m, k) for k, _ in _PRICE_COLUMNS), *(_cell(m, k) for k, _ in _LIMIT_COLUMNS),
             _lifecycle(m)] for m in catalog]
    lines = table(rows, headers=header, right=range(1, len(header) - 1), rule=True)
    checked = catalog.checked.isoformat() if catalog.checked else "?"
    lines += ["", f"Prices in USD per million tokens; catalog checked {checked}; sources: {', '.join(catalog.sources)}.",
              "* = unconfirmed (third-party or inferred, not an official page); ? = unknown.",
              "Batch API: 50% of every token price. Override or add a model under [tool.tokenbudget.models.\"<id>\"]."]
    return "\n".join(lines)


def _detail(m: ModelInfo) -> str:
    data = _row_json(m)
    lines = [f"{m.id}"]
    for key, value in data.items():
        if key == "id" or value in (None, "", [], {}):
            continue
        shown = ", ".join(value) if isinstance(value, list) else value
        mark = " (unconfirmed)" if key in m.unconfirmed else ""
        lines.append(f"  {key:<18} {shown}{mark}")
    return "\n".join(lines)


def run_prices(args: argparse.Namespace) -> int:
    catalog = load_config().catalog
    if args.model:
        m = catalog.lookup(args.model)
        print(json.dumps(_row_json(m), indent=2) if args.format == "json" else _detail(m))
        return 0
    if args.format == "json":
        print(json.dumps({"checked": catalog.checked.isoformat() if catalog.checked else None,
                          "sources": list(catalog.sources), "models": [_row_json(m) for m in catalog]}, indent=2))
    else:
        print(_table(catalog))
    return 0


def run_cost(args: argparse.Namespace) -> int:
    catalog = load_config().catalog
    usage = Usage(input_tokens=args.input, output_tokens=args.output, cache_write_5m_tokens=args.cache_write_5m,
                  cache_write_1h_tokens=args.cache_write_1h, cache_read_tokens=args.cache_read,
                  web_search_requests=args.web_search)
    cost = price(args.model, usage, batch=args.batch, speed=args.speed, geo=args.geo, catalog=catalog)
    info = catalog.lookup(args.model)
    if args.format == "json":
        print(json.dumps(cost.as_json(), indent=2))
        return 0
    print(f"{cost.model}" + (f"  ({', '.join(cost.modifiers)})" if cost.modifiers else ""))
    for name, amount in cost.components().items():
        if amount:
            print(f"  {name.removesuffix('_usd').replace('_', ' '):<16} {format_usd(amount)}")
    print(f"  {'total':<16} {format_usd(cost.total_usd)}")
    if info.unconfirmed & {k for k, _ in _PRICE_COLUMNS}:
        print(f"note: unconfirmed price(s) for {info.id}: {', '.join(sorted(info.unconfirmed))}", file=sys.stderr)
    return 0
