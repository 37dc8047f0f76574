"""A wrapper's cost from what its callers pass (pure functions over site estimates).

``def ask(system, q): return client.messages.create(system=system, ...)`` costs what its callers'
prompts cost: seen alone, its system prompt is a parameter and its input a lower bound of ~0.
``tokenbudget lint`` judges such a site once per caller (:mod:`..analysis.callerargs` variants);
``tokenbudget estimate`` prices each variant the same way and shows the site once:

* the **worst case** is the dearest caller's request (its model, its input, its output cap), a
  lower bound when that caller's is, or when another caller's request cannot be priced (named in
  the unknowns);
* the **best case** is the cheapest caller's;
* a note names the callers the figures come from.

No caller in sight: the site's own view stands. Callers none of whose requests can be priced (the
model picked at run time): the site's input is the largest caller's, still unpriced.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from pytest_tokenbudget.lint.estimate.sites import Figure, SiteEstimate

__all__ = ["MAX_NAMED", "over_callers"]

MAX_NAMED = 3  # callers named in the note


def over_callers(own: SiteEstimate, each: Sequence[tuple[SiteEstimate, str]]) -> SiteEstimate:
    """``own`` (the site seen alone) priced from its callers' variants ``each``: (estimate, caller)."""
    priced = [(e, who) for e, who in each if e.worst.usd is not None and e.best.usd is not None]
    if not priced:
        return _sized_by_callers(own, each)
    dear, _ = max(priced, key=lambda p: p[0].worst.usd)  # type: ignore[arg-type, return-value]
    cheap, _ = min(priced, key=lambda p: p[0].best.usd)  # type: ignore[arg-type, return-value]
    missing = [(e, who) for e, who in each if e.worst.usd is None or e.best.usd is None]
    unknowns = list(dear.unknowns) + [f"caller {who}: {e.unknowns[0] if e.unknowns else e.worst.why or 'not priced'}"
                                      for e, who in missing]
    callers = list(dict.fromkeys(who for _, who in each))
    named = ", ".join(callers[:MAX_NAMED]) + (", ..." if len(callers) > MAX_NAMED else "")
    note = (f"priced from what its caller passes ({named})" if len(callers) == 1 else
            f"priced from what {len(callers)} callers pass ({named}): worst is the dearest caller's request, "
            "best the cheapest's")
    worst = Figure(dear.worst.usd, dear.worst.lower_bound or bool(missing), dear.worst.why)
    return dataclasses.replace(
        dear, path=own.path, line=own.line, column=own.column, cell=own.cell, function=own.function,
        calls_per_day=own.calls_per_day, calls_per_day_source=own.calls_per_day_source, call=own.call,
        best=cheap.best, best_usage=cheap.best_usage, worst=worst,
        unknowns=tuple(dict.fromkeys(unknowns)), notes=tuple(dict.fromkeys([*dear.notes, note])))


def _sized_by_callers(own: SiteEstimate, each: Sequence[tuple[SiteEstimate, str]]) -> SiteEstimate:
    """No caller's request can be priced (a model the code picks at run time), but a caller's prompt
    is known: the site's input is the largest caller's (still a lower bound), not the ~0 of the
    wrapper's parameters, so the size of what it sends shows."""
    big, who = max(each, key=lambda p: p[0].input_tokens)
    if big.input_tokens <= own.input_tokens:
        return own
    note = f"input from what its caller passes ({who}); not priced: {big.worst.why or 'the model is not known'}"
    return dataclasses.replace(own, input_tokens=big.input_tokens, input_lower_bound=True,
                               unknowns=tuple(dict.fromkeys(big.unknowns)),
                               notes=tuple(dict.fromkeys([*own.notes, note])))
