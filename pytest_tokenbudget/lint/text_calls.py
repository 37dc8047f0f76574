"""Library calls that turn a known value into text, for the project evaluator (:mod:`.evaluate`):
``textwrap.dedent`` / ``inspect.cleandoc`` of a string, and ``json.dumps`` of a closed value (a
few-shot reply written as ``json.dumps(example_labels)``, a schema pasted into a prompt) with the
formatting its constant keywords ask for. Anything else is not theirs (None)."""

from __future__ import annotations

import ast
import inspect
import json
import textwrap
from collections.abc import Callable
from typing import Any

from pytest_tokenbudget.lint.analysis.values import UNKNOWN, is_complete

__all__ = ["TEXT_CALLS", "text_of_call"]

TEXT_CALLS = frozenset({"textwrap.dedent", "inspect.cleandoc", "json.dumps"})

_JSON_KEYWORDS = frozenset({"indent", "ensure_ascii", "sort_keys", "separators"})


def text_of_call(q: str, args: list[Any], keyword_nodes: list[ast.keyword], value_of: Callable[[ast.expr], Any]) -> Any:
    """The text ``q(*args, **keywords)`` returns (``value_of`` evaluates a keyword's value), UNKNOWN
    when its input is not known, None when ``q`` is none of these calls."""
    if q in ("textwrap.dedent", "inspect.cleandoc") and len(args) == 1 and isinstance(args[0], str):
        return (textwrap.dedent if q == "textwrap.dedent" else inspect.cleandoc)(args[0])
    if q != "json.dumps" or len(args) != 1:
        return None
    keywords = {k.arg: value_of(k.value) for k in keyword_nodes}  # (evaluated only for json.dumps)
    if not is_complete(args[0]) or not set(keywords) <= _JSON_KEYWORDS \
            or not all(isinstance(v, (int, str, bool, tuple, list)) or v is None for v in keywords.values()):
        return UNKNOWN  # (default=str, cls=...: the text depends on code the linter does not run)
    try:
        return json.dumps(args[0], **{k: tuple(v) if isinstance(v, list) else v for k, v in keywords.items() if k})
    except (TypeError, ValueError):
        return UNKNOWN
