"""Money and token amounts, budget limits and overruns: the arithmetic of budgets, no state.

Money is ``Decimal``; ``as_json`` gives decimal strings for JSON and pytest-xdist.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from pytest_tokenbudget.core.cost import money_str
from pytest_tokenbudget.core.errors import TokenBudgetExceeded
from pytest_tokenbudget.core.money import format_usd, format_usd_pair

DIMENSIONS = ("usd", "input_tokens", "output_tokens", "total_tokens", "calls")
_ZERO = Decimal(0)


# ----------------------------------------------------------------------------- formatting
def fmt_amount(dimension: str, value: Any) -> str:
    """A value of one budget dimension, for people."""
    if value is None:
        return "unbounded" if dimension != "usd" else "$?"
    if dimension == "usd":
        return format_usd(value)
    unit = {"calls": "calls", "input_tokens": "input tokens", "output_tokens": "output tokens",
            "total_tokens": "tokens"}[dimension]
    if dimension == "calls" and value == 1:
        unit = "call"
    return f"{value:,} {unit}"


def _pct_over(spent: Any, limit: Any) -> str:
    if not limit:
        return "nothing was allowed"
    pct = (Decimal(spent) - Decimal(limit)) * 100 / Decimal(limit)
    return f"{pct.quantize(Decimal(1)):f}% over"


# ----------------------------------------------------------------------------- amounts & limits
def _to_usd(value: Any, what: str) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(f"{what}: expected a dollar amount, got {value!r}")
    if isinstance(value, float):
        value = repr(value)  # 0.01 -> Decimal("0.01"), not the binary expansion
    try:
        d = Decimal(str(value).strip().lstrip("$")) if isinstance(value, str) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"{what}: expected a dollar amount such as 0.05, got {value!r}") from None
    if not d.is_finite() or d < 0:
        raise ValueError(f"{what}: a dollar amount must be a finite number >= 0, got {value!r}")
    return d


def _to_count(value: Any, what: str) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{what}: expected a whole number >= 0, got {value!r}")
    return value


@dataclass(frozen=True, init=False)
class Amounts:
    """A quantity in every budget dimension. ``None`` in a field means unknown / unbounded."""

    usd: Decimal | None = _ZERO
    input_tokens: int | None = 0  # all input: uncached + cache writes + cache reads
    output_tokens: int | None = 0
    calls: int = 0

    def __init__(self, usd: Decimal | None = _ZERO, input_tokens: int | None = 0, output_tokens: int | None = 0,
                 calls: int = 0) -> None:
        # the ledger's hot path builds several per call: fill the instance dict directly (a frozen
        # dataclass's generated __init__ goes through object.__setattr__ once per field)
        d = self.__dict__
        d["usd"] = usd
        d["input_tokens"] = input_tokens
        d["output_tokens"] = output_tokens
        d["calls"] = calls

    @property
    def total_tokens(self) -> int | None:
        if self.input_tokens is None or self.output_tokens is None:
            return None
        return self.input_tokens + self.output_tokens

    def get(self, dimension: str) -> Any:
        return getattr(self, dimension)

    def known(self) -> Amounts:
        """Unknown fields as 0 (what is reserved for a dimension without a limit)."""
        if self.usd is not None and self.input_tokens is not None and self.output_tokens is not None:
            return self  # immutable: nothing to fill in
        return Amounts(self.usd or _ZERO, self.input_tokens or 0, self.output_tokens or 0, self.calls)

    def __add__(self, other: Amounts) -> Amounts:
        return Amounts(_add(self.usd, other.usd), _add(self.input_tokens, other.input_tokens),
                       _add(self.output_tokens, other.output_tokens), self.calls + other.calls)

    def __sub__(self, other: Amounts) -> Amounts:
        if other is _NONE:  # settling a call nothing was reserved for
            return self.known()
        o = other.known()
        s = self.known()
        return Amounts(s.usd - o.usd, s.input_tokens - o.input_tokens, s.output_tokens - o.output_tokens,
                       s.calls - o.calls)

    def at_least(self, other: Amounts) -> Amounts:
        """Field-wise maximum (unknown fields of ``other`` are ignored)."""
        def mx(a, b):
            return a if b is None else max(a, b)
        s = self.known()
        return Amounts(mx(s.usd, other.usd), mx(s.input_tokens, other.input_tokens),
                       mx(s.output_tokens, other.output_tokens), max(s.calls, other.calls))

    def as_json(self) -> dict[str, Any]:
        return {"usd": None if self.usd is None else money_str(self.usd), "input_tokens": self.input_tokens,
                "output_tokens": self.output_tokens, "calls": self.calls}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Amounts:
        usd = data.get("usd")
        return cls(None if usd is None else Decimal(usd), data.get("input_tokens"), data.get("output_tokens"),
                   int(data.get("calls", 0)))


_NONE = Amounts()  # the empty amount (an identity check, so fresh Amounts() compare by value as before)


def _add(a, b):
    return None if a is None or b is None else a + b


@dataclass(frozen=True)
class Limits:
    """A budget in each dimension; ``None`` = no limit for that dimension, ``0`` = nothing allowed."""

    usd: Decimal | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    total_tokens: int | None = None
    calls: int | None = None

    @classmethod
    def parse(cls, where: str = "token budget", **values: Any) -> Limits:
        """Validated limits from loose values (``usd`` as str/int/float/Decimal, counts as int)."""
        unknown = set(values) - set(DIMENSIONS)
        if unknown:
            raise ValueError(f"{where}: unknown budget dimension(s) {', '.join(sorted(unknown))}; "
                             f"allowed: {', '.join(DIMENSIONS)}")
        out: dict[str, Any] = {}
        for dim, v in values.items():
            if v is None:
                out[dim] = None
            elif dim == "usd":
                out[dim] = _to_usd(v, f"{where} usd")
            else:
                out[dim] = _to_count(v, f"{where} {dim}")
        return cls(**out)

    def items(self) -> list[tuple[str, Any]]:
        """The dimensions that have a limit, with it."""
        got = self.__dict__.get("_items")
        if got is None:  # immutable: computed once (budgets check it on every call)
            got = tuple((d, getattr(self, d)) for d in DIMENSIONS if getattr(self, d) is not None)
            object.__setattr__(self, "_items", got)
        return list(got)

    def __bool__(self) -> bool:
        return bool(self.items())

    def describe(self) -> str:
        return ", ".join(fmt_amount(d, v) for d, v in self.items()) or "no limit"

    def as_json(self) -> dict[str, Any]:
        return {d: (money_str(v) if d == "usd" and v is not None else v) for d, v in
                ((d, getattr(self, d)) for d in DIMENSIONS)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Limits:
        return cls.parse("json", **{k: v for k, v in data.items() if k in DIMENSIONS})


@dataclass(frozen=True)
class Overrun:
    """One dimension of one budget that went over its limit."""

    scope: str
    budget: str
    dimension: str
    limit: Any
    spent: Any

    @property
    def excess(self) -> Any:
        return self.spent - self.limit

    def describe(self) -> str:
        """pytest-django style: ``spent $0.0123 of a $0.01 budget (+$0.0023, 23% over)``."""
        if self.dimension == "usd":
            spent, limit = format_usd_pair(self.spent, self.limit)
            return f"spent {spent} of a {limit} budget (+{format_usd(self.excess)}, {_pct_over(self.spent, self.limit)})"
        return (f"used {fmt_amount(self.dimension, self.spent)} of a {fmt_amount(self.dimension, self.limit)} budget "
                f"(+{self.excess:,}, {_pct_over(self.spent, self.limit)})")

    def error(self) -> TokenBudgetExceeded:
        return TokenBudgetExceeded(f"{_scope_title(self.scope, self.budget)}: {self.describe()}",
                                   scope=self.scope, budget=self.budget, dimension=self.dimension,
                                   limit=self.limit, spent=self.spent)


def _scope_title(scope: str, name: str) -> str:
    if scope == "session":
        return "session token budget"
    if scope == "test":
        return "token budget"
    return f"token budget block {name!r}" if name else "token budget block"
