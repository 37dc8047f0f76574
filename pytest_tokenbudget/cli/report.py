"""``tokenbudget report``: render a saved ``--token-budget-json`` report, merge shards, compare runs.

::

    tokenbudget report run.json                              # render (text, json or markdown)
    tokenbudget report --merge shard1.json shard2.json ...   # one run from several CI shards
    tokenbudget report run.json --compare base.json          # per-test cost deltas vs a baseline
    tokenbudget report --merge shard*.json --session-budget 5 --format markdown -o summary.md

Exit codes: 0 fine; 1 when ``--session-budget`` is exceeded by the (merged) total, or could not be
checked because some calls could not be priced, or when ``--compare`` finds tests that got more
expensive beyond ``--max-increase`` (and, with ``--fail-on-decrease``, much cheaper ones); 2 on
bad input: a file that is not JSON or not a report, a report version this tool does not know, the
same run given twice, a test id in more than one shard (unless ``--allow-duplicates``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from pytest_tokenbudget.core.errors import UserError
from pytest_tokenbudget.core.cost import money_str
from pytest_tokenbudget.plugin.ledger.ledger import fmt_usd
from pytest_tokenbudget.report import baseline as bl
from pytest_tokenbudget.report.json_report import ReportError, load_report

__all__ = ["add_report_arguments", "run_report", "render_text", "session_verdict"]

DEFAULT_TOP = 10


def add_report_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("report", nargs="?", metavar="PATH", help="a --token-budget-json report")
    p.add_argument("--merge", nargs="+", metavar="SHARD", default=[],
                   help="combine these reports (and PATH, if given) into one run")
    p.add_argument("--allow-duplicates", action="store_true",
                   help="when merging, add up a test that ran in several shards instead of refusing")
    p.add_argument("--compare", metavar="OTHER",
                   help="compare with a baseline (a --token-budget-save file or an older report)")
    p.add_argument("--max-increase", metavar="PCT", default=None,
                   help="with --compare: allowed cost increase per test, e.g. 20%% (default 20%%)")
    p.add_argument("--min-change", metavar="USD", default=None,
                   help="with --compare: cost changes smaller than this never count (default 0.0001)")
    p.add_argument("--fail-on-decrease", action="store_true",
                   help="with --compare: also exit 1 when tests got much cheaper (refresh the baseline)")
    p.add_argument("--session-budget", metavar="USD", default=None,
                   help="exit 1 when the (merged) run's total is over this many dollars")
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    p.add_argument("--top", type=int, default=DEFAULT_TOP, metavar="N",
                   help=f"most expensive tests to show (0: all; default {DEFAULT_TOP})")
    p.add_argument("-o", "--output", metavar="FILE", help="write the output here instead of stdout")
    from pytest_tokenbudget.cli.store_report import add_store_arguments
    add_store_arguments(p)  # --store URL --run-id ID: the whole run from a shared store (issue 18)


def session_verdict(report: Mapping[str, Any], budget: Decimal) -> tuple[str, str]:
    """(``ok`` | ``exceeded`` | ``unknown``, one line) for a session budget over a report's total.

    The total is what the budgets were charged (``totals.charged``: priced cost, unknown usage at
    its worst case, replayed calls included unless the run said otherwise). Calls that could not
    be priced make the total a lower bound: then the budget cannot be confirmed, which fails."""
    charged = report["totals"].get("charged") or {}
    usd = charged.get("usd")
    unpriced = sum(int(report["totals"][k].get("unpriced", 0)) for k in ("live", "replayed"))
    if usd is None:
        return "unknown", f"session budget {fmt_usd(budget)}: the total could not be bounded (some calls have no price)"
    total = Decimal(usd)
    live = Decimal(report["totals"]["live"]["cost_usd"])
    how = "" if total == live else (f" (live {fmt_usd(live)}; counted as budgets count: replayed calls at their "
                                    "live price, unknown usage at its worst case)")
    if total > budget:
        pct = ((total - budget) * 100 / budget).quantize(Decimal(1)) if budget else None
        over = f"{pct}% over" if pct is not None else "nothing was allowed"
        return "exceeded", (f"session budget exceeded: spent {fmt_usd(total)} of a {fmt_usd(budget)} budget "
                            f"(+{fmt_usd(total - budget)}, {over}){how}")
    if unpriced:
        return "unknown", (f"session budget {fmt_usd(budget)}: {unpriced} call(s) could not be priced, so the "
                           f"total {fmt_usd(total)} is a lower bound and the budget cannot be confirmed")
    return "ok", f"session budget: spent {fmt_usd(total)} of {fmt_usd(budget)}{how}"


# ----------------------------------------------------------------------------- text
def _n(v: Any) -> str:
    return f"{int(v or 0):,}"


def _plural(n: Any, word: str) -> str:
    return f"{int(n or 0):,} {word}{'' if int(n or 0) == 1 else 's'}"


def _cost(t: Mapping[str, Any]) -> str:
    c = Decimal(t.get("cost_usd") or "0")
    if t.get("complete", True):
        return fmt_usd(c)
    return "$?" if c == 0 else fmt_usd(c) + "+?"


def _table(rows: list[list[str]], right: set[int]) -> list[str]:
    if not rows:
        return []
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(c.rjust(w) if i in right else c.ljust(w)
                             for i, (c, w) in enumerate(zip(r, widths))).rstrip() for r in rows]


def render_text(report: Mapping[str, Any], *, top: int = DEFAULT_TOP, comparison: bl.Comparison | None = None,
                verdict: str | None = None) -> str:
    run, totals = report["run"], report["totals"]
    live, replayed = totals["live"], totals["replayed"]
    lines = []
    head = f"token budget report, {run.get('created', '?')}, pytest-tokenbudget {run.get('tool_version', '?')}"
    if run.get("catalog_checked"):
        head += f", prices as of {run['catalog_checked']}"
    lines.append(head)
    if run.get("shards"):
        lines.append(f"merged from {len(run['shards'])} reports: " + ", ".join(s["source"] for s in run["shards"]))
    cost = fmt_usd(Decimal(live["cost_usd"])) + ("" if live.get("complete", True) else " (incomplete: a lower bound)")
    lines.append(f"live: {_plural(live['calls'], 'call')}, {_n(live.get('total_tokens'))} tokens (input "
                 f"{_n(live['input_tokens'])}, cache write {_n(live.get('cache_write_tokens'))}, cache read "
                 f"{_n(live.get('cache_read_tokens'))}, output {_n(live['output_tokens'])}), cost {cost}")
    rows = [["model", "calls", "input", "cache write", "cache read", "output", "cost"]]
    for m in report["models"]:
        t = m["live"]
        if t.get("calls"):
            rows.append([m["model"], _n(t["calls"]), _n(t["input_tokens"]), _n(t.get("cache_write_tokens")),
                         _n(t.get("cache_read_tokens")), _n(t["output_tokens"]), _cost(t)])
    if len(rows) > 1:
        lines += _table(rows, set(range(1, 7)))
    if replayed.get("calls"):
        lines.append(f"mocked/replayed (not live): {_plural(replayed['calls'], 'call')}, would cost "
                     f"{fmt_usd(Decimal(replayed['cost_usd']))} live")
    if totals.get("refused"):
        lines.append(f"refused before sending: {_plural(totals['refused'], 'call')}; nothing was sent")
    for why in run.get("incomplete_reasons", ()):
        lines.append(f"figures incomplete: {why}")
    for note in run.get("notes", ()):
        lines.append(f"note: {note}")
    if run.get("session_failure"):
        lines.append(f"run failed: {run['session_failure']}")
    tests = sorted((t for t in report["tests"] if t.get("calls")), key=lambda t: (-Decimal(t["cost_usd"]), t["nodeid"]))
    if tests:
        shown = tests if top == 0 else tests[:top]
        lines.append("all tests by cost:" if len(shown) == len(tests) else f"{len(shown)} most expensive tests:")
        lines += _table([[_cost({"cost_usd": t["cost_usd"], "complete": t.get("complete", True)}),
                          _plural(int(t['live']['calls']) + int(t['replayed']['calls']), "call"), t.get("outcome", ""),
                          t["nodeid"]] for t in shown], {0, 1})
        if len(tests) > len(shown):
            lines.append(f"({len(tests) - len(shown)} cheaper tests hidden.  Use --top 0 to show all.)")
    over = [t for t in report["tests"] if t.get("over_budget")]
    if over:
        lines.append(f"over budget: {_plural(len(over), 'test')}")
        lines += [f"  {t['nodeid']}: {'; '.join(t.get('overruns', ())) or 'over budget'}" for t in over]
    if comparison is not None:
        lines += _comparison_lines(comparison)
    if verdict:
        lines.append(verdict)
    return "\n".join(lines) + "\n"


def _comparison_lines(cmp: bl.Comparison) -> list[str]:
    more, cheaper = cmp.more, cmp.cheaper
    lines = [f"compared with {cmp.baseline_source} (allowed +{bl.pct_str(cmp.max_increase)}, changes under "
             f"{fmt_usd(cmp.min_change)} ignored): {len(more)} more expensive, {len(cheaper)} much cheaper, "
             f"{len(cmp.having('new'))} new, {len(cmp.having('not run'))} not run; tests on both sides "
             f"{fmt_usd(cmp.total('baseline'))} -> {fmt_usd(cmp.total('cost'))}"]
    if more:
        lines.append("more expensive:")
        lines += [f"  {r.nodeid}: {cmp.describe(r)}" for r in more]
    if cheaper:
        lines.append("much cheaper (refresh the baseline so that it keeps catching regressions):")
        lines += [f"  {r.nodeid}: {cmp.describe(r)}" for r in cheaper]
    return lines


# ----------------------------------------------------------------------------- command
def _load(path: str) -> dict[str, Any]:
    try:
        return load_report(path)
    except ReportError as exc:
        raise UserError(str(exc)) from None


def _from_store(args: argparse.Namespace, budget: Decimal | None) -> tuple[dict[str, Any], Decimal | None]:
    """The whole run of a shared store (all shards, merged); its session budget unless one was given."""
    from pytest_tokenbudget.cli.store_report import report_from_store
    report, cap = report_from_store(args.store, args.run_id)
    return report, budget if budget is not None else cap


def run_report(args: argparse.Namespace) -> int:
    from pytest_tokenbudget.report.merge import merge_reports

    paths = ([args.report] if args.report else []) + list(args.merge)
    if args.store and paths:
        raise UserError("give either report files or --store, not both")
    if not paths and not args.store:
        raise UserError("give a report (tokenbudget report run.json) or shards to merge (--merge a.json b.json)")
    if args.top < 0:
        raise UserError("--top must be >= 0 (0 shows all tests)")
    try:
        budget = bl.parse_usd(args.session_budget, "--session-budget") if args.session_budget is not None else None
        max_increase = bl.parse_percent(args.max_increase, "--max-increase") if args.max_increase else \
            bl.DEFAULT_MAX_INCREASE
        min_change = bl.parse_usd(args.min_change, "--min-change") if args.min_change else bl.DEFAULT_MIN_CHANGE
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if args.store:
        report, budget = _from_store(args, budget)
    else:
        loaded = [(p, _load(p)) for p in paths]
        try:
            report = merge_reports(loaded, allow_duplicates=args.allow_duplicates) if len(loaded) > 1 else loaded[0][1]
        except ReportError as exc:
            raise UserError(str(exc)) from None

    comparison = None
    if args.compare:
        try:
            base = bl.load_baseline(args.compare)
        except ReportError as exc:
            raise UserError(str(exc)) from None
        comparison = bl.compare(bl.current_from_report(report), base, max_increase=max_increase,
                                min_change=min_change)

    failed = False
    status = verdict = None
    if budget is not None:
        status, verdict = session_verdict(report, budget)
        failed = status != "ok"
    if comparison is not None and (comparison.more or (args.fail_on_decrease and comparison.cheaper)):
        failed = True

    if args.format == "json":
        import json
        out: Any = report
        if comparison is not None or verdict is not None:
            out = dict(report)
            if comparison is not None:
                out["comparison"] = comparison.as_json()
            if verdict is not None:
                out["session_budget"] = {"usd": money_str(budget), "status": status, "verdict": verdict}
        text = json.dumps(out, indent=1, ensure_ascii=False) + "\n"
    elif args.format == "markdown":
        from pytest_tokenbudget.report.markdown import render_markdown
        text = render_markdown(report, top=args.top, comparison=comparison, max_bytes=None)
        if verdict:
            text += f"\n**{verdict}**\n"
    else:
        text = render_text(report, top=args.top, comparison=comparison, verdict=verdict)

    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UserError(f"cannot write {args.output}: {exc}") from None
        if verdict:
            print(verdict, file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 1 if failed else 0

