"""What a request asks for, read from its resolved arguments (helpers for the TB3xx-TB5xx rules).

Everything here works on the *static* text the resolver found (:mod:`.values`): holes of
f-strings and unknown messages contribute nothing, so a verdict is only ever drawn from text that
is really in the source. Each helper answers ``None`` when the answer depends on something unknown,
so rules can stay silent (precision first).
"""

from __future__ import annotations

import re
from typing import Any

from pytest_tokenbudget.lint.types import MISSING, CallSite
from pytest_tokenbudget.lint.analysis.values import Unknown, is_known, iter_texts, static_text

__all__ = [
    "prompt_text",
    "last_message",
    "prefill",
    "forced_tool_choice",
    "asks_for_json",
    "simple_task",
    "is_first_party",
]

_ROLES_READ = ("user", "system", "developer")


def _text_of(value: Any) -> str:
    """The static text a model reads in a system / content value (str, Text, block list)."""
    if isinstance(value, (list, tuple)):
        parts = []
        for block in value:
            if isinstance(block, dict):
                if block.get("type", "text") == "text":
                    parts.append(static_text(block.get("text")))
            else:
                parts.append(static_text(block))
        return "\n".join(p for p in parts if p)
    return static_text(value)


def prompt_text(call: CallSite) -> str:
    """System prompt plus every user / system message of ``call``, static parts only."""
    parts = [_text_of(call.get("system", None))]
    messages = call.get("messages", None)
    if isinstance(messages, (list, tuple)):
        for msg in messages:
            if isinstance(msg, dict) and msg.get("role") in _ROLES_READ:
                parts.append(_text_of(msg.get("content")))
    return "\n".join(p for p in parts if p)


def last_message(call: CallSite) -> dict | None:
    """The last message of the request when it is known (``None`` if unknown or absent)."""
    messages = call.get("messages", None)
    if not isinstance(messages, (list, tuple)) or not messages:
        return None
    last = messages[-1]
    return last if isinstance(last, dict) and not isinstance(last, Unknown) else None


def prefill(call: CallSite) -> dict | None:
    """The assistant message that ends the request (a prefill), when the messages are known."""
    last = last_message(call)
    if last is not None and last.get("role") == "assistant":
        return last
    return None


def forced_tool_choice(call: CallSite) -> bool | None:
    """True when ``tool_choice`` forces a tool (``{"type": "tool"|"any"}``; OpenAI ``"required"`` or a
    named function), False when it does not or is absent, ``None`` when it cannot be known."""
    tc = call.get("tool_choice", MISSING)
    if tc is MISSING:
        return False
    if not is_known(tc):
        return None
    if isinstance(tc, str):
        return tc in ("required", "any")
    if isinstance(tc, dict):
        kind = tc.get("type", MISSING)
        if not isinstance(kind, str):
            return None
        return kind in ("tool", "any", "function")
    return None


# --------------------------------------------------------------------------- JSON asks
_JSON_ASKS = [
    # "Respond in JSON", "return a JSON object", "output only valid JSON", "formatted as JSON"
    re.compile(r"\b(?:respond|reply|answer|return|output|format(?:ted)?|give|produce|provide|generate|emit|"
               r"structure[d]?)\b[^.\n]{0,50}?\bjson\b", re.I),
    re.compile(r"\b(?:in|as)\s+(?:a\s+)?(?:valid\s+|strict\s+|raw\s+|pure\s+)?json\b", re.I),
    re.compile(r"\bjson\s+only\b|\bonly\s+(?:valid\s+)?json\b|\bvalid\s+json\b", re.I),
]
_JSON_NEGATION = re.compile(r"\b(?:not|no|never|without|instead\s+of|rather\s+than|don'?t|do\s+not)\b[^.\n]{0,25}$",
                            re.I)


def asks_for_json(text: str) -> bool:
    """True when ``text`` asks for the answer as JSON (and does not say *not* JSON)."""
    for pattern in _JSON_ASKS:
        for m in pattern.finditer(text):
            json_at = text.lower().rfind("json", m.start(), m.end())
            before = text[max(0, m.start() - 30):json_at]
            if not _JSON_NEGATION.search(before):
                return True
    return False


# --------------------------------------------------------------------------- simple tasks
_SIMPLE_TASKS: list[tuple[str, re.Pattern[str]]] = [
    ("yes/no", re.compile(r"\byes\s*(?:or|/)\s*no\b|\btrue\s*(?:or|/)\s*false\b", re.I)),
    ("classification", re.compile(
        r"\bclassify\b|\bcategori[sz]e\b|\bclassification\b|\bsentiment\b"
        r"|\b(?:which|what|one)\s+(?:of\s+the\s+(?:following\s+)?)?(?:category|categories|label|labels|queue|class)\b"
        r"|\bone\s+of\s*:", re.I)),
    ("extraction", re.compile(
        r"\bextract\s+(?:the|all|every|each|any)\b|\bpull\s+out\s+the\b"
        r"|\b(?:answer|respond|reply)\s+with\s+(?:only\s+)?(?:one|a\s+single)\s+(?:word|number|label)\b", re.I)),
]
# Prompts that ask for real work: a premium model may be the right choice even if a keyword matched.
_HEAVY = re.compile(r"\b(?:essay|report|analy[sz]e|analysis|explain|reason(?:ing)?\s+step|step[- ]by[- ]step|"
                    r"write\s+(?:a|an|the)\s+\w+|proof)\b", re.I)


def simple_task(text: str) -> str | None:
    """The kind of simple task ``text`` asks for ("yes/no", "classification", "extraction"), or None."""
    if not text or _HEAVY.search(text):
        return None
    for kind, pattern in _SIMPLE_TASKS:
        if pattern.search(text):
            return kind
    return None


def is_first_party(call: CallSite) -> bool:
    """The call goes to the Claude API itself (Anthropic SDK, not a Bedrock / Vertex / Foundry client).

    An untraced receiver counts as first party: its arguments were Anthropic-shaped.
    """
    if call.sdk != "anthropic":
        return False
    variant = call.client.variant or ""
    return not any(cloud in variant for cloud in ("Bedrock", "Vertex", "Foundry", "AWS", "GoogleCloud"))


def texts(value: Any) -> str:
    """All static text inside ``value`` (debug helper)."""
    return "\n".join(iter_texts(value))
