"""The ``token budget`` section of pytest's terminal summary.

Live spend first (totals, tokens by kind, cache hit rate, per model), then what is not live spend
(mocked / replayed calls, shown apart), then what needs attention (refused calls, incomplete
streams, unknown usage, unpriced models), then the most expensive tests, like ``--durations``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pytest_tokenbudget.plugin.ledger.ledger import Entry, Ledger, Totals, fmt_usd

__all__ = ["render_lines", "write_section"]


def _n(value: int) -> str:
    return f"{value:,}"


def _rate(t: Totals) -> str:
    r = t.cache_hit_rate
    return "-" if r is None else f"{r:.0%}"


def _cost(t: Totals) -> str:
    """The cost cell: ``$?`` when nothing could be priced, ``+?`` when part of it could not."""
    if t.complete:
        return fmt_usd(t.cost_usd)
    return "$?" if t.cost_usd == 0 else fmt_usd(t.cost_usd) + "+?"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _totals_line(label: str, t: Totals) -> str:
    cost = fmt_usd(t.cost_usd) + ("" if t.complete else " (incomplete: a lower bound)")
    return (f"{label}: {_plural(t.calls, 'call')}, {_n(t.total_tokens)} tokens "
            f"(input {_n(t.input_tokens)}, cache write {_n(t.cache_write_tokens)}, "
            f"cache read {_n(t.cache_read_tokens)}, output {_n(t.output_tokens)}), "
            f"cache hit rate {_rate(t)}, cost {cost}")


def _table(rows: list[list[str]], right: Iterable[int] = ()) -> list[str]:
    if not rows:
        return []
    right = set(right)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for r in rows:
        cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))]
        out.append("  " + "  ".join(cells).rstrip())
    return out


def _per_model(ledger: Ledger, entries: list[Entry]) -> list[str]:
    by = ledger.by_model(entries)
    if not by:
        return []
    rows = [["model", "calls", "input", "cache write", "cache read", "output", "hit rate", "cost"]]
    for model, t in by.items():
        rows.append([model, _n(t.calls), _n(t.input_tokens), _n(t.cache_write_tokens), _n(t.cache_read_tokens),
                     _n(t.output_tokens), _rate(t), _cost(t)])
    return _table(rows, right=range(1, 8))


def _replayed_note(entries: list[Entry]) -> str:
    """``  (+ 2 replayed, would cost $0.0015 live)`` for a test's cassette replays / mocked calls."""
    replayed = [e for e in entries if not e.live and not e.refused]
    if not replayed:
        return ""
    t = Totals.of(replayed)
    return f"  (+ {t.calls} replayed, would cost {_cost(t)} live)"


def _top_tests(ledger: Ledger, top: int) -> list[str]:
    per_test: list[tuple[str, Totals, str]] = []
    for nodeid in ledger.nodeids():
        every = ledger.entries_for(nodeid)
        entries = [e for e in every if e.live]
        note = _replayed_note(every)
        if nodeid is None or ((not entries or all(e.refused for e in entries)) and not note):
            continue
        per_test.append((nodeid, Totals.of(entries), note))
    if not per_test:
        return []
    per_test.sort(key=lambda kv: (-kv[1].cost_usd, kv[0]))
    shown = per_test if top == 0 else per_test[:top]
    title = "all tests by cost" if top == 0 or top >= len(per_test) else f"{len(shown)} most expensive tests"
    rows = [[_cost(t), _plural(t.calls, "call"),
             _n(t.total_tokens) + " tok", nodeid + (f"  ({t.refused} refused)" if t.refused else "") + note]
            for nodeid, t, note in shown]
    lines = [title + ":"] + _table(rows, right=(0, 1, 2))
    hidden = len(per_test) - len(shown)
    if hidden:
        lines.append(f"({hidden} cheaper test{'s' if hidden != 1 else ''} hidden.  "
                     f"Use --token-budget-top=0 to show all.)")
    return lines


