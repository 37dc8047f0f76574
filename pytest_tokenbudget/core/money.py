"""Money for people and for machines: the one formatter every output uses.

The rule (one rule, everywhere: pytest summary, reports, lint messages, estimate, prices):

- ``None`` is an unknown amount: ``$?``. Zero is ``$0``.
- At or above one dollar: cents, with thousands separators, and whole amounts without them:
  ``$12.50``, ``$1,234.56``, ``$3``, ``$15``.
- Below one dollar: three significant digits, never fewer than two decimals, trailing zeros past
  the second decimal dropped, and never rounded to zero: ``$0.50``, ``$0.0123``, ``$0.00837``,
  ``$0.005``, ``$0.000001``.

Machines get :func:`decimal_str` (exact, no exponent, no trailing zeros) or integer micro-dollars
(:func:`to_micros`), which is what crosses process boundaries: ``Decimal`` does not pickle through
xdist's channel, strings and ints do.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_EVEN, Decimal

__all__ = ["SIGNIFICANT_DIGITS", "decimal_str", "format_usd", "format_usd_pair", "from_micros", "to_micros"]

SIGNIFICANT_DIGITS = 3
_CENT = Decimal("0.01")
_MICRO = Decimal("0.000001")


def decimal_str(amount: Decimal) -> str:
    """An exact decimal string with no exponent and no trailing zeros: ``Decimal("0.02040")`` -> ``"0.0204"``."""
    text = format(amount.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def format_usd(amount: Decimal | int | str | None, *, digits: int = SIGNIFICANT_DIGITS) -> str:
    """``amount`` in US dollars for people, by the module's rule (``digits`` significant digits below $1)."""
    if amount is None:
        return "$?"
    amount = Decimal(amount)
    if amount == 0:
        return "$0"
    sign, amount = ("-", -amount) if amount < 0 else ("", amount)
    if amount >= 1:
        cents = amount.quantize(_CENT, rounding=ROUND_HALF_EVEN)
        if cents >= 1 and cents == cents.to_integral_value():
            return f"{sign}${cents:,.0f}"
        return f"{sign}${cents:,.2f}"
    places = max(digits - 1 - amount.adjusted(), 2)
    text = f"{amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN):f}"
    if Decimal(text) == 0:  # never print a non-zero amount as $0
        text = f"{amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_CEILING):f}"
    whole, frac = text.split(".")
    frac = frac.rstrip("0").ljust(2, "0")
    if Decimal(f"{whole}.{frac}") >= 1:  # 0.9996 rounds up to a dollar
        return f"{sign}${Decimal(f'{whole}.{frac}'):,.0f}"
    return f"{sign}${whole}.{frac}"


def format_usd_pair(a: Decimal | None, b: Decimal | None) -> tuple[str, str]:
    """Both amounts with just enough digits that unequal amounts never print alike.

    A refusal that reads "$0.0050 > $0.0050" is useless: ``(0.00504, 0.005)`` gives
    ``("$0.00504", "$0.005")`` and ``(0.0050004, 0.005)`` gives ``("$0.0050004", "$0.005")``.
    """
    digits = SIGNIFICANT_DIGITS
    left, right = format_usd(a, digits=digits), format_usd(b, digits=digits)
    while a is not None and b is not None and Decimal(a) != Decimal(b) and left == right and digits < 28:
        digits += 1
        left, right = format_usd(a, digits=digits), format_usd(b, digits=digits)
    return left, right


def to_micros(amount: Decimal) -> int:
    """Integer micro-dollars, rounded up: a budget check on micros never under-counts."""
    return int((Decimal(amount) / _MICRO).to_integral_value(rounding=ROUND_CEILING))


def from_micros(micros: int) -> Decimal:
    """The inverse of :func:`to_micros` (exact for amounts that are whole micro-dollars)."""
    return Decimal(micros) * _MICRO
