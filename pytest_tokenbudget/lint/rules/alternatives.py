"""Which model to suggest instead of another: the cheaper line (TB301 and its saving figure)."""

from __future__ import annotations

import re

from pytest_tokenbudget.core.catalog import Catalog, ModelInfo

__all__ = ["cheaper_alternative", "generation_key", "usable"]


def generation_key(info: ModelInfo) -> tuple[int, ...]:
    """``"5.5"`` -> (5, 5); ``"4"`` -> (4, 0); anything else sorts first."""
    gen = info.generation or ""
    if not re.fullmatch(r"\d+(?:\.\d+)*", gen):
        return (-1,)
    nums = tuple(int(p) for p in gen.split("."))
    return nums + (0,) * (2 - len(nums))


def usable(info: ModelInfo) -> bool:
    """Active or legacy, with both prices known and above zero (ratios divide by them)."""
    return (info.lifecycle in ("active", "legacy") and info.input is not None and info.output is not None
            and info.input > 0 and info.output > 0)


def cheaper_alternative(catalog: Catalog, info: ModelInfo) -> ModelInfo | None:
    """The model to suggest instead of a premium one for a simple task.

    The economy line first (a label, a yes/no or a few fields need no more): the same generation's
    economy model, else the newest active economy model (Opus 5.5 -> Haiku 5.5, Opus 4.6 -> Haiku
    5.5); only when there is none, the standard line the same way. Only usable (active / legacy,
    priced) models cheaper on both prices.
    """
    if info.input is None or info.output is None:
        return None
    cheaper = [m for m in catalog if m.tier in ("economy", "standard") and usable(m)
               and m.input < info.input and m.output < info.output]
    for tier in ("economy", "standard"):
        same = [m for m in cheaper if m.tier == tier and m.generation == info.generation]
        if same:
            return same[0]
        newest = sorted((m for m in cheaper if m.tier == tier and m.lifecycle == "active"),
                        key=generation_key, reverse=True)
        if newest:
            return newest[0]
    return None
    cheaper = [m for m in catalog if m.tier in ("economy", "standard") and usable(m)
               and m.input < info.input and m.output < info.output]
    for tier in ("economy", "standard"):
        same = [m for m in cheaper if m.tier == tier and m.generation == info.generation]
        if same:
            return same[0]
    for tier in ("economy", "standard"):
        newest = sorted((m for m in cheaper if m.tier == tier and m.lifecycle == "active"),
                        key=generation_key, reverse=True)
        if newest:
            return newest[0]
    return None
