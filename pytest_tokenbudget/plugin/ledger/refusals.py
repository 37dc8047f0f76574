"""The wording of a pre-flight refusal: which budget, what was spent, this call's worst case, and
why the call was refused -- both sides of a comparison shown so that they never read equal."""

from __future__ import annotations

from pytest_tokenbudget.core.errors import TokenBudgetExceeded
from pytest_tokenbudget.core.money import format_usd_pair
from pytest_tokenbudget.plugin.capture.types import CallRequest
from pytest_tokenbudget.plugin.ledger.amounts import Amounts, fmt_amount
from pytest_tokenbudget.plugin.ledger.budgets import Budget

__all__ = ["refusal_error"]


def refusal_error(budget: Budget, problem: tuple, request: CallRequest, worst: Amounts, why: str | None,
                  count_replayed: bool = True) -> TokenBudgetExceeded:
    """The error refusing ``request`` before sending: ``problem`` is the first of ``budget``'s
    violations, ``(dimension, limit, spent, reserved, worst)``."""
    dim, limit, spent, reserved, w = problem
    model = request.model or "?"
    assumed = f"; {why}" if w is not None and why and dim == "usd" else ""
    if w is None:
        detail = (f"this call's worst case in {dim.replace('_', ' ')} cannot be bounded "
                  f"({why or 'no max_tokens'})")
    elif limit == 0:
        what = "spend" if dim == "usd" else fmt_amount(dim, 0).partition(" ")[2]
        detail = f"the budget allows no {what}, and this call's worst case is {fmt_amount(dim, w)}"
    else:
        total = spent + reserved + w
        inflight = f" + in flight {fmt_amount(dim, reserved)}" if reserved else ""
        how = ""
        if dim in ("usd", "output_tokens", "total_tokens"):
            how = (f" (~{worst.input_tokens or 0:,} input tokens estimated + max_tokens "
                   f"{worst.output_tokens:,}" + (f" at {model} prices{assumed})" if dim == "usd" else ")"))
        shown_total, shown_limit = (format_usd_pair(total, limit) if dim == "usd"
                                    else (fmt_amount(dim, total), fmt_amount(dim, limit)))
        detail = (f"spent {fmt_amount(dim, spent)}{inflight} + this call's worst case "
                  f"{fmt_amount(dim, w)}{how} = {shown_total} > {shown_limit}")  # never "$0.0050 > $0.0050"
    where = budget.title if budget.scope != "test" else f"token budget of {budget.name}"
    unsure = ""
    if not count_replayed and request.expected_live is None:
        unsure = (" Replays are not counted here (token_budget_count_replayed = false), but whether a mock "
                  "or a cassette would answer this call cannot be known before sending (a custom transport, "
                  "a respx side effect, a mock the plugin does not know, or http.client), so it was checked as a "
                  "live call.")
    msg = (f"{where} ({budget.limits.describe()}): call to {model} refused before sending: {detail}. "
           f"Nothing was sent.{unsure}")
    err = TokenBudgetExceeded(msg, scope=budget.scope, budget=budget.name, dimension=dim, limit=limit,
                              spent=spent, reserved=reserved, attempted=w, refused=True)
    err.budget_ref = budget  # for the plugin's pytest_tokenbudget_budget_exceeded hook
    return err
