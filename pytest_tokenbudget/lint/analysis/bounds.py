"""Size bounds of a prompt that is one of several static texts.

A system prompt read from a dict with a key known only at run time (``PROMPTS.get(kind, default)``),
returned by a helper with several ``return`` branches (``get_system_prompt(language)``) or chosen by
``a if c else b`` resolves to a :class:`~.values.Text` whose hole carries ``options`` (see
:func:`~.values.choice`). Each candidate is itself static, so each one is a prefix the API can
cache on every call that sends it; the caching rules bound what the candidates send:

* :func:`lead_texts` — the static text each candidate starts with (its part before the first hole
  that has no options): TB101 takes the longest (the calls that send it re-send that much uncached,
  as when one of several callers passes a long prompt; a marker on a shorter one costs nothing);
* :func:`full_texts` — every candidate's whole text, when no hole is left without options: TB102
  takes the largest (an upper bound: every candidate is below the minimum).

Combinations are capped (:data:`MAX_CANDIDATES`): beyond that, no bound is given.

:func:`clears_minimum` and :func:`short_of_minimum` compare an estimate with a model's minimum
cacheable length, each with the margin its verdict needs (the estimator's error is one-sided).
"""

from __future__ import annotations

from typing import Any

from pytest_tokenbudget.lint.analysis.values import Hole, Text

__all__ = ["MAX_CANDIDATES", "NEAR_MINIMUM", "block_leads", "clears_minimum", "full_texts", "lead_texts", "most_tokens",
           "short_of_minimum"]

MAX_CANDIDATES = 32
NEAR_MINIMUM = 1.05  # a cl100k estimate within 5% of the minimum is too close to call (clears_minimum)


def _expand(value: Any, depth: int = 0) -> list[tuple[str, bool]] | None:
    """``(text, open)`` per candidate: the static text up to the first plain hole, and whether a
    plain hole (unknown text) cut it there. None when the candidates are too many."""
    if isinstance(value, str):
        return [(value, False)]
    if not isinstance(value, Text) or depth > 8:
        return [("", True)]
    out: list[tuple[str, bool]] = [("", False)]
    for part in value.parts:
        live = [c for c in out if not c[1]]
        if not live:
            break
        done = [c for c in out if c[1]]
        if isinstance(part, str):
            out = done + [(t + part, False) for t, _ in live]
        elif isinstance(part, Hole) and part.options:
            inner: list[tuple[str, bool]] = []
            for option in part.options:
                sub = _expand(option, depth + 1)
                if sub is None:
                    return None
                inner.extend(sub)
            out = done + [(t + s, o) for t, _ in live for s, o in inner]
        else:
            out = done + [(t, True) for t, _ in live]
        if len(out) > MAX_CANDIDATES:
            return None
    return out


def lead_texts(value: Any) -> list[str]:
    """The static text every candidate of ``value`` starts with, one per candidate ([] when the
    candidates cannot be listed)."""
    found = _expand(value)
    return [t for t, _ in found] if found else []


def full_texts(value: Any) -> list[str] | None:
    """Every candidate's whole text when each is fully static, else None."""
    found = _expand(value)
    if not found or any(is_open for _, is_open in found):
        return None
    return [t for t, _ in found]


def block_leads(value: Any) -> tuple[list[str], bool]:
    """A request block's :func:`lead_texts` (a text content block counts by its ``text``), and whether
    every candidate is whole (the block is one of several static texts, not a static start with
    per-call text after it)."""
    if isinstance(value, dict):
        value = value.get("text") if value.get("type", "text") == "text" else None
    if not isinstance(value, Text):
        return [], False
    return lead_texts(value), full_texts(value) is not None


def _without_bounded(value: Text) -> tuple[Text, int]:
    """``value`` with its size-bounded holes (``Hole.most``: a label field) taken out, and the sum
    of their bounds."""
    extra = 0
    parts: list[Any] = []
    for p in value.parts:
        if isinstance(p, Hole) and not p.options and p.most is not None:
            extra += p.most
            continue
        if isinstance(p, str) and parts and isinstance(parts[-1], str):
            parts[-1] += p
        else:
            parts.append(p)
    return Text(tuple(parts)), extra


def most_tokens(blocks: list[Any]) -> int | None:
    """The estimated tokens of ``blocks`` (request blocks) for the largest candidate: exact for
    static blocks, the largest of each block's :func:`full_texts` plus the bound of each label field
    in it (``Hole.most``); None when a block's size is not bounded (per-call text in it)."""
    from pytest_tokenbudget.core.tokens import estimate_tokens

    fixed: list[str] = []
    sizes = 0
    for b in blocks:
        if b.complete:
            fixed.append(b.text)
            continue
        value = b.value.get("text") if isinstance(b.value, dict) and b.value.get("type", "text") == "text" \
            else b.value
        rest = {k: v for k, v in b.value.items() if k not in ("text", "type", "cache_control")} \
            if isinstance(b.value, dict) else {}
        extra = 0
        if isinstance(value, Text):
            value, extra = _without_bounded(value)
        texts = full_texts(value) if isinstance(value, Text) and not rest else None
        if texts is None:
            return None
        sizes += max(estimate_tokens(t) for t in texts) + extra
    return sizes + (estimate_tokens("\n".join(fixed)) if fixed else 0)


def clears_minimum(tokens: int, minimum: int) -> bool:
    """Whether a prefix estimated at ``tokens`` clears a minimum cacheable length of ``minimum``
    with room to spare (the verdict of TB101 / TB105: the prefix *can* be cached, so say so).

    The estimator's documented error is one-sided: Claude's tokenizers count about 30% more tokens
    than tiktoken's cl100k for the same prose (:mod:`pytest_tokenbudget.core.tokens`), so a cl100k
    estimate at the minimum would likely be cached. A finding, though, must be one the user can
    trust at a glance: "~1,032 tokens against a 1,024 minimum" reads as a coin toss, the text the
    linter rebuilds (template fields, whitespace, the tools' JSON) is itself only a few percent
    exact, and a prefix at the threshold buys the smallest saving a cache can. An estimate must
    therefore clear the minimum by :data:`NEAR_MINIMUM` (5%); within that band the rules stay
    silent. The chars/4 fallback errs both ways, so it keeps
    :data:`~pytest_tokenbudget.core.tokens.SAFETY_MARGIN`.
    """
    from pytest_tokenbudget.core.tokens import SAFETY_MARGIN, estimator_name

    margin = NEAR_MINIMUM if estimator_name().startswith("tiktoken") else SAFETY_MARGIN
    return tokens >= minimum * margin


def short_of_minimum(tokens: int, minimum: int) -> bool:
    """Whether a prefix estimated at ``tokens`` is below ``minimum`` even if Claude counts ~35% more
    than the estimate (the verdict of TB102: the marker caches nothing): the side of the estimator's
    error that matters here is the undercount, so :data:`~pytest_tokenbudget.core.tokens.SAFETY_MARGIN` applies."""
    from pytest_tokenbudget.core.tokens import SAFETY_MARGIN

    return tokens * SAFETY_MARGIN < minimum
