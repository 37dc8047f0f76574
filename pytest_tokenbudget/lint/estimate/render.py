"""The cost map as text, markdown or JSON (``tokenbudget estimate --format``)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from pytest_tokenbudget.core.money import format_usd
from pytest_tokenbudget.core.text import plural, table
from pytest_tokenbudget.lint.estimate.report import EstimateReport, SiteSaving, Totals
from pytest_tokenbudget.lint.estimate.sites import DAYS_PER_MONTH, Figure, SiteEstimate

__all__ = ["render_json", "render_markdown", "render_text"]


# ----------------------------------------------------------------------------- helpers
def _tokens(site: SiteEstimate) -> str:
    return ("≥" if site.input_lower_bound else "") + f"{site.input_tokens:,}"


def _max_tokens(site: SiteEstimate) -> str:
    if site.max_tokens is not None:
        return f"{site.max_tokens:,}"
    if site.worst_usage is not None and any(n.startswith("no max_tokens") for n in site.notes):
        return f"none (≤{site.worst_usage.output_tokens:,})"  # bounded by the model's maximum output
    return "?"


def _where(site: SiteEstimate) -> str:
    fn = f" {site.function}" if site.function else ""
    return f"{site.location}{fn}"


def _model(site: SiteEstimate) -> str:
    label = site.model_label
    return label + (" (batch)" if site.batch else "")


def _projected(report: EstimateReport) -> bool:
    return any(s.calls_per_day is not None for s in report.sites)


def _calls(site: SiteEstimate) -> str:
    if site.calls_per_day is None:
        return "-"
    return f"{site.calls_per_day:,}" + ("*" if site.calls_per_day_source == "comment" else "")


def _fig(f: Figure | None) -> str:
    return "-" if f is None else f.text()


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool]) -> list[str]:
    return table(rows, headers=headers, right=[i for i, r in enumerate(right) if r], indent="  ")


def _columns(first: list[str], first_right: list[bool], projection: list[str],
             last: str | None = None) -> tuple[list[str], list[bool]]:
    """Headers and right-alignment of a table: the columns, the projections (right), then a text column."""
    headers = [*first, *projection, *([last] if last is not None else [])]
    return headers, [*first_right, *(True for _ in projection), *([False] if last is not None else [])]


def _legend(report: EstimateReport) -> list[str]:
    lines = [
        "best = static prompt with the cached prefix read from cache (after the first call) + 1 output token;",
        "worst = no cache hit + max_tokens output tokens. '≥' = lower bound: part of the prompt is dynamic.",
        f"Input tokens are estimates ({report.estimator}); prices per call in USD from the tokenbudget catalog.",
    ]
    if _projected(report):
        lines.append(f"Projections: calls/day from --calls-per-day or a per-site comment (*); "
                     f"month = {DAYS_PER_MONTH} days.")
    return lines


def _totals_rows(groups: dict[str, Totals], projected: bool) -> list[list[str]]:
    rows = []
    for name, t in groups.items():
        row = [name, str(t.sites), t.best.text(), t.worst.text()]
        if projected:
            row += [t.daily_worst.text() if t.projected_sites else "-",
                    t.monthly_worst.text() if t.projected_sites else "-"]
        rows.append(row)
    return rows


# ----------------------------------------------------------------------------- text
def render_text(report: EstimateReport) -> str:
    out: list[str] = []
    files = report.by_file()
    n, f = len(report.sites), len(files)
    out.append(f"tokenbudget estimate: {plural(n, 'call site')} in {plural(f, 'file')}, worst case first")
    out.extend(_legend(report))
    out.append("")
    projected = _projected(report)
    if report.sites:
        headers, right = _columns(["worst/call", "best/call", "model", "input tok", "max_tokens"],
                                  [True, True, False, True, True],
                                  ["calls/day", "worst/day", f"worst/{DAYS_PER_MONTH}d"] if projected else [], "site")
        rows = []
        for s in report.sites:
            row = [s.worst.text(), s.best.text(), _model(s), _tokens(s), _max_tokens(s)]
            if projected:
                row += [_calls(s), _fig(s.daily_worst), _fig(s.monthly_worst)]
            row.append(_where(s))
            rows.append(row)
        out.extend(_table(headers, rows, right))
        out.append("")
        detail = [(s, s.unknowns + s.notes + _missing_why(s)) for s in report.sites]
        detail = [(s, d) for s, d in detail if d]
        if detail:
            out.append("Unknown inputs and notes:")
            for s, items in detail:
                out.append(f"  {s.location}")
                out.extend(f"    - {item}" for item in items)
            out.append("")
        headers, right = _columns(["", "sites", "best/call", "worst/call"], [False, True, True, True],
                                  ["worst/day", f"worst/{DAYS_PER_MONTH}d"] if projected else [])
        out.append("Per file (one call of each site):")
        out.extend(_table(headers, _totals_rows(files, projected), right))
        out.append("")
        out.append("Per model:")
        out.extend(_table(headers, _totals_rows(report.by_model(), projected), right))
        out.append("")
        out.append("Total:")
        out.extend(_table(headers, _totals_rows({"all call sites": report.total()}, projected), right))
        if report.total().unpriced:
            out.append(f"  ({report.total().unpriced} site(s) without a worst-case figure are not in the totals)")
        out.append("")
    else:
        out.append("No Claude API call sites found.")
        out.append("")
    if report.savings is not None:
        out.extend(_savings_text(report))
    if report.errors:
        out.append("Files that could not be estimated:")
        out.extend(f"  {p}: {r}" for p, r in report.errors)
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _missing_why(s: SiteEstimate) -> tuple[str, ...]:
    """The reasons a figure is missing or bounded that the unknowns do not already say."""
    whys: list[str] = []
    for fig in (s.best, s.worst):
        if fig.why and fig.why not in s.unknowns and fig.why not in whys:
            whys.append(fig.why)
    return tuple(whys)


def _savings_text(report: EstimateReport) -> list[str]:
    out = ["Savings (lint findings whose fix has a price), largest first:"]
    assert report.savings is not None
    if not report.savings:
        out.append("  none found")
    projected = any(ss.daily is not None for ss in report.savings)
    rows = []
    for ss in report.savings:
        row = [("≥ " if ss.saving.lower_bound else "") + format_usd(ss.saving.per_call), ss.saving.code]
        if projected:
            row += _saving_projection(ss)
        row += [_where(ss.site), ss.saving.sentence]
        rows.append(row)
    if rows:
        headers = ["per call", "code"] + (["per day", f"per {DAYS_PER_MONTH}d"] if projected else []) + \
            ["site", "saving"]
        right = [True, False] + ([True, True] if projected else []) + [False, False]
        out.extend(_table(headers, rows, right))
    out.extend(f"  note: {n}" for n in report.all_savings_notes())
    out.append("")
    return out


def _saving_projection(ss: SiteSaving) -> list[str]:
    if ss.daily is None:
        return ["-", "-"]
    bound = "≥ " if ss.saving.lower_bound else ""
    return [bound + format_usd(ss.daily), bound + format_usd(ss.daily * DAYS_PER_MONTH)]


# ----------------------------------------------------------------------------- markdown
def _md_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def _md_table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool]) -> list[str]:
    return [_md_row(headers), "|" + "|".join("---:" if r else "---" for r in right) + "|",
            *(_md_row(r) for r in rows)]


def render_markdown(report: EstimateReport) -> str:
    out = ["## tokenbudget estimate", ""]
    files = report.by_file()
    out.append(f"{len(report.sites)} call site(s) in {len(files)} file(s), worst case first. "
               + " ".join(_legend(report)))
    out.append("")
    projected = _projected(report)
    if report.sites:
        headers, right = _columns(["site", "model", "input tokens", "max_tokens", "best / call", "worst / call"],
                                  [False, False, True, True, True, True],
                                  ["calls / day", "worst / day", f"worst / {DAYS_PER_MONTH} days"] if projected else [],
                                  "unknown inputs and notes")
        rows = []
        for s in report.sites:
            row = [f"`{_where(s)}`", _model(s), _tokens(s), _max_tokens(s), s.best.text(), s.worst.text()]
            if projected:
                row += [_calls(s), _fig(s.daily_worst), _fig(s.monthly_worst)]
            row.append("; ".join(s.unknowns + s.notes + _missing_why(s)) or "-")
            rows.append(row)
        out.extend(_md_table(headers, rows, right))
        out.append("")
        th, tr = _columns(["", "sites", "best / call", "worst / call"], [False, True, True, True],
                          ["worst / day", f"worst / {DAYS_PER_MONTH} days"] if projected else [])
        out += ["### Per file", ""]
        out.extend(_md_table(th, [[f"`{r[0]}`", *r[1:]] for r in _totals_rows(files, projected)], tr))
        out += ["", "### Per model", ""]
        out.extend(_md_table(th, _totals_rows(report.by_model(), projected), tr))
        out += ["", "### Total", ""]
        out.extend(_md_table(th, _totals_rows({"all call sites": report.total()}, projected), tr))
        out.append("")
    else:
        out += ["No Claude API call sites found.", ""]
    if report.savings is not None:
        out += ["### Savings", ""]
        if report.savings:
            rows = []
            for ss in report.savings:
                per = ("≥ " if ss.saving.lower_bound else "") + format_usd(ss.saving.per_call)
                row = [per, ss.saving.code, f"`{_where(ss.site)}`"]
                if projected:
                    row += _saving_projection(ss)
                row.append(ss.saving.sentence)
                rows.append(row)
            headers = ["per call", "code", "site"] + (["per day", f"per {DAYS_PER_MONTH} days"] if projected else [])
            headers.append("saving")
            right = [True, False, False] + ([True, True] if projected else []) + [False]
            out.extend(_md_table(headers, rows, right))
        else:
            out.append("No priced findings.")
        out.extend(f"\n_Note: {n}_" for n in report.all_savings_notes())
        out.append("")
    if report.errors:
        out += ["### Files that could not be estimated", ""]
        out.extend(f"- `{p}`: {r}" for p, r in report.errors)
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


# ----------------------------------------------------------------------------- json
def render_json(report: EstimateReport) -> str:
    return json.dumps(report.as_json(), indent=2, ensure_ascii=False) + "\n"
