"""The rule registry: every family module imported once, the rules listed by code or name."""

from __future__ import annotations

from pytest_tokenbudget.lint.rules import (  # noqa: F401  (importing a family registers its rules)
    batching, caching, hygiene, model, output, prefix_order, premium, stop_sequences, streaming, structure)
from pytest_tokenbudget.lint.rules.base import Rule, registered

__all__ = ["registry", "get_rule", "known_codes"]


def registry() -> dict[str, type[Rule]]:
    """Every registered rule by code, in code order."""
    return registered()


def get_rule(code_or_name: str) -> type[Rule] | None:
    """A rule by code (``TB101``) or name (``uncached-static-prefix``); ``None`` when unknown."""
    reg = registry()
    key = code_or_name.strip()
    if key.upper() in reg:
        return reg[key.upper()]
    for cls in reg.values():
        if cls.name == key.lower():
            return cls
    return None


def known_codes() -> list[str]:
    return list(registry())
