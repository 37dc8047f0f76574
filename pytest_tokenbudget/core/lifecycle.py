"""What a model's lifecycle means for a call, in one sentence shared by the linter (TB302),
``tokenbudget cost`` and ``tokenbudget prices``.

"claude-3-5-sonnet-20241022 was retired on 2025-10-28: every call fails; use claude-sonnet-5-5
($2 / $10)". The verdict is taken on a day (default :func:`~pytest_tokenbudget.core.catalog.today`)
and for a platform: Bedrock and Google Cloud keep their own schedules, and a model retired on the
Claude API may still be served there.
"""

from __future__ import annotations

import datetime as _dt

from pytest_tokenbudget.core.catalog import PLATFORM_NAMES, Catalog, ModelInfo, Status, today
from pytest_tokenbudget.core.money import format_usd

__all__ = ["instead", "lifecycle_label", "lifecycle_sentence"]


def instead(catalog: Catalog, info: ModelInfo, on: _dt.date | None = None) -> str:
    """``"; use claude-sonnet-5-5 ($2 / $10)"``, or ``""`` when the model has no successor."""
    new = catalog.successor(info, on)
    if new is None:
        return ""
    known = new.input is not None and new.output is not None
    price = f" ({format_usd(new.input)} / {format_usd(new.output)})" if known else ""
    return f"; use {new.id}{price}"


def _days(n: int) -> str:
    return f"in {n} day{'s' if n != 1 else ''}"


def _where(st: Status) -> str:
    return "" if st.platform == "api" else f" on {PLATFORM_NAMES[st.platform]}"


def lifecycle_sentence(catalog: Catalog, info: ModelInfo, *, on: _dt.date | None = None, platform: str = "api",
                       name: str | None = None) -> str | None:
    """The sentence for a retired, deprecated or partner-platform model; ``None`` when a call
    to it is in good standing (active or legacy on the Claude API)."""
    day = on if on is not None else today()
    st = info.status(day, platform)
    who = name or info.id
    use = instead(catalog, info, day)
    if st.state == "retired":
        when = f" on {st.retired.isoformat()}" if st.retired else ""
        return f"{who} was retired{_where(st)}{when}: every call fails{use}"
    if st.state == "deprecated":
        if st.retired is not None:
            return (f"{who} is deprecated{_where(st)} and retires on {st.retired.isoformat()} "
                    f"({_days((st.retired - day).days)}): calls fail after that date{use}")
        return f"{who} is deprecated{_where(st)} and will be retired{use}"
    if platform == "api":
        return None
    api = info.status(day, "api")
    on_api = f"; on the Claude API it was retired on {api.retired.isoformat()}" if api.state == "retired" and api.retired else ""
    if st.state == "available":
        return f"{who} is still served{_where(st)}{' (' + st.note + ')' if st.note else ''}{on_api}"
    if st.state == "unknown":
        return f"{who}: its lifecycle{_where(st)} is not recorded in the catalog{on_api}"
    return None


def lifecycle_label(info: ModelInfo, *, on: _dt.date | None = None, platform: str = "api") -> str:
    """A short label for tables: ``active``, ``legacy``, ``deprecated 2027-01-22``, ``retired 2025-10-28``."""
    st = info.status(on, platform)
    if st.state == "retired" and st.retired:
        return f"retired {st.retired.isoformat()}"
    if st.state == "deprecated" and st.retired:
        return f"deprecated, retires {st.retired.isoformat()}"
    return st.state
