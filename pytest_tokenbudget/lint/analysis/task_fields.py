"""The fields a simple task answers with, and the tools that only check them (TB301).

:mod:`.task_shape` reads a label or an extraction from a request's form. Three forms it could not
see on their own:

* a JSON answer template whose *fields* carry a word of real work (``"summary": 2-3 sentence
  assessment`` next to ``"verdict": "phishing" | "legitimate"``): a field bounded to a sentence or
  three is part of the label's answer, not prose to write, so :func:`without_short_fields` drops it
  before the words of real work are looked for;
* an extraction of *named* fields (``Extract: vendor name, invoice number, date, total amount``):
  a fixed small record, the same task from a typed text or from a scanned page
  (:func:`named_fields`); "extract every marker" names none and stays perception work on a scan;
* a tool loop around such an extraction whose tools only look things up or check them
  (``validate_vendor``, ``perform_3_way_match``): the tools serve the extraction, they do not make it
  open work (:func:`checking_tools`). A tool that runs code, edits files, browses, sends or is a
  server tool (bash, computer use, web search, code execution) is open work.

Every helper answers False / an empty tuple when it cannot tell: the rule stays silent.
"""

from __future__ import annotations

import re
from typing import Any

from pytest_tokenbudget.lint.analysis.values import is_complete, static_text

__all__ = ["without_short_fields", "named_fields", "checking_tools"]

# --------------------------------------------------------------------------- answer-template fields
# one field of a JSON answer template, on its own line: '"summary": 2-3 sentence assessment',
# "'reason' (one clear sentence)"
_FIELD_LINE = re.compile(r"^[ \t]*[-*]?[ \t]*[\"'`](\w[\w ]{0,30})[\"'`][ \t]*[:(][^\n]*$", re.M)
# a length bound of a few sentences / words: the field is a short note, not written prose
_SHORT_BOUND = re.compile(r"\b(?:(?:one|two|three|a|single|[1-3])(?:\s*(?:-|to|or)\s*(?:two|three|[1-3]))?[- ]"
                          r"(?:short\s+|clear\s+|brief\s+)?(?:sentences?|lines?|words?|phrases?)|short|brief|"
                          r"concise|few\s+words)\b", re.I)


def without_short_fields(text: str) -> str:
    """``text`` without the answer-template fields bounded to a short note (a sentence or three):
    their names ("summary", "reason") describe a part of the answer, not a task of writing."""
    return _FIELD_LINE.sub(lambda m: "" if _SHORT_BOUND.search(m.group(0)) else m.group(0), text)


# --------------------------------------------------------------------------- named fields
# "Extract key invoice information: vendor, invoice #, date, amount" / "Extract: vendor name, ..."
_EXTRACT_LIST = re.compile(r"\bextract\b[^.:\n]{0,40}:\s*([^.\n]{3,300})", re.I)
# a field is a short noun phrase ("invoice number", "PO #"), not a question ("why it matters")
_FIELD_NAME = re.compile(r"^(?!(?:who|what|when|where|why|how|whether|which)\b)[\w#/\-]+(?: [\w#/\-]+){0,3}$", re.I)
_MAX_FIELDS = 12


def named_fields(text: str) -> tuple[str, ...]:
    """The fields an "extract ...: a, b, c" instruction names (at least three, at most a dozen short
    names), or an empty tuple. Names in parentheses ("line items (if visible)") count as one."""
    for m in _EXTRACT_LIST.finditer(text):
        listed = re.sub(r"\([^)]*\)", "", m.group(1))
        parts = [p.strip() for p in re.split(r",|\band\b", listed)]
        parts = [p for p in parts if p]
        if 3 <= len(parts) <= _MAX_FIELDS and all(_FIELD_NAME.match(p) for p in parts):
            return tuple(parts)
    return ()


# --------------------------------------------------------------------------- checking tools
# words of open work in a tool's name or description: running code, editing, browsing, sending,
# changing records (a tool that only looks a value up or checks it has none of them)
_OPEN_WORK = re.compile(r"(?:^|_|\b)(?:bash|shell|terminal|command|execute|exec|run|python|code|script|files?|"
                        r"write|edit|create|update|modify|insert|delete|remove|browse|browser|navigate|click|web|"
                        r"url|http|internet|send|email|post|publish|deploy|commit|sql|computer|transfer|"
                        r"purchase|refund|cancel|book)(?:$|_|\b)", re.I)
_MAX_TOOLS = 8


def checking_tools(tools: Any) -> bool:
    """Every tool of a known, short list is a named custom tool whose name and description show no
    open work (``validate_vendor``, ``perform_3_way_match``): none runs code, edits, browses, sends
    or changes records."""
    if not isinstance(tools, (list, tuple)) or not 0 < len(tools) <= _MAX_TOOLS or not is_complete(tools):
        return False
    for tool in tools:
        if not isinstance(tool, dict) or tool.get("type", "custom") not in ("custom", "function"):
            return False  # a server tool: bash, computer use, web search, code execution ...
        spec = tool["function"] if isinstance(tool.get("function"), dict) else tool
        name, description = static_text(spec.get("name")), static_text(spec.get("description"))
        if not name or _OPEN_WORK.search(name) or _OPEN_WORK.search(description):
            return False
    return True
