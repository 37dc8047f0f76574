"""Values that change on every call (the current time, a uuid, a random number), for TB104.

A cache hit needs a byte-identical prefix, so a cached system prompt that interpolates
``datetime.now()`` is rewritten (and re-paid at the cache-write price) on every request. Both
evaluators (the libcst resolver for the checked file, the :mod:`ast` evaluator of the project index
for prompts built in other modules) ask this module which calls produce such a value and what
survives a method call on one: ``now.strftime("%H:%M")``, ``now.isoformat()`` and ``str(now)``
stay volatile; ``now.strftime("%d.%m.%Y")`` (a date to the day, stable for a day) does not,
nor do ``now.date()`` and ``date.today()``: a prefix that changes once a day still hits all day
(they are :data:`.values.DAILY`, a date the text around it caches with).
"""

from __future__ import annotations

import re
from typing import Any

from pytest_tokenbudget.lint.analysis.values import DAILY, UNKNOWN, Daily, Unknown

__all__ = ["VOLATILE_EXACT", "VOLATILE_METHODS", "daily_call", "formatted_field", "volatile_call", "volatile_method",
           "volatile_format"]

VOLATILE_EXACT = frozenset({
    "time.time", "time.time_ns", "time.monotonic", "time.monotonic_ns", "time.perf_counter",
    "time.perf_counter_ns", "time.strftime", "time.ctime", "time.localtime", "time.gmtime", "time.asctime",
    "datetime.datetime.now", "datetime.datetime.utcnow", "datetime.datetime.today",
    "uuid.uuid1", "uuid.uuid4", "os.urandom", "os.getpid",
})
_VOLATILE_MODULES = ("random.", "secrets.")

# strftime directives finer than a day (or that print the whole timestamp)
_SUB_DAY = re.compile(r"%[-#]?[HIMSfpXcrRTs]")
# what a method keeps of a volatile value: the whole value, or nothing finer than a day
_KEEPS = frozenset({"isoformat", "ctime", "timestamp", "time", "timetz", "astimezone", "replace", "hex",
                    "__str__", "format", "upper", "lower", "strip"})

VOLATILE_METHODS = _KEEPS | {"strftime", "date"}  # the methods :func:`volatile_method` answers for
_TODAY = frozenset({"datetime.date.today"})


def volatile_call(qualname: str, args: list[Any] | None = None) -> str | None:
    """``"datetime.datetime.now()"`` for a call of a per-call value source, else None (also for
    ``time.strftime`` with a format to the day, passed in ``args``; ``date.today()`` is a date)."""
    if qualname == "time.strftime" and args and not volatile_format(args[0]):
        return None
    if qualname in VOLATILE_EXACT or qualname.startswith(_VOLATILE_MODULES) or (
            qualname.endswith(".strftime") and qualname.startswith(("datetime.", "time."))):
        return f"{qualname}()"
    return None


def daily_call(qualname: str, args: list[Any] | None = None) -> bool:
    """A call whose value is today's date: ``date.today()``, ``time.strftime("%Y-%m-%d")``."""
    return qualname in _TODAY or qualname == "time.strftime" and bool(args) and not volatile_format(args[0])


def volatile_format(spec: Any) -> bool:
    """Whether a strftime format keeps a per-call value volatile: it prints a time of day (or it
    cannot be read); a format to the day (``%d.%m.%Y``) changes once a day and caches well."""
    return not isinstance(spec, str) or bool(_SUB_DAY.search(spec))


def formatted_field(value: Any, spec: Any = None) -> Any:
    """An f-string field ``{value:spec}`` (``spec`` None when it has none) of a per-call or a daily
    value: still per-call when it prints a time of day, :data:`.values.DAILY` when a date to the day
    (``{now:%Y-%m-%d}``, ``{today}``); None for any other value. Both evaluators ask it."""
    if isinstance(value, Daily):
        return DAILY
    if isinstance(value, Unknown) and value.volatile:
        return value if spec is None or volatile_format(spec) else DAILY
    return None


def volatile_method(base: Any, name: str, args: list[Any]) -> Any:
    """``base.name(*args)`` for a volatile ``base``: still volatile, :data:`.values.DAILY` when the
    result is a date to the day, UNKNOWN for any other part; today's date for a :class:`.values.Daily`
    ``base`` (``today.isoformat()``); None when ``base`` is neither."""
    if isinstance(base, Daily):
        return base if name in VOLATILE_METHODS else None  # today.isoformat(), today.strftime("%d %B")
    if not (isinstance(base, Unknown) and base.volatile):
        return None
    if name == "strftime":
        return base if args and volatile_format(args[0]) else DAILY
    return base if name in _KEEPS else DAILY if name == "date" else UNKNOWN
