"""Library calls that turn a known value into text, for the project evaluator (:mod:`.evaluate`):
``textwrap.dedent`` / ``inspect.cleandoc`` of a string, and ``json.dumps`` of a closed value (a
few-shot reply written as ``json.dumps(example_labels)``, a schema pasted into a prompt) with the
formatting its constant keywords ask for. The project evaluator (ast) and the call site's resolver
(libcst) both read them here. Anything else is not theirs (None)."""

from __future__ import annotations

import inspect
import json
import textwrap
from collections.abc import Callable
from typing import Any

from pytest_tokenbudget.lint.analysis.values import UNKNOWN, is_complete

__all__ = ["TEXT_CALLS", "front_matter", "text_of_call"]

TEXT_CALLS = frozenset({"textwrap.dedent", "inspect.cleandoc", "json.dumps"})

_JSON_KEYWORDS = frozenset({"indent", "ensure_ascii", "sort_keys", "separators"})


def text_of_call(q: str, args: list[Any], keyword_nodes: list[tuple[str | None, Any]],
                 value_of: Callable[[Any], Any]) -> Any:
    """The text ``q(*args, **keywords)`` returns, UNKNOWN when its input is not known, None when ``q``
    is none of these calls. ``keyword_nodes``: (name, expression) per keyword argument, None for
    ``**more``; ``value_of`` evaluates an expression (an :mod:`ast` or a libcst node: the project
    evaluator and the call site's resolver share this reading)."""
    if q in ("textwrap.dedent", "inspect.cleandoc") and len(args) == 1 and isinstance(args[0], str):
        return (textwrap.dedent if q == "textwrap.dedent" else inspect.cleandoc)(args[0])
    if q != "json.dumps" or len(args) != 1:
        return None
    # (evaluated only for json.dumps; ``default=`` is only called on what does not serialise, which a
    # closed value never holds: the dump without it raises then, and the text is unknown)
    keywords = {name: value_of(node) for name, node in keyword_nodes if name != "default"}
    if not is_complete(args[0]) or not set(keywords) <= _JSON_KEYWORDS \
            or not all(isinstance(v, (int, str, bool, tuple, list)) or v is None for v in keywords.values()):
        return UNKNOWN  # (cls=..., **options: the text depends on code the linter does not run)
    try:
        return json.dumps(args[0], **{k: tuple(v) if isinstance(v, list) else v for k, v in keywords.items() if k})
    except (TypeError, ValueError):
        return UNKNOWN


def front_matter(text: Any) -> Any:
    """What python-frontmatter's ``load`` returns for a file's ``text``, as far as a prompt reads it:
    ``post.content`` is the body after the ``---`` YAML header (a skill file's ``SKILL.md``), and the
    header's keys are ``post[...]`` (not read here). UNKNOWN for a text not fully known."""
    if not isinstance(text, str):
        return UNKNOWN
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() in ("---", "...")), None)
        if end is not None:
            text = "\n".join(lines[end + 1:])
    return {"content": text.strip("\n")}

