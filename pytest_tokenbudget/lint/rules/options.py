"""The ``[tool.tokenbudget.lint]`` options rules read, with their defaults: written once, here.

Rules declare the keys they read (``OPTIONS = options("short-answer-max-tokens")``), messages and
docs quote :data:`DEFAULTS`, and the settings start from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["DEFAULTS", "options"]

DEFAULTS: Mapping[str, Any] = {
    "max-tokens-ceiling": 16384,
    "short-answer-max-tokens": 64,
    "require-stop-sequences": False,
    # test code (tests/, test_*.py, *_test.py, conftest.py, clients at localhost): "correctness"
    # rules only, "all" rules, or "skip" it
    "test-code": "correctness",
}


def options(*keys: str) -> dict[str, Any]:
    """``{key: default}`` for the given option keys (a rule's ``OPTIONS``)."""
    return {key: DEFAULTS[key] for key in keys}
