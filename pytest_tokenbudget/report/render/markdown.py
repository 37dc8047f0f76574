"""GitHub-flavoured Markdown for a run report: the job summary and ``tokenbudget report --format markdown``.

One renderer for both. Sections: the totals, per model, the most expensive tests, the tests over
their budget, and (when given) the comparison with a baseline. The output is capped at
``max_bytes`` (GitHub refuses a step summary above 1024k): when it would be larger, the longest
tables are cut down row by row and a note says how many rows are not shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pytest_tokenbudget.core.money import format_usd, format_usd_pair
from pytest_tokenbudget.core.text import plural
from pytest_tokenbudget.report.comparison import Comparison, pct_str
from pytest_tokenbudget.report.model import Report, Setting, Totals
from pytest_tokenbudget.report.render.terminal import cost_cell, refusal_rows

__all__ = ["MAX_BYTES", "cell", "code", "render_markdown"]

MAX_BYTES = 1_000_000  # under GitHub's 1024k (1,048,576 bytes) per-step limit, with room for others
DEFAULT_TOP = 10
_CELL_MAX = 240


def _rate(t: Totals) -> str:
    r = t.cache_hit_rate
    return "-" if r is None else f"{r:.0%}"


def code(text: Any) -> str:
    """A table-safe code span (pipes escaped, backticks replaced, long ids shortened)."""
    s = str(text).replace("`", "'").replace("\n", " ")
    if len(s) > _CELL_MAX:
        s = s[:_CELL_MAX - 1] + "…"
    return "`" + s.replace("|", "\\|") + "`"


def cell(text: Any) -> str:
    s = str(text).replace("\n", " ").replace("|", "\\|")
    return s if len(s) <= _CELL_MAX else s[:_CELL_MAX - 1] + "…"


@dataclass
class _Table:
    title: str
    header: list[str]
    rows: list[list[str]]
    intro: list[str] = field(default_factory=list)
    limit: int | None = None  # rows shown; None = all
    hidden_note: str = ""  # why rows beyond `rows` were never included (top-N)
    right: tuple[int, ...] = ()

    def render(self, cap: str) -> list[str]:
        shown = self.rows if self.limit is None else self.rows[:self.limit]
        out = [f"### {self.title}", ""] + self.intro + ([""] if self.intro else [])
        if shown:
            out.append("| " + " | ".join(self.header) + " |")
            out.append("|" + "|".join("---:" if i in self.right else "---" for i in range(len(self.header))) + "|")
            out += ["| " + " | ".join(r) + " |" for r in shown]
        cut = len(self.rows) - len(shown)
        if cut:
            out.append("")
            out.append(f"_… {plural(cut, 'more row')} not shown: the summary is capped at {cap} "
                       "(the JSON report has them all)._")
        elif self.hidden_note:
            out.append("")
            out.append(self.hidden_note)
        out.append("")
        return out


def _budgets(report: Report) -> list[str]:
    def show(label: str, s: Setting) -> str:
        return f"{label} {format_usd(s.usd)}" + (f" ({cell(s.source)})" if s.source else "")
    bits = [show(label, s) for label, s in (("per test", report.budgets.per_test), ("session", report.budgets.session))
            if s.usd is not None]
    return ["- Budgets: " + ", ".join(bits)] if bits else []


def _summary(report: Report) -> list[str]:
    live, replayed, run = report.totals.live, report.totals.replayed, report.run
    cost = format_usd(live.cost_usd) + ("" if live.complete else " (incomplete: a lower bound)")
    lines = [f"- **Live spend: {cost}** — {plural(live.calls, 'call')}, {live.total_tokens:,} "
             f"tokens (input {live.input_tokens:,}, cache write {live.cache_write_tokens:,}, "
             f"cache read {live.cache_read_tokens:,}, output {live.output_tokens:,}); "
             f"cache hit rate {_rate(live)}"]
    if replayed.calls:
        lines.append(f"- Mocked/replayed (not live): {plural(replayed.calls, 'call')}, would cost "
                     f"{format_usd(replayed.cost_usd)} live")
    if report.totals.refused:
        lines.append(f"- Refused before sending (nothing was sent): {plural(report.totals.refused, 'call')}")
        lines += [f"  - {cell(row)}" for row in refusal_rows(report)]
    lines += _budgets(report)
    tests = report.tests
    lines.append(f"- Tests: {len(tests):,} ({sum(1 for t in tests if t.calls):,} made LLM calls, "
                 f"{sum(1 for t in tests if t.over_budget):,} over budget)")
    if run.session_failure:
        lines.append(f"- :x: **{cell(run.session_failure)}**")
    lines += [f"- :warning: figures incomplete: {cell(why)}" for why in run.incomplete_reasons]
    lines += [f"- note: {cell(note)}" for note in run.notes]
    return lines


def _models(report: Report) -> _Table | None:
    rows = []
    for m in report.models:
        t = m.live
        if not t.calls and not m.replayed.calls:
            continue
        rows.append([code(m.model), f"{t.calls:,}", f"{t.input_tokens:,}", f"{t.cache_write_tokens:,}",
                     f"{t.cache_read_tokens:,}", f"{t.output_tokens:,}", _rate(t), cost_cell(t),
                     format_usd(m.replayed.cost_usd) if m.replayed.calls else "-"])
    if not rows:
        return None
    return _Table("Per model", ["model", "calls", "input", "cache write", "cache read", "output", "hit rate",
                                "live cost", "replayed (would cost)"], rows, right=tuple(range(1, 9)))


def _top(report: Report, top: int) -> _Table | None:
    tests = sorted((t for t in report.tests if t.calls), key=lambda t: (-t.cost_usd, t.nodeid))
    if not tests:
        return None
    shown = tests if top == 0 else tests[:top]
    rows = [[format_usd(t.cost_usd) + ("" if t.complete else "+?"), f"{t.live.calls + t.replayed.calls:,}",
             f"{t.live.total_tokens + t.replayed.total_tokens:,}", cell(t.outcome), code(t.nodeid)] for t in shown]
    hidden = len(tests) - len(shown)
    note = f"_{plural(hidden, 'cheaper test')} not shown._" if hidden else ""
    title = "Tests by cost" if not hidden else f"{len(shown)} most expensive tests"
    return _Table(title, ["cost", "calls", "tokens", "outcome", "test"], rows, hidden_note=note, right=(0, 1, 2))


def _over(report: Report) -> _Table | None:
    over = sorted((t for t in report.tests if t.over_budget), key=lambda t: t.nodeid)
    if not over:
        return None
    rows = [[code(t.nodeid), cell("; ".join(t.overruns) or "over budget"), cell(t.outcome)] for t in over]
    return _Table(f"Over budget ({len(over):,})", ["test", "overrun", "outcome"], rows)


def _comparison(cmp: Comparison) -> list[_Table]:
    before, after = format_usd_pair(cmp.total("baseline"), cmp.total("cost"))
    intro = [f"Baseline {code(cmp.baseline_source) if cmp.baseline_source else ''}: allowed increase "
             f"+{pct_str(cmp.max_increase)}, changes under {format_usd(cmp.min_change)} ignored. "
             f"Tests on both sides: {before} → {after}."]
    more, cheaper = cmp.more, cmp.cheaper
    rows = [[code(r.nodeid), cell(cmp.describe(r))] for r in more]
    out = [_Table(f"More expensive than the baseline ({len(more):,})", ["test", "change"], rows,
                  intro=intro + ([] if rows else ["No test got more expensive beyond the tolerance."]))]
    if cheaper:
        rows = [[code(r.nodeid), cell(cmp.describe(r))] for r in cheaper]
        out.append(_Table(f"Much cheaper than the baseline ({len(cheaper):,})", ["test", "change"], rows,
                          intro=["These got cheaper beyond the tolerance: refresh the baseline so that it "
                                 "keeps catching regressions."]))
    return out


def render_markdown(report: Report, *, top: int = DEFAULT_TOP, comparison: Comparison | None = None,
                    max_bytes: int | None = MAX_BYTES, title: str = "Token budget") -> str:
    """The report as Markdown, at most ``max_bytes`` bytes of UTF-8 (``None``: no cap). The baseline
    comparison shown is ``comparison``, else the report's own."""
    run = report.run
    comparison = comparison if comparison is not None else report.comparison
    head = [f"## {title}", ""] + _summary(report) + [""]
    tables = [t for t in (_models(report), _top(report, top), _over(report)) if t is not None]
    if comparison is not None:
        tables += _comparison(comparison)
    foot = [f"<sub>pytest-tokenbudget {cell(run.tool_version)}"
            + (f" · prices as of {cell(run.catalog_checked)}" if run.catalog_checked else "")
            + (f" · merged from {len(run.shards)} reports" if run.shards else "")
            + "</sub>", ""]

    def doc(cap: str) -> str:
        lines = list(head)
        for t in tables:
            lines += t.render(cap)
        return "\n".join(lines + foot)

    text = doc("")
    if max_bytes is None or len(text.encode()) <= max_bytes:
        return text
    cap = f"{max_bytes / 1000:,.0f} kB"
    # Cut the longest table down until the whole fits; the tables shrink geometrically.
    while len(text.encode()) > max_bytes:
        shown = [(len(t.rows) if t.limit is None else t.limit, i) for i, t in enumerate(tables)]
        rows, i = max(shown) if shown else (0, -1)
        if rows == 0:
            break
        tables[i].limit = rows // 2 if rows > 8 else rows - 1
        text = doc(cap)
    if len(text.encode()) > max_bytes:  # the prose alone is too long: hard cut on a line boundary
        note = "\n\n_… cut: the summary is capped at its size limit._\n"
        budget = max(0, max_bytes - len(note.encode()))
        raw = text.encode()[:budget].decode("utf-8", "ignore")
        text = raw[:raw.rfind("\n") + 1] + note if "\n" in raw else note.lstrip()
    return text
