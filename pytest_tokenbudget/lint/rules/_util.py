"""Small helpers shared by rule families (money formatting, model facts)."""

from __future__ import annotations

from decimal import Decimal

from pytest_tokenbudget.core.catalog import ModelInfo

MTOK = Decimal(1_000_000)


def usd(tokens: int, per_mtok: Decimal | None) -> str | None:
    """``$0.0123`` for ``tokens`` at a per-MTok price (None when the price is unknown)."""
    if per_mtok is None:
        return None
    amount = Decimal(tokens) * per_mtok / MTOK
    if amount >= 1:
        return f"${amount:.2f}"
    if amount >= Decimal("0.01"):
        return f"${amount:.3f}"
    return f"${amount:.4f}" if amount >= Decimal("0.0001") else f"${amount:.6f}"


def money(tokens: int, per_mtok: Decimal | None) -> str | None:
    """The exact amount as a plain decimal string (for JSON ``properties``)."""
    if per_mtok is None:
        return None
    return format((Decimal(tokens) * per_mtok / MTOK).normalize(), "f")


def thinks_by_default(info: ModelInfo) -> bool:
    """Models whose thinking is on unless disabled (thinking tokens count toward max_tokens).

    Facts (shared/facts/anthropic.md §4): Opus 5 thinks by default; Fable 5.x and Opus 5.5 use
    adaptive thinking "always on". Mythos rows are treated like Fable (same line, same policy).
    """
    fam = info.family or ""
    if fam in ("fable", "mythos"):
        return True
    if fam == "opus":
        try:
            return float(info.generation or "0") >= 5
        except ValueError:
            return True
    return False


def fmt_int(n: int) -> str:
    return f"{n:,}"
