"""Fix builders: libcst replacements (:class:`~.types.FixSpec`) for the TB101, TB204 and TB205 rules.

Each builder takes the :class:`~.types.CallSite` a rule is reporting on and returns a
:class:`FixSpec`, or ``None`` when the code is not in a shape the fix can rewrite without guessing
(a value behind ``**kwargs``, a batch ``params`` dict, a list built elsewhere ...). Rules attach
the result to their :class:`~.types.Report` (``fix=...``); the engine turns it into text edits and
:mod:`.fixes` applies them. Formatting and comments are kept: only the replaced nodes change, and
an inserted argument copies the separators (commas, line breaks, indentation) of its neighbours.

Applicability (ruff's meaning: "unsafe" may change what the program does):

* TB205 add ``stop_sequences=['</tag>']``: **unsafe** - the response text no longer contains the
  closing tag (and nothing after it), so code that searches for ``</tag>`` in the reply changes.
* TB101 ``system="..."`` -> ``[{"type": "text", "text": ..., "cache_control": {"type":
  "ephemeral"}}]``: safe (same prompt, now cached). When the system prompt is not a string (or the
  static prefix runs into the messages), the top-level ``cache_control={"type": "ephemeral"}``
  (automatic caching, anthropic SDK >= 2.x): **unsafe**, as older SDKs reject the argument.
* TB204 lower ``max_tokens`` to the short-answer limit: **unsafe** (a longer answer is cut off).
"""

from __future__ import annotations

from typing import Any

from pytest_tokenbudget.lint.types import CallSite, FixSpec

__all__ = ["stop_sequence_fix", "lower_max_tokens_fix", "cache_control_fix", "add_keyword", "FIXABLE"]

# Which rules carry a fix, and the applicability of their usual fix (for docs / ``tokenbudget rules``).
FIXABLE = {"TB101": "safe", "TB204": "unsafe", "TB205": "unsafe", "TB303": "safe"}

# Rule modules import this module on every run (warm runs included), so libcst stays out of its
# top level: the node work lives in :mod:`.fix_nodes`, imported when a fix is actually built.


def stop_sequence_fix(call: CallSite, closing: str) -> FixSpec | None:
    """TB205: add ``closing`` (e.g. ``"</answer>"``) to the call's stop sequences (unsafe).

    No ``stop_sequences`` (OpenAI: ``stop``) argument: one is added with ``[closing]``. A list
    literal written in the call: ``closing`` is appended. Anything else: ``None``.
    """
    from pytest_tokenbudget.lint.fix_nodes import stop_sequence_fix as build

    return build(call, closing)


def lower_max_tokens_fix(call: CallSite, limit: int) -> FixSpec | None:
    """TB204: replace an integer literal ``max_tokens`` by ``limit`` (unsafe); ``None`` otherwise."""
    from pytest_tokenbudget.lint.fix_nodes import lower_max_tokens_fix as build

    return build(call, limit)


def cache_control_fix(call: CallSite, *, prefix_sections: tuple[str, ...] | None = None) -> FixSpec | None:
    """TB101: the system string as a cached text block (safe), else top-level ``cache_control`` (unsafe)."""
    from pytest_tokenbudget.lint.fix_nodes import cache_control_fix as build

    return build(call, prefix_sections=prefix_sections)


def add_keyword(node: Any, name: str, value: Any) -> Any:
    """``node`` (a libcst Call) with ``name=value`` appended in the call's own layout."""
    from pytest_tokenbudget.lint.fix_nodes import add_keyword as build

    return build(node, name, value)
