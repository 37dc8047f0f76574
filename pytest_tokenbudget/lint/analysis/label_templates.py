"""A JSON answer template of enumerated labels under a small output budget (TB301).

:mod:`.task_shape` sees a classification in quoted labels (``"spam" or "ham"``). Templates often
list the labels bare, inside the field's value::

    {"entity_type": "one of: fund_launch, leadership_change, m_and_a, partnership",
     "sentiment": "positive, neutral, or negative",
     "relevance_score": 1-10, "key_insight": "one sentence", "story_angle": "a potential article angle"}

:func:`label_fields` finds such fields (three or more bare one-word labels). When the request also
caps the answer at :data:`SMALL_ANSWER_TOKENS` (``max_tokens=350``), the whole answer is a label
record: no field of it can be the article or the story its description mentions, so
:func:`without_answer_fields` drops every field line of the template before the words of real work
are looked for. Without label fields, or with a larger budget, nothing changes.
"""

from __future__ import annotations

import re

__all__ = ["SMALL_ANSWER_TOKENS", "label_fields", "without_answer_fields"]

SMALL_ANSWER_TOKENS = 512

_LABEL = r"[a-z][a-z0-9_\-]{0,30}"
# '"sentiment": "positive, neutral, or negative"' / '"type": "one of: a, b, c"' on its own line
_LABEL_FIELD = re.compile(rf"^[ \t]*[\"'](\w{{1,40}})[\"'][ \t]*:[ \t]*[\"'](?:(?:one|exactly\s+one)\s+of:?\s*)?"
                          rf"({_LABEL}(?:[ \t]*(?:,|\bor\b|\|)[ \t]*(?:or[ \t]+)?{_LABEL}){{2,}})[ \t]*[\"'],?[ \t]*$",
                          re.M | re.I)
# any field line of a JSON answer template: '"name": value' alone on its line
_FIELD_LINE = re.compile(r"^[ \t]*[\"'](\w{1,40})[\"'][ \t]*:[^\n]*$", re.M)


def label_fields(text: str) -> tuple[str, ...]:
    """The names of the answer-template fields whose value lists three or more bare labels."""
    return tuple(m.group(1) for m in _LABEL_FIELD.finditer(text))


def without_answer_fields(text: str, max_tokens: int | None) -> str:
    """``text`` without its answer-template field lines when the answer is a small label record
    (label fields present and ``max_tokens`` at most :data:`SMALL_ANSWER_TOKENS`); else ``text``."""
    if max_tokens is None or max_tokens > SMALL_ANSWER_TOKENS or not label_fields(text):
        return text
    return _FIELD_LINE.sub("", text)
