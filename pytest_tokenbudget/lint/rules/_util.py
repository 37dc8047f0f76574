"""Small helpers shared by rule families (token prices, model facts, where a finding points)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pytest_tokenbudget.core.catalog import ModelInfo
from pytest_tokenbudget.core.money import decimal_str, format_usd

MTOK = Decimal(1_000_000)


def usd(tokens: int, per_mtok: Decimal | None) -> str | None:
    """What ``tokens`` cost at a per-MTok price, for people (None when the price is unknown)."""
    if per_mtok is None:
        return None
    return format_usd(Decimal(tokens) * per_mtok / MTOK)


def money(tokens: int, per_mtok: Decimal | None) -> str | None:
    """The exact amount as a plain decimal string (for JSON ``properties``)."""
    if per_mtok is None:
        return None
    return decimal_str(Decimal(tokens) * per_mtok / MTOK)


def thinks_by_default(info: ModelInfo) -> bool:
    """Models whose thinking is on unless disabled (thinking tokens count toward max_tokens).

    Opus 5 thinks by default; Fable 5.x and Opus 5.5 use
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


def saving(code: str, call: Any, ctx: Any, **options: Any) -> dict[str, Any]:
    """The priced saving of fixing a finding, as ``Report`` properties (``{}`` when unknown).

    The pricing modules load on the first finding, not with the rules: every warm run imports the
    rule modules and most never report anything.
    """
    from pytest_tokenbudget.lint.estimate.savings import saving_properties

    return saving_properties(code, call, ctx, **options)


def moved_first(call: Any) -> str:
    """What advice on a legacy Text Completions request adds: Message Batches take Messages requests only."""
    return " (after moving this legacy completions.create to messages.create)" if call.kind == "completion" else ""


def batches_api(call: Any) -> str:
    """How a finding names the Message Batches API for ``call``'s client (the OpenAI SDK sent to the
    Claude API batches through the anthropic SDK)."""
    if call.sdk == "openai":
        return ("the Message Batches API (the anthropic SDK's client.messages.batches.create: the OpenAI-compatible "
                "endpoint has none)")
    return "the Message Batches API (client.messages.batches.create)"


def _shown(path: str) -> str:
    import os

    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def loop_site(c: Any) -> str:
    """``runner.py:12``, or ``eval.ipynb:cell 4:2`` (the line within its cell) for a notebook."""
    cell = getattr(c, "cell", None)
    return f"{_shown(c.path)}:cell {cell}:{c.line}" if cell is not None else f"{_shown(c.path)}:{c.line}"


def related_loop(c: Any) -> dict[str, Any]:
    """A loop in a caller as a finding's ``related`` location."""
    out: dict[str, Any] = {"path": _shown(c.path), "line": c.line, "message": "loop here"}
    if getattr(c, "cell", None) is not None:
        out["cell"] = c.cell
    return out


def shown_code(node: Any, width: int = 40) -> str:
    """A libcst node's code on one line, cut to ``width`` characters (what a loop goes over, in a message)."""
    import libcst as cst

    try:
        text = cst.Module(body=[]).code_for_node(node)
    except Exception:  # pragma: no cover - odd nodes
        return ""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."
