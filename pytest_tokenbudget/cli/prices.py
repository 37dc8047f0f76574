"""``tokenbudget prices`` and ``tokenbudget cost``: the catalog and the cost engine by hand.

Both take the day to look at (``--on``, default today): prices are the ones in force that day and
the lifecycle is the verdict of that day, so a model whose retirement date has passed is shown as
retired, with the model to use instead.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import sys
from decimal import Decimal

from pytest_tokenbudget.core.catalog import PLATFORMS, Catalog, ModelInfo, PromptTier, today
from pytest_tokenbudget.core.config import load_config
from pytest_tokenbudget.core.cost import Cost, price
from pytest_tokenbudget.core.lifecycle import lifecycle_label, lifecycle_sentence
from pytest_tokenbudget.core.money import decimal_str, format_usd
from pytest_tokenbudget.core.text import plural, table
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


def _day(text: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--on", type=_day, default=None, metavar="YYYY-MM-DD",
                   help="the day to price and judge the lifecycle on (default: today)")
    p.add_argument("--platform", choices=PLATFORMS, default="api",
                   help="whose lifecycle to show: the Claude API (default), Bedrock or Vertex")
    p.add_argument("--format", choices=("text", "json"), default="text")


def add_prices_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("model", nargs="?", help="show one model in full (any id spelling: dated, Bedrock, Vertex ...)")
    p.add_argument("--all", action="store_true", help="include retired models (hidden by default)")
    _common(p)


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
    p.add_argument("--regional", action="store_true",
                   help="a regional endpoint (Vertex regional / multi-region); Bedrock us./eu./jp./au./apac. "
                        "ids are recognised by themselves")
    _common(p)


def _cell(m: ModelInfo, key: str) -> str:
    value = getattr(m, key.replace("-", "_"))
    if value is None:
        return "?"
    text = format_usd(value) if isinstance(value, Decimal) else f"{value:,}"
    return text + ("*" if key in m.unconfirmed else "")


def _money(v: Decimal | None) -> str | None:
    return None if v is None else decimal_str(v)


def _plain(v: object) -> object:
    """A catalog value as JSON: decimals as strings, a prompt tier as a table."""
    if isinstance(v, Decimal):
        return decimal_str(v)
    if isinstance(v, PromptTier):
        return {"above": v.above, **{k: decimal_str(p) for k, p in v.prices.items()}}
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    return v


def _text(v: object) -> str:
    if isinstance(v, dict):
        return ", ".join(f"{k} {_text(x)}" for k, x in v.items())
    if isinstance(v, list):
        return ", ".join(str(x) for x in v)
    return str(v)


def _lifecycle_json(catalog: Catalog, m: ModelInfo, day: _dt.date) -> dict:
    out: dict = {}
    for plat in PLATFORMS:
        st = m.status(day, plat)
        out[plat] = {"state": st.state, **{k.replace("_", "-"): getattr(st, k).isoformat()
                                            for k in ("deprecated", "retired", "not_before") if getattr(st, k) is not None}}
        if st.replacement:
            out[plat]["replacement"] = st.replacement
    new = catalog.successor(m, day)
    out["successor"] = new.id if new else None
    return out


def _row_json(catalog: Catalog, row: ModelInfo, day: _dt.date) -> dict:
    m = row.on(day)
    out: dict = {"id": m.id, "name": m.name, "aliases": list(m.aliases), "family": m.family, "tier": m.tier,
                 "lifecycle": m.status(day).state, "prices-on": day.isoformat(), "period": m.period}
    for key, _ in _PRICE_COLUMNS + (("fast-input", ""), ("fast-output", "")):
        out[key] = _money(m.price_of(key))
    out["fast-mode"] = m.fast_mode
    for key, _ in _LIMIT_COLUMNS + (("batch-max-output", ""),):
        out[key] = getattr(m, key.replace("-", "_"))
    out["geo"] = {k: decimal_str(v) for k, v in m.geo.items()}
    out["regional"] = _money(m.regional)
    if m.prompt_tier:
        out["prompt-tier"] = _plain(m.prompt_tier)
    out["prefill"] = m.prefill
    for key in ("released", "checked"):
        v = getattr(m, key)
        out[key] = v.isoformat() if v else None
    out.update(_lifecycle_json(catalog, row, day))
    out["history"] = [{"until": p.until.isoformat(), "source": p.source, "unconfirmed": sorted(p.unconfirmed),
                       **{k.replace("_", "-"): _plain(v) for k, v in p.values.items()}} for p in row.periods]
    out.update(unconfirmed=sorted(m.unconfirmed), source=m.source, notes=m.notes, origin=m.origin)
    return out


def _table(catalog: Catalog, day: _dt.date, platform: str, show_all: bool) -> str:
    header = ["model", *(h for _, h in _PRICE_COLUMNS), *(h for _, h in _LIMIT_COLUMNS), "lifecycle", "use instead"]
    shown = [m for m in catalog if show_all or m.status(day, platform).state != "retired"]
    rows = []
    for row in shown:
        m = row.on(day)
        new = catalog.successor(row, day) if m.status(day, platform).state in ("deprecated", "retired") else None
        rows.append([m.id, *(_cell(m, k) for k, _ in _PRICE_COLUMNS), *(_cell(m, k) for k, _ in _LIMIT_COLUMNS),
                     lifecycle_label(row, on=day, platform=platform), new.id if new else ""])
    lines = table(rows, headers=header, right=range(1, len(header) - 2), rule=True)
    checked = catalog.checked.isoformat() if catalog.checked else "?"
    hidden = len(catalog) - len(shown)
    where = "" if platform == "api" else f" on {platform}"
    lines += ["", f"Prices in USD per million tokens on {day.isoformat()}, lifecycle{where} as of that day; "
                  f"catalog checked {checked}; sources: {', '.join(catalog.sources)}.",
              "* = unconfirmed (third-party or inferred, not an official page); ? = unknown.",
              "Batch API: 50% of every token price. Override or add a model under [tool.tokenbudget.models.\"<id>\"]."]
    if hidden:
        lines.append(f"{plural(hidden, 'retired model')} not shown: tokenbudget prices --all lists them.")
    return "\n".join(lines)


def _detail(catalog: Catalog, row: ModelInfo, day: _dt.date, platform: str) -> str:
    data = _row_json(catalog, row, day)
    m = row.on(day)
    lines = [f"{m.id}" + (f"  ({m.name})" if m.name else "")]
    sentence = lifecycle_sentence(catalog, row, on=day, platform=platform)
    if sentence:
        lines.append(f"  {sentence}")
    for key, value in data.items():
        if key in ("id", "name", "history") or value in (None, "", [], {}):
            continue
        shown = _text(value)
        mark = " (unconfirmed)" if key in m.unconfirmed else ""
        lines.append(f"  {key:<18} {shown}{mark}")
    for p in data["history"]:
        prices = ", ".join(f"{k} {_text(v)}" for k, v in p.items() if k not in ("until", "source", "unconfirmed"))
        lines.append(f"  until {p['until']}: {prices}" + (" (unconfirmed)" if p["unconfirmed"] else "")
                     + (f" [{p['source']}]" if p["source"] else ""))
    return "\n".join(lines)


def run_prices(args: argparse.Namespace) -> int:
    catalog = load_config().catalog
    day = args.on or today()
    if args.model:
        m = catalog.lookup(args.model)
        print(json.dumps(_row_json(catalog, m, day), indent=2) if args.format == "json"
              else _detail(catalog, m, day, args.platform))
        return 0
    if args.format == "json":
        models = [m for m in catalog if args.all or m.status(day, args.platform).state != "retired"]
        print(json.dumps({"checked": catalog.checked.isoformat() if catalog.checked else None, "on": day.isoformat(),
                          "sources": list(catalog.sources), "models": [_row_json(catalog, m, day) for m in models]},
                         indent=2))
    else:
        print(_table(catalog, day, args.platform, args.all))
    return 0


def _cost(args: argparse.Namespace, catalog: Catalog, day: _dt.date) -> Cost:
    usage = Usage(input_tokens=args.input, output_tokens=args.output, cache_write_5m_tokens=args.cache_write_5m,
                  cache_write_1h_tokens=args.cache_write_1h, cache_read_tokens=args.cache_read,
                  web_search_requests=args.web_search)
    return price(args.model, usage, batch=args.batch, speed=args.speed, geo=args.geo,
                 regional=True if args.regional else None, on=day, catalog=catalog, worst_fast=True)


def run_cost(args: argparse.Namespace) -> int:
    catalog = load_config().catalog
    day = args.on or today()
    row = catalog.lookup(args.model)
    cost = _cost(args, catalog, day)
    info = row.on(day)
    sentence = lifecycle_sentence(catalog, row, on=day, platform=args.platform)
    if args.format == "json":
        data = cost.as_json()
        data.update(on=day.isoformat(), lifecycle=_lifecycle_json(catalog, row, day), note=sentence)
        print(json.dumps(data, indent=2))
        return 0
    print(f"{cost.model}" + (f"  ({', '.join(cost.modifiers)})" if cost.modifiers else ""))
    for name, amount in cost.components().items():
        if amount:
            print(f"  {name.removesuffix('_usd').replace('_', ' '):<16} {format_usd(amount)}")
    exact = decimal_str(cost.total_usd)
    shown = format_usd(cost.total_usd)
    print(f"  {'total':<16} {shown}" + ("" if shown == f"${exact}" else f"  (exactly ${exact})"))
    if sentence:
        print(f"note: {sentence}")
    worst = next((m for m in cost.modifiers if m.startswith("fast price unpublished")), None)
    if worst:
        print(f"note: {info.id} offers fast mode but no fast price is published: this is a worst case at the "
              f"highest documented fast multiplier ({decimal_str(catalog.max_fast_multiplier)}x the standard price)",
              file=sys.stderr)
    if info.unconfirmed & {k for k, _ in _PRICE_COLUMNS}:
        print(f"note: unconfirmed price(s) for {info.id}: {', '.join(sorted(info.unconfirmed))}", file=sys.stderr)
    return 0
