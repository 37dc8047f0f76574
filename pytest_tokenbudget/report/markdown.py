"""GitHub-flavoured Markdown for a run report: the job summary and ``tokenbudget report --format markdown``.

One renderer for both. Sections: the totals, per model, the most expensive tests, the tests over
their budget, and (when given) the comparison with a baseline. The output is capped at
``max_bytes`` (GitHub refuses a step summary above 1024k): when it would be larger, the longest
tables are cut down row by row and a note says how many rows are not shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pytest_tokenbudget.plugin.ledger.ledger import fmt_usd
from pytest_tokenbudget.report.baseline import Comparison, pct_str

__all__ = ["MAX_BYTES", "render_markdown"]

MAX_BYTES = 1_000_000  # under GitHub's 1024k (1,048,576 bytes) per-step limit, with room for others
DEFAULT_TOP = 10
_CELL_MAX = 240


def _n(v: Any) -> str:
    return f"{int(v or 0):,}"


def _usd(text: Any) -> str:
    return fmt_usd(Decimal(text)) if text is not None else "$?"


def _cost(t: Mapping[str, Any]) -> str:
    cost = Decimal(t.get("cost_usd") or "0")
    if t.get("complete", True):
        return fmt_usd(cost)
    return "$?" if cost == 0 else fmt_usd(cost) + "+?"


def _rate(t: Mapping[str, Any]) -> str:
    r = t.get("cache_hit_rate")
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


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


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
            out.append(f"_… {_plural(cut, 'more row')} not shown: the summary is capped at {cap} "
                       "(the JSON report has them all)._")
        elif self.hidden_note:
            out.append("")
            out.append(self.hidden_note)
        out.append("")
        return out


def _summary(report: Mapping[str, Any]) -> list[str]:
    totals = report["totals"]
    live, replayed = totals["live"], totals["replayed"]
    run, budgets = report["run"], report.get("budgets", {})
    lines = []
    cost = _usd(live["cost_usd"]) + ("" if live.get("complete", True) else " (incomplete: a lower bound)")
    lines.append(f"- **Live spend: {cost}** — {_plural(live['calls'], 'call')}, {_n(live.get('total_tokens'))} "
                 f"tokens (input {_n(live['input_tokens'])}, cache write {_n(live.get('cache_write_tokens'))}, "
                 f"cache read {_n(live.get('cache_read_tokens'))}, output {_n(live['output_tokens'])}); "
                 f"cache hit rate {_rate(live)}")
    if replayed.get("calls"):
        lines.append(f"- Mocked/replayed (not live): {_plural(replayed['calls'], 'call')}, would cost "
                     f"{_usd(replayed['cost_usd'])} live")
    refused = int(totals.get("refused", 0))
    if refused:
        lines.append(f"- Refused before sending (nothing was sent): {_plural(refused, 'call')}")
    bits = []
    for key, label in (("per_test", "per test"), ("session", "session")):
        s = budgets.get(key) or {}
        if s.get("usd") is not None:
            bits.append(f"{label} {_usd(s['usd'])}" + (f" ({cell(s['source'])})" if s.get("source") else ""))
    if bits:
        lines.append("- Budgets: " + ", ".join(bits))
    tests = report.get("tests", [])
    with_calls = [t for t in tests if t.get("calls")]
    lines.append(f"- Tests: {len(tests):,} ({len(with_calls):,} made LLM calls, "
                 f"{sum(1 for t in tests if t.get('over_budget')):,} over budget)")
    if run.get("session_failure"):
        lines.append(f"- :x: **{cell(run['session_failure'])}**")
    for why in run.get("incomplete_reasons", ()):
        lines.append(f"- :warning: figures incomplete: {cell(why)}")
    for note in run.get("notes", ()):
        lines.append(f"- note: {cell(note)}")
    return lines


def _models(report: Mapping[str, Any]) -> _Table | None:
    rows = []
    for m in report.get("models", ()):
        t = m["live"]
        if not t.get("calls") and not m["replayed"].get("calls"):
            continue
        rows.append([code(m["model"]), _n(t["calls"]), _n(t["input_tokens"]), _n(t.get("cache_write_tokens")),
                     _n(t.get("cache_read_tokens")), _n(t["output_tokens"]), _rate(t), _cost(t),
                     _usd(m["replayed"]["cost_usd"]) if m["replayed"].get("calls") else "-"])
    if not rows:
        return None
    return _Table("Per model", ["model", "calls", "input", "cache write", "cache read", "output", "hit rate",
                                "live cost", "replayed (would cost)"], rows, right=tuple(range(1, 9)))


def _top(report: Mapping[str, Any], top: int) -> _Table | None:
    tests = [t for t in report.get("tests", ()) if t.get("calls")]
    if not tests:
        return None
    tests.sort(key=lambda t: (-Decimal(t["cost_usd"]), t["nodeid"]))
    shown = tests if top == 0 else tests[:top]
    rows = []
    for t in shown:
        calls = int(t["live"]["calls"]) + int(t["replayed"]["calls"])
        tokens = int(t["live"].get("total_tokens", 0)) + int(t["replayed"].get("total_tokens", 0))
        cost = fmt_usd(Decimal(t["cost_usd"])) + ("" if t.get("complete", True) else "+?")
        rows.append([cost, _n(calls), _n(tokens), cell(t.get("outcome", "")), code(t["nodeid"])])
    hidden = len(tests) - len(shown)
    note = f"_{_plural(hidden, 'cheaper test')} not shown._" if hidden else ""
    title = "Tests by cost" if not hidden else f"{len(shown)} most expensive tests"
    return _Table(title, ["cost", "calls", "tokens", "outcome", "test"], rows, hidden_note=note, right=(0, 1, 2))


def _over(report: Mapping[str, Any]) -> _Table | None:
    over = [t for t in report.get("tests", ()) if t.get("over_budget")]
    if not over:
        return None
    rows = [[code(t["nodeid"]), cell("; ".join(t.get("overruns", ())) or "over budget"), cell(t.get("outcome", ""))]
            for t in sorted(over, key=lambda t: t["nodeid"])]
    return _Table(f"Over budget ({len(over):,})", ["test", "overrun", "outcome"], rows)


def _comparison(cmp: Comparison) -> list[_Table]:
    out = []
    intro = [f"Baseline {code(cmp.baseline_source) if cmp.baseline_source else ''}: allowed increase "
             f"+{pct_str(cmp.max_increase)}, changes under {fmt_usd(cmp.min_change)} ignored. "
             f"Tests on both sides: {fmt_usd(cmp.total('baseline'))} → {fmt_usd(cmp.total('cost'))}."]
    more, cheaper = cmp.more, cmp.cheaper
    rows = [[code(r.nodeid), cell(cmp.describe(r))] for r in more]
    t = _Table(f"More expensive than the baseline ({len(more):,})", ["test", "change"], rows,
               intro=intro + ([] if rows else ["No test got more expensive beyond the tolerance."]))
    out.append(t)
    if cheaper:
        rows = [[code(r.nodeid), cell(cmp.describe(r))] for r in cheaper]
        out.append(_Table(f"Much cheaper than the baseline ({len(cheaper):,})", ["test", "change"], rows,
                          intro=["These got cheaper beyond the tolerance: refresh the baseline so that it "
                                 "keeps catching regressions."]))
    return out


def render_markdown(report: Mapping[str, Any], *, top: int = DEFAULT_TOP, comparison: Comparison | None = None,
                    max_bytes: int | None = MAX_BYTES, title: str = "Token budget") -> str:
    """The report as Markdown, at most ``max_bytes`` bytes of UTF-8 (``None``: no cap)."""
    run = report["run"]
    head = [f"## {title}", ""] + _summary(report) + [""]
    tables = [t for t in (_models(report), _top(report, top), _over(report)) if t is not None]
    if comparison is not None:
        tables += _comparison(comparison)
    foot = [f"<sub>pytest-tokenbudget {cell(run.get('tool_version', ''))}"
            + (f" · prices as of {cell(run['catalog_checked'])}" if run.get("catalog_checked") else "")
            + (f" · merged from {len(run['shards'])} reports" if run.get("shards") else "")
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
