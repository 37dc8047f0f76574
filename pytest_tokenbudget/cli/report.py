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
from decimal import Decimal
from pathlib import Path
from typing import Any

from pytest_tokenbudget.core.errors import UserError
from pytest_tokenbudget.core.money import decimal_str, format_usd, format_usd_pair
from pytest_tokenbudget.report import baseline as bl
from pytest_tokenbudget.report.model import Report, ReportError, load_report, replace
from pytest_tokenbudget.report.render.terminal import DEFAULT_TOP, render_lines

__all__ = ["add_report_arguments", "run_report", "render_text", "session_verdict"]


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
    p.add_argument("--top", type=int, default=None, metavar="N",
                   help=f"most expensive tests to show (0: all; default {DEFAULT_TOP}, as in the pytest summary; "
                        "10 in Markdown, as in the job summary)")
    p.add_argument("-o", "--output", metavar="FILE", help="write the output here instead of stdout")
    from pytest_tokenbudget.cli.store_report import add_store_arguments
    add_store_arguments(p)  # --store URL --run-id ID: the whole run from a shared store


def session_verdict(report: Report, budget: Decimal) -> tuple[str, str]:
    """(``ok`` | ``exceeded`` | ``unknown``, one line) for a session budget over a report's total.

    The total is what the budgets were charged (``totals.charged``: priced cost, unknown usage at
    its worst case, replayed calls included unless the run said otherwise). Calls that could not
    be priced make the total a lower bound: then the budget cannot be confirmed, which fails."""
    total = report.totals.charged.usd
    unpriced = report.totals.live.unpriced + report.totals.replayed.unpriced
    if total is None:
        return "unknown", (f"session budget {format_usd(budget)}: the total could not be bounded (some calls have "
                           "no price)")
    live = report.totals.live.cost_usd
    how = "" if total == live else (f" (live {format_usd(live)}; counted as budgets count: replayed calls at their "
                                    "live price, unknown usage at its worst case)")
    spent, limit = format_usd_pair(total, budget)
    if total > budget:
        pct = ((total - budget) * 100 / budget).quantize(Decimal(1)) if budget else None
        over = f"{pct}% over" if pct is not None else "nothing was allowed"
        return "exceeded", (f"session budget exceeded: spent {spent} of a {limit} budget "
                            f"(+{format_usd(total - budget)}, {over}){how}")
    if unpriced:
        return "unknown", (f"session budget {format_usd(budget)}: {unpriced} call(s) could not be priced, so the "
                           f"total {format_usd(total)} is a lower bound and the budget cannot be confirmed")
    return "ok", f"session budget: spent {spent} of {limit}{how}"


def render_text(report: Report, *, top: int = DEFAULT_TOP, verdict: str | None = None) -> str:
    """``tokenbudget report``'s text: a title line, then the lines of pytest's ``token budget`` section."""
    run = report.run
    head = f"token budget report, {run.created}, pytest-tokenbudget {run.tool_version}"
    if run.catalog_checked:
        head += f", prices as of {run.catalog_checked}"
    lines = [head, *render_lines(report, top=top)]
    if verdict:
        lines.append(verdict)
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- command
def _load(path: str) -> Report:
    try:
        return load_report(path)
    except ReportError as exc:
        raise UserError(str(exc)) from None


def _options(args: argparse.Namespace) -> tuple[Decimal | None, Decimal, Decimal]:
    if args.top is not None and args.top < 0:
        raise UserError("--top must be >= 0 (0 shows all tests)")
    try:
        budget = bl.parse_usd(args.session_budget, "--session-budget") if args.session_budget is not None else None
        max_increase = bl.parse_percent(args.max_increase, "--max-increase") if args.max_increase else \
            bl.DEFAULT_MAX_INCREASE
        min_change = bl.parse_usd(args.min_change, "--min-change") if args.min_change else bl.DEFAULT_MIN_CHANGE
    except ValueError as exc:
        raise UserError(str(exc)) from None
    return budget, max_increase, min_change


def _report(args: argparse.Namespace, max_increase: Decimal, min_change: Decimal) -> tuple[Report, Decimal | None]:
    """The report to render (one file, the shards merged, or a shared store's whole run) with the
    comparison asked for, and the session budget the store recorded (None for files)."""
    from pytest_tokenbudget.report.merge import merge_reports

    paths = ([args.report] if args.report else []) + list(args.merge)
    if args.store and paths:
        raise UserError("give either report files or --store, not both")
    if not paths and not args.store:
        raise UserError("give a report (tokenbudget report run.json) or shards to merge (--merge a.json b.json)")
    try:
        if args.store:
            from pytest_tokenbudget.cli.store_report import report_from_store
            report, cap = report_from_store(args.store, args.run_id)
        else:
            cap = None
            report = merge_reports([(p, _load(p)) for p in paths], allow_duplicates=args.allow_duplicates)
        if args.compare:
            base = bl.load_baseline(args.compare)
            report = replace(report, comparison=bl.compare(bl.current_from_report(report), base,
                                                           max_increase=max_increase, min_change=min_change))
    except ReportError as exc:
        raise UserError(str(exc)) from None
    return report, cap


def _render(args: argparse.Namespace, report: Report, budget: Decimal | None, status: str | None,
            verdict: str | None) -> str:
    if args.format == "json":
        from pytest_tokenbudget.report.render.json import dumps
        out: dict[str, Any] = report.to_json()
        if verdict is not None:
            out["session_budget"] = {"usd": decimal_str(budget), "status": status, "verdict": verdict}
        return dumps(out)
    if args.format == "markdown":
        from pytest_tokenbudget.report.render.markdown import DEFAULT_TOP as MARKDOWN_TOP
        from pytest_tokenbudget.report.render.markdown import render_markdown
        text = render_markdown(report, top=MARKDOWN_TOP if args.top is None else args.top, max_bytes=None)
        return text + (f"\n**{verdict}**\n" if verdict else "")
    return render_text(report, top=DEFAULT_TOP if args.top is None else args.top, verdict=verdict)


def run_report(args: argparse.Namespace) -> int:
    budget, max_increase, min_change = _options(args)
    report, store_cap = _report(args, max_increase, min_change)
    budget = budget if budget is not None else store_cap
    failed = False
    status = verdict = None
    if budget is not None:
        status, verdict = session_verdict(report, budget)
        failed = status != "ok"
    cmp = report.comparison
    if args.compare and cmp is not None and (cmp.more or (args.fail_on_decrease and cmp.cheaper)):
        failed = True
    text = _render(args, report, budget, status, verdict)
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
