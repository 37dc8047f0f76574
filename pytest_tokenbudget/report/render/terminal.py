"""The report as plain text: the ``token budget`` section of pytest's terminal summary and the
output of ``tokenbudget report`` -- the same lines for the same run.

Order: the budgets, notes, live spend (totals, tokens by kind, cache hit rate, per model), what is
not live spend (mocked / replayed calls, shown apart), what needs attention (refused calls,
incomplete streams, unknown usage, unpriced models, failed attempts), the most expensive tests
(like ``--durations``), tests over budget, the baseline comparison, and why the run failed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from pytest_tokenbudget.core.money import format_usd, format_usd_pair
from pytest_tokenbudget.core.text import plural, table
from pytest_tokenbudget.report.comparison import Comparison, pct_str
from pytest_tokenbudget.report.model import Budgets, Call, Report, Setting, Totals, incomplete_reasons

__all__ = ["DEFAULT_TOP", "comparison_lines", "cost_cell", "header_line", "is_problem", "refusal_rows",
           "render_lines", "write_section"]

DEFAULT_TOP = 5  # most expensive tests shown (0: all)
_SHOWN_ROWS = 10  # baseline comparison rows shown per kind (and refused calls named)
_PROBLEMS = ("FAILED:", "plugin error:", "  more expensive:")


def cost_cell(t: Totals) -> str:
    """A cost for a table cell: ``$?`` when nothing could be priced, ``+?`` when part of it could not."""
    if t.complete:
        return format_usd(t.cost_usd)
    return "$?" if t.cost_usd == 0 else format_usd(t.cost_usd) + "+?"


def _rate(t: Totals) -> str:
    r = t.cache_hit_rate
    return "-" if r is None else f"{r:.0%}"


def header_line(budgets: Budgets) -> str:
    """``token budget: per test $0.10 (ini ...), session no limit, pre-flight on, unknown models: error``."""
    def show(s: Setting) -> str:
        if s.usd is None:
            return f"no limit ({s.source})" if s.source else "no limit"
        return f"{format_usd(s.usd)} ({s.source})" if s.source else format_usd(s.usd)
    return (f"token budget: per test {show(budgets.per_test)}, session {show(budgets.session)}, "
            f"pre-flight {'on' if budgets.preflight else 'off'}, unknown models: {budgets.unknown_model}")


def _totals_line(label: str, t: Totals) -> str:
    cost = format_usd(t.cost_usd) + ("" if t.complete else " (incomplete: a lower bound)")
    return (f"{label}: {plural(t.calls, 'call')}, {t.total_tokens:,} tokens "
            f"(input {t.input_tokens:,}, cache write {t.cache_write_tokens:,}, "
            f"cache read {t.cache_read_tokens:,}, output {t.output_tokens:,}), "
            f"cache hit rate {_rate(t)}, cost {cost}")


def _per_model(report: Report) -> list[str]:
    rows = sorted((m for m in report.models if m.live != Totals()), key=lambda m: (-m.live.cost_usd, m.model))
    return table([[m.model, f"{t.calls:,}", f"{t.input_tokens:,}", f"{t.cache_write_tokens:,}",
                   f"{t.cache_read_tokens:,}", f"{t.output_tokens:,}", _rate(t), cost_cell(t)]
                  for m in rows for t in (m.live,)],
                 headers=["model", "calls", "input", "cache write", "cache read", "output", "hit rate", "cost"],
                 right=range(1, 8), indent="  ") if rows else []


def _replayed(report: Report, calls: list[Call]) -> list[str]:
    if not any(not c.live and not c.refused for c in calls):
        return []
    t = report.totals.replayed
    return [f"mocked/replayed (not live, not in the live cost): {plural(t.calls, 'call')}, "
            f"{t.total_tokens:,} tokens, would cost {format_usd(t.cost_usd)} live",
            "  budgets: replayed calls count at what they would cost live" if report.budgets.count_replayed else
            "  budgets: replayed calls are not counted (token_budget_count_replayed = false)"]


def _batches(calls: list[Call]) -> list[str]:
    billed = [c for c in calls if c.batch and c.endpoint == "messages" and not c.refused]
    created = sum(1 for c in calls if c.batch and c.endpoint == "batches" and c.ok)
    if not billed and not created:
        return []
    cost = sum((c.cost_usd for c in billed if c.cost_usd is not None), Decimal(0))
    unpriced = " (incomplete: some results unpriced)" if any(c.cost_usd is None for c in billed) else ""
    return [f"batch (Message Batches, in the live cost above): {plural(created, 'batch', 'batches')} created, "
            f"{plural(len(billed), 'result')} billed at the batch rate, cost {format_usd(cost)}{unpriced}"]


def _refused(report: Report) -> list[str]:
    if not report.refused:
        return []
    by = Counter(r.refused_by or "budget" for r in report.refused)
    how = ", ".join(f"{n} by the {scope} budget" for scope, n in by.items())
    return ([f"refused before sending: {plural(len(report.refused), 'call')} ({how}); nothing was sent"]
            + [f"  {row}" for row in refusal_rows(report)])


def refusal_rows(report: Report, cap: int = _SHOWN_ROWS) -> list[str]:
    """One line per refused call (test, model, worst case, the budget that refused it), at most
    ``cap`` of them, then ``and N more``. The terminal section and the job summary show these."""
    rows = []
    for r in report.refused[:cap]:
        worst = r.worst
        if worst is not None and worst.usd is not None:
            amount = f"worst case {format_usd(worst.usd)}"
        elif worst is not None and worst.output_tokens is not None:
            amount = f"worst case {(worst.input_tokens or 0) + worst.output_tokens:,} tokens, not priced"
        else:
            amount = "worst case unbounded"
        where = r.message.partition(": call to ")[0] if ": call to " in r.message else ""
        if r.refused_by == "test":
            limits = where[where.rfind(" ("):] if where.endswith(")") else ""
            budget = f"its test budget{limits}"
        else:
            budget = where or f"the {r.refused_by or '?'} budget"
        test = r.nodeid or "(outside any test)"
        phase = f" ({r.phase})" if r.phase and r.phase != "call" else ""
        rows.append(f"{test}{phase}: {r.model or '?'}, {amount}, refused by {budget}")
    if len(report.refused) > cap:
        rows.append(f"and {len(report.refused) - cap:,} more")
    return rows


def _usage_unknown(unknown: list[Call]) -> str:
    # a stream that ran to its end without usage (a faulted one is unknown for another reason)
    streams = sum(1 for c in unknown if c.endpoint in ("chat.completions", "completions") and c.streamed
                  and c.complete and not c.error)
    hint = f" ({streams} OpenAI stream(s) without stream_options={{'include_usage': True}})" if streams else ""
    return (f"usage unknown: {plural(len(unknown), 'call')}{hint}; counted as calls, charged their worst case "
            "against budgets, not in the token totals")


def _attention(report: Report, calls: list[Call]) -> list[str]:
    lines = _refused(report)
    sent = [c for c in calls if not c.refused]
    inc = [c for c in sent if c.incomplete_stream]
    if inc:
        lines.append(f"incomplete streams: {plural(len(inc), 'call')} ended before the end event; output was "
                     "billed until the API noticed, so budgets were charged their worst case")
    unknown = [c for c in sent if c.usage_unknown]
    if unknown:
        lines.append(_usage_unknown(unknown))
    unpriced = [c for c in sent if c.unpriced]
    if unpriced:
        models = sorted({c.model or "?" for c in unpriced})
        lines.append(f"unpriced: {plural(len(unpriced), 'call')} to {', '.join(models)}; cost totals are "
                     f"incomplete. {unpriced[0].unpriced}")
    errors = [c for c in sent if not c.ok]
    if errors:
        lost = sum(1 for c in errors if c.usage_unknown)  # sent, response lost: maybe billed
        maybe = f"; {lost} lost after sending may have been billed: see usage unknown" if lost else ""
        lines.append(f"failed attempts: {plural(len(errors), 'call')} (error status or no response; "
                     f"counted as calls, no tokens{maybe})")
    return lines


def _top_tests(report: Report, top: int) -> list[str]:
    shown_tests = []
    for t in report.tests:
        replayed = [c for c in t.calls if not c.live and not c.refused]
        note = f"  (+ {t.replayed.calls} replayed, would cost {cost_cell(t.replayed)} live)" if replayed else ""
        if note or any(c.live and not c.refused for c in t.calls):
            shown_tests.append((t, note))
    if not shown_tests:
        return []
    shown_tests.sort(key=lambda tn: (-tn[0].live.cost_usd, tn[0].nodeid))
    shown = shown_tests if top == 0 else shown_tests[:top]
    title = "all tests by cost" if len(shown) == len(shown_tests) else f"{len(shown)} most expensive tests"
    rows = [[cost_cell(t.live), plural(t.live.calls, "call"), f"{t.live.total_tokens:,} tok",
             t.nodeid + (f"  ({t.live.refused} refused)" if t.live.refused else "") + note] for t, note in shown]
    lines = [title + ":"] + table(rows, right=(0, 1, 2), indent="  ")
    hidden = len(shown_tests) - len(shown)
    if hidden:
        lines.append(f"({plural(hidden, 'cheaper test')} hidden: --token-budget-top=0 or "
                     "tokenbudget report --top 0 shows all)")
    return lines


def _over_budget(report: Report) -> list[str]:
    over = [t for t in report.tests if t.over_budget]
    if not over:
        return []
    return [f"over budget: {plural(len(over), 'test')}"] + [
        f"  {t.nodeid}: {'; '.join(t.overruns) or 'over budget'}" for t in over]


def _other_reasons(report: Report) -> list[str]:
    """Why the figures are incomplete, beyond what the attention lines already say."""
    known = set(incomplete_reasons(report.totals.live + report.totals.replayed))
    return [why if why.startswith(("plugin error:", "figures incomplete")) else f"figures incomplete: {why}"
            for why in report.run.incomplete_reasons if why not in known]


def comparison_lines(cmp: Comparison) -> list[str]:
    """The baseline comparison: one summary line, then the tests that moved beyond the tolerance."""
    more, cheaper = cmp.more, cmp.cheaper
    before, after = format_usd_pair(cmp.total("baseline"), cmp.total("cost"))
    lines = [f"compared with baseline {cmp.baseline_source} (allowed +{pct_str(cmp.max_increase)}, changes under "
             f"{format_usd(cmp.min_change)} ignored): {len(more)} more expensive, {len(cheaper)} much cheaper, "
             f"{len(cmp.having('new'))} new, {len(cmp.having('not run'))} not run; tests on both sides "
             f"{before} -> {after}"]
    for kind, rows in (("more expensive", more), ("much cheaper", cheaper)):
        lines += [f"  {kind}: {r.nodeid}: {cmp.describe(r)}" for r in rows[:_SHOWN_ROWS]]
        if len(rows) > _SHOWN_ROWS:
            lines.append(f"  ... and {len(rows) - _SHOWN_ROWS} more")
    if cheaper:
        lines.append("  refresh the baseline so that it keeps catching regressions: "
                     f"pytest --token-budget-save={cmp.baseline_source or 'PATH'}")
    return lines


def render_lines(report: Report, *, top: int = DEFAULT_TOP) -> list[str]:
    """The section's lines (no title)."""
    lines = [header_line(report.budgets)]
    if report.run.shards:
        lines.append(f"merged from {plural(len(report.run.shards), 'report')}: "
                     + ", ".join(s.source for s in report.run.shards))
    lines += [n if n.startswith("note:") else f"note: {n}" for n in report.run.notes]
    calls = sorted(report.calls(), key=lambda c: (c.seq is None, c.seq or 0))
    if not calls:
        lines.append("no LLM API calls were made")
    else:
        lines.append(_totals_line("live", report.totals.live))
        lines += _per_model(report) + _batches(calls) + _replayed(report, calls) + _attention(report, calls)
        lines += _top_tests(report, top)
    lines += _over_budget(report) + _other_reasons(report)
    if report.comparison is not None:
        lines += comparison_lines(report.comparison)
    if report.run.session_failure:
        lines.append(f"FAILED: {report.run.session_failure}")
    return lines


def is_problem(line: str) -> bool:
    """Lines shown in red: why the run failed, plugin errors, tests more expensive than their baseline."""
    return line.startswith(_PROBLEMS)


def write_section(terminalreporter: Any, lines: Iterable[str], *, failed: bool = False) -> None:
    """Write the ``token budget`` section to pytest's terminal reporter."""
    terminalreporter.write_sep("=", "token budget", bold=True, red=failed)
    for line in lines:
        bad = is_problem(line)
        terminalreporter.write_line(line, red=bad, bold=bad)
