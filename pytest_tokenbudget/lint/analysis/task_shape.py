"""Simple tasks read from the *shape* of a request, not only from its keywords (TB301).

:func:`.intent.simple_task` recognises a label, a yes/no or an extraction by the words of the
prompt ("classify", "yes or no", "extract the ..."), and any word of real work ("analyze",
"report") silences it. Many prompts that only ask for a label or an extraction say so by their
form instead:

* a forced tool that is an extraction or a classification: its name or description says so
  (``extract_params``, "Extract structured metadata ..."), or its schema is a small flat record of
  scalar / enum fields (``{"is_relevant": bool, "confidence": number}``);
* a short list of quoted labels to choose from (``"blood_test" or "inbody" or "unsupported"``,
  ``one of "spam", "ham"``);
* true / false per attribute (``specified clearly (true) or left ambiguous (false)``);
* an "extract ... " instruction whose answer is JSON.

These forms are specific enough that a loose word of analysis around them ("Analyze this PDF and
determine ...") does not make the task hard; words of real work (code, an essay, step-by-step
reasoning), extended thinking, or a large output budget with words of generation still do.
Every helper answers ``None`` when it cannot tell: the rule stays silent.
"""

from __future__ import annotations

import re
from typing import Any

from pytest_tokenbudget.lint.analysis.intent import asks_for_json, forced_tool_choice
from pytest_tokenbudget.lint.analysis.label_templates import label_fields, without_answer_fields
from pytest_tokenbudget.lint.analysis.task_fields import checking_tools, named_fields, without_short_fields
from pytest_tokenbudget.lint.analysis.values import is_complete, static_text
from pytest_tokenbudget.lint.types import MISSING, CallSite

__all__ = ["shaped_simple_task", "reads_media", "media_exempt", "forced_tool", "tool_task", "label_choice", "boolean_marks", "json_extraction"]

# Words of real work: even a structured answer needs the stronger model for these.
_HARD = re.compile(r"\b(?:essay|article|story|proof|prove|code|coding|regex|script|program|python|javascript|"
                   r"typescript|bash|sql|implement|refactor|debug|step[- ]by[- ]step|chain[- ]of[- ]thought|"
                   r"explain|write\s+(?:a|an|the)\s+\w+|translate|summar(?:y|ies|i[sz]e)|plan|strateg(?:y|ies)|"
                   r"recommendations?|insights?)\b", re.I)
# Words of generation: with a large output budget the answer is written, not picked.
_GENERATE = re.compile(r"\b(?:generate|write|compose|draft|create|produce|rewrite|elaborate)\b", re.I)
_LARGE_OUTPUT = 2048

# --------------------------------------------------------------------------- forced tools
_TOOL_VERBS = re.compile(r"(?:^|_|\b)(?:extract(?:ion|ed)?|classif(?:y|ication|ier)|categori[sz](?:e|ation)|"
                         r"label|sentiment|entities|metadata)(?:$|_|\b)", re.I)
_DESCRIPTION_VERBS = re.compile(r"^\s*(?:extracts?|classif(?:y|ies)|categori[sz]es?|labels?|records?\s+the\s+"
                                r"(?:extracted|classification|label|category))\b", re.I)
# fields whose value is written prose or code, not a label or a copied value
_WRITTEN_FIELDS = re.compile(r"code|script|body|content|essay|article|draft|story|reasoning|explanation|analysis|"
                             r"summary|plan|steps|response|reply|message|email|answer|text|html|markdown|query|sql",
                             re.I)
_SMALL_SCHEMA = 6
_SCALARS = frozenset({"string", "boolean", "integer", "number", "null"})


def _tool_parts(tool: Any) -> tuple[str, str, Any]:
    """(name, description, JSON schema) of an Anthropic or OpenAI-style tool definition."""
    if not isinstance(tool, dict):
        return "", "", MISSING
    if isinstance(tool.get("function"), dict):  # OpenAI: {"type": "function", "function": {...}}
        tool = tool["function"]
    schema = tool.get("input_schema", tool.get("parameters", MISSING))
    return static_text(tool.get("name")), static_text(tool.get("description")), schema


def _choice_name(call: CallSite) -> str | None:
    """The tool ``tool_choice`` names (``{"type": "tool", "name": ...}``, OpenAI's function), or None."""
    tc = call.get("tool_choice", MISSING)
    if not isinstance(tc, dict):
        return None
    name = tc.get("name")
    if isinstance(tc.get("function"), dict):
        name = tc["function"].get("name")
    return name if isinstance(name, str) else None


def forced_tool(call: CallSite) -> Any:
    """The tool definition the request forces the model to call: the one ``tool_choice`` names, or
    the only tool when any tool is forced. ``None`` when nothing is forced, several tools may be
    called, or the tools are not known."""
    if forced_tool_choice(call) is not True:
        return None
    tools = call.get("tools", MISSING)
    if not isinstance(tools, (list, tuple)) or not tools:
        return None
    wanted = _choice_name(call)
    if wanted is not None:
        named = [t for t in tools if _tool_parts(t)[0] == wanted]
        return named[0] if len(named) == 1 else None
    return tools[0] if len(tools) == 1 and isinstance(tools[0], dict) else None


def _small_flat_record(schema: Any) -> bool:
    """A complete object schema of at most a few scalar / enum fields (arrays of scalars allowed),
    none of them written prose or code."""
    if not isinstance(schema, dict) or not is_complete(schema) or schema.get("type", "object") != "object":
        return False
    props = schema.get("properties")
    if not isinstance(props, dict) or not 0 < len(props) <= _SMALL_SCHEMA:
        return False
    for name, spec in props.items():
        if not isinstance(spec, dict) or _WRITTEN_FIELDS.search(str(name)):
            return False
        kind = spec.get("type", "string" if "enum" in spec else None)
        if kind == "array":
            items = spec.get("items")
            kind = items.get("type") if isinstance(items, dict) else None
        kinds = set(kind) if isinstance(kind, list) else {kind}
        if not kinds <= _SCALARS:
            return False
    return True