def _attention(entries: list[Entry]) -> list[str]:
    lines: list[str] = []
    refused = [e for e in entries if e.refused]
    if refused:
        by: dict[str, int] = {}
        for e in refused:
            by[e.refused_by or "budget"] = by.get(e.refused_by or "budget", 0) + 1
        how = ", ".join(f"{n} by the {scope} budget" for scope, n in by.items())
        lines.append(f"refused before sending: {_plural(len(refused), 'call')} ({how}); nothing was sent")
    sent = [e for e in entries if not e.refused]
    inc = [e for e in sent if e.incomplete_stream]
    if inc:
        lines.append(f"incomplete streams: {_plural(len(inc), 'call')} ended before the end event; output was "
                     "billed until the API noticed, so budgets were charged their worst case")
    unknown = [e for e in sent if e.usage_unknown]
    if unknown:
        # a stream that ran to its end without usage (a faulted one is unknown for another reason)
        openai_streams = sum(1 for e in unknown if e.endpoint in ("chat.completions", "completions") and e.streamed
                             and e.complete and e.raw_usage is None and not e.error)
        hint = (f" ({openai_streams} OpenAI stream(s) without stream_options={{'include_usage': True}})"
                if openai_streams else "")
        lines.append(f"usage unknown: {_plural(len(unknown), 'call')}{hint}; counted as calls, charged their "
                     "worst case against budgets, not in the token totals")
    unpriced = [e for e in sent if e.unpriced]
    if unpriced:
        models = sorted({e.model or "?" for e in unpriced})
        lines.append(f"unpriced: {_plural(len(unpriced), 'call')} to {', '.join(models)}; cost totals are "
                     f"incomplete. {unpriced[0].unpriced}")
    errors = [e for e in sent if not e.ok]
    if errors:
        lost = sum(1 for e in errors if e.usage_unknown)  # sent, response lost: maybe billed
        lines.append(f"failed attempts: {_plural(len(errors), 'call')} (error status or no response; "
                     "counted as calls, no tokens" + (f"; {lost} lost after sending may have been billed: "
                                                      "see usage unknown" if lost else "") + ")")
    return lines


def render_lines(ledger: Ledger, *, top: int = 5, header: str | None = None, failure: str | None = None,
                 internal_errors: Iterable[str] = (), notes: Iterable[str] = ()) -> list[str]:
    """The section's lines (no title)."""
    entries = list(ledger.entries)
    live = [e for e in entries if e.live or e.refused]
    replayed = [e for e in entries if not e.live and not e.refused]
    lines: list[str] = []
    if header:
        lines.append(header)
    lines.extend(notes)
    if not entries:
        lines.append("no LLM API calls were made")
    else:
        lines.append(_totals_line("live", Totals.of(live)))
        lines += _per_model(ledger, [e for e in live if not e.refused])
        if replayed:
            t = Totals.of(replayed)
            lines.append(f"mocked/replayed (not live, not in the live cost): {_plural(t.calls, 'call')}, "
                         f"{_n(t.total_tokens)} tokens, would cost {fmt_usd(t.cost_usd)} live")
            lines.append("  budgets: replayed calls count at what they would cost live"
                         if ledger.count_replayed else
                         "  budgets: replayed calls are not counted (token_budget_count_replayed = false)")
        lines += _attention(entries)
        lines += _top_tests(ledger, top)
    for err in internal_errors:
        lines.append(f"plugin error: {err}")
    if failure:
        lines.append(f"FAILED: {failure}")
    return lines


def write_section(terminalreporter: Any, ledger: Ledger, *, top: int = 5, header: str | None = None,
                  failure: str | None = None, internal_errors: Iterable[str] = (), notes: Iterable[str] = ()) -> None:
    """Write the ``token budget`` section to pytest's terminal reporter."""
    lines = render_lines(ledger, top=top, header=header, failure=failure, internal_errors=internal_errors,
                         notes=notes)
    terminalreporter.write_sep("=", "token budget", bold=True, red=bool(failure))
    for line in lines:
        bad = line.startswith(("FAILED:", "plugin error:"))
        terminalreporter.write_line(line, red=bad, bold=bad)