def tool_task(tool: Any) -> str | None:
    """What the forced ``tool`` asks for: "extraction" / "classification" when its name or
    description says so or its schema is a small flat record; None otherwise."""
    name, description, schema = _tool_parts(tool)
    said = f"{name} {description}"
    if _HARD.search(description):
        return None
    if _TOOL_VERBS.search(name) or _DESCRIPTION_VERBS.search(description):
        return "classification" if re.search(r"classif|categor|label|sentiment", said, re.I) else "extraction"
    if _small_flat_record(schema):
        return "classification" if any("enum" in s for s in schema["properties"].values()) else "extraction"
    return None


# --------------------------------------------------------------------------- prompt forms
_QUOTED = r"[\"'`](?:[A-Za-z][\w\- ]{0,24})[\"'`]"
# three or more quoted labels joined by "or" / "|" / "/": "blood_test" or "inbody" or "unsupported"
_LABEL_RUN = re.compile(rf"{_QUOTED}(?:\s*(?:,\s*)?(?:\bor\b|\||/)\s*{_QUOTED}){{2,}}")
# "one of: 'spam', 'ham'", "either 'A' or 'B'", "classify ... as 'x', 'y' or 'z'"
_LABEL_LIST = re.compile(rf"\b(?:one\s+of|either|exactly\s+one\s+of|(?:classify|label|categori[sz]e|tag)\b"
                         rf"[^.\n]{{0,60}}?\bas)\s*:?\s*\[?{_QUOTED}(?:\s*(?:,|\bor\b|\||/)\s*{_QUOTED})+", re.I)
_BOOLEAN_MARKS = re.compile(
    r"\(\s*true\s*\)[^.\n]{0,160}\(\s*false\s*\)"  # "specified clearly (true) or left ambiguous (false)"
    r"|\btrue\s+if\b[^.\n]{0,160}\bfalse\b"  # "true if the text mentions X, false otherwise"
    r"|[\"']?\w+[\"']?\s*:\s*(?:true\s*(?:\||/|\bor\b)\s*false|<?bool(?:ean)?>?)\b", re.I)  # "flag": true/false
_EXTRACT = re.compile(r"\bextract\b(?![^.\n]{0,40}\b(?:with|using)\s+(?:a\s+)?(?:regex|code|script))", re.I)


def label_choice(text: str) -> bool:
    """The instructions offer a short list of quoted labels to choose from."""
    return bool(_LABEL_RUN.search(text) or _LABEL_LIST.search(text))


def boolean_marks(text: str) -> bool:
    """The instructions ask for true / false per attribute."""
    return bool(_BOOLEAN_MARKS.search(text))


def json_extraction(text: str) -> bool:
    """An "extract ..." instruction whose answer is JSON."""
    return bool(_EXTRACT.search(text)) and asks_for_json(text)


# --------------------------------------------------------------------------- the verdict
def _thinking_on(call: CallSite) -> bool:
    thinking = call.get("thinking", MISSING)
    return thinking is not MISSING and not (isinstance(thinking, dict) and thinking.get("type") == "disabled")


_MEDIA = frozenset({"image", "document", "file", "image_url", "input_image", "input_file"})


def reads_media(call: CallSite) -> bool:
    """A message carries an image, a PDF or another file: extracting from it is reading a scan or a
    chart (perception), where the stronger model's fewer misreads can be worth its price."""
    messages = call.get("messages", None)
    if not isinstance(messages, (list, tuple)):
        return False
    for msg in messages:
        content = msg.get("content") if isinstance(msg, dict) else None
        if isinstance(content, (list, tuple)) and any(
                isinstance(b, dict) and b.get("type") in _MEDIA for b in content):
            return True
    return False


def media_exempt(call: CallSite, text: str) -> bool:
    """An extraction read off an image / a PDF that names no fixed fields ("every marker"): reading
    the scan is perception, where the stronger model's fewer misreads can be worth its price. Named
    fields (vendor, number, date, total) are a small fixed record, a simple task from a scan too."""
    return reads_media(call) and not named_fields(text)


def shaped_simple_task(call: CallSite, text: str) -> str | None:
    """The kind of simple task ("classification", "extraction", "yes/no") the request's form shows,
    or None (nothing shows one, or the task is real work: code, prose, reasoning, thinking).
    Answer-template fields bounded to a sentence or three ("summary": 2-3 sentences) are not
    words of real work."""
    if _HARD.search(without_short_fields(without_answer_fields(text, call.max_tokens))) or _thinking_on(call):
        return None
    max_tokens = call.max_tokens
    if max_tokens is not None and max_tokens >= _LARGE_OUTPUT and _GENERATE.search(text):
        return None
    tool = forced_tool(call)
    if tool is not None:
        kind = tool_task(tool)
    elif call.has("tools"):
        # tools the model may choose among: agentic work, unless the request extracts named fields
        # as JSON and every tool only looks up or checks them (validate_vendor, a 3-way match)
        if not (named_fields(text) and asks_for_json(text) and checking_tools(call.get("tools", None))):
            return None
        kind = "extraction"
    elif boolean_marks(text):
        kind = "yes/no (true/false per attribute)"
    elif label_choice(text) or label_fields(text):
        kind = "classification"
    else:
        kind = "extraction" if json_extraction(text) else None
    if kind == "extraction" and media_exempt(call, text):
        return None
    return kind
