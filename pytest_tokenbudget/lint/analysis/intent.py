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
from pytest_tokenbudget.lint.analysis.values import Unknown, is_complete, is_known, iter_texts, static_text

__all__ = [
    "prompt_text",
    "last_message",
    "prefill",
    "forced_tool_choice",
    "asks_for_json",
    "simple_task",
    "is_first_party",
    "sent_to_claude_api",
    "short_answer_kind",
    "reasoning_first",
    "label_from_shape",
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
    """System prompt plus every user / system message of ``call``, static parts only, and an
    assistant turn that opens the conversation (commentlint sends its instructions that way; an
    example answer follows the user turn it answers)."""
    parts = [_text_of(call.get("system", None))]
    messages = call.get("messages", None)
    if isinstance(messages, (list, tuple)):
        for i, msg in enumerate(messages):
            if isinstance(msg, dict) and (msg.get("role") in _ROLES_READ
                                          or i == 0 and len(messages) > 1 and msg.get("role") == "assistant"):
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
        return _typed_tool_choice(call.arg_nodes.get("tool_choice"))
    if isinstance(tc, str):
        return tc in ("required", "any")
    if isinstance(tc, dict):
        kind = tc.get("type", MISSING)
        if not isinstance(kind, str):
            return None
        return kind in ("tool", "any", "function")
    return None


_TYPED_CHOICES = {"ToolChoiceAnyParam": True, "ToolChoiceToolParam": True, "ToolChoiceAutoParam": False,
                  "ToolChoiceNoneParam": False, "ToolChoiceAny": True, "ToolChoiceTool": True,
                  "ToolChoiceAuto": False, "ToolChoiceNone": False}


def _typed_tool_choice(node: Any) -> bool | None:
    """``tool_choice`` written with the SDK's typed constructors (``anthropic.types.ToolChoiceAnyParam(
    type="any")``, ``ToolChoiceToolParam(type="tool", name=...)``): forced or not by the class."""
    import libcst as cst

    if not isinstance(node, cst.Call):
        return None
    func = node.func
    name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
    return _TYPED_CHOICES.get(name)


# --------------------------------------------------------------------------- JSON asks
_JSON_ASKS = [
    # "Respond in JSON", "return a JSON object", "output only valid JSON", "formatted as JSON"
    # (not "structured": "review structured JSON data" describes the input; "structured as JSON" is below)
    re.compile(r"\b(?:respond|reply|answer|return|output|format(?:ted)?|give|produce|provide|generate|emit)\b"
               r"[^.\n]{0,50}?\bjson\b", re.I),
    re.compile(r"\b(?:in|as)\s+(?:a\s+)?(?:valid\s+|strict\s+|raw\s+|pure\s+)?json\b", re.I),
    # "write the answers in the form of a json dictionary"
    re.compile(r"\b(?:write|give|return|output|provide|answer|respond|reply|list)\b[^.\n]{0,60}?"
               r"\bin\s+the\s+(?:form|format|shape)\s+of\s+(?:an?\s+)?(?:valid\s+)?json\b", re.I),
    re.compile(r"\bjson\s+only\b|\bonly\s+(?:valid\s+)?json\b|\bvalid\s+json\b", re.I),
    # "The response MUST be a JSON object with two keys", "Your output should be in JSON", a prompt
    # ending "Your JSON response:"
    re.compile(r"\b(?:response|reply|answer|output)\s+(?:must|should|shall|has\s+to|needs\s+to)\s+be\s+"
               r"(?:(?:a|an|in|only|one|strictly|valid|single|well-formed|formatted\s+as)\s+){0,3}json\b|"
               r"\byour\s+json\s+(?:response|answer|output|reply)\s*:\s*$", re.I),
    # French, Spanish, Portuguese, Italian, German: "Réponds UNIQUEMENT en JSON", "au format JSON",
    # "devuelve un objeto JSON", "em formato JSON", "im JSON-Format", "gib ... als JSON zurück"
    re.compile(r"\b(?:en|au|em|im|als|como|nel)\s+(?:formato?\s+|format\s+)?json\b|\bformato\s+json\b|"
               r"\b(?:r[ée]ponds?|r[ée]pondez|retourne[rz]?|renvoie[rz]?|fournis|responde[rn]?|responda|devuelve|"
               r"devolver|devuelva|retorna[r]?|retorne|rispondi|restituisci|gib|antworte|liefere)\b"
               r"[^.\n]{0,50}?\bjson\b", re.I),
    # "Solo JSON válido, sin texto adicional", "Retorne APENAS o JSON"
    re.compile(r"\b(?:solo|sólo|apenas|somente|solamente)\s+(?:(?:un|el|o|um)\s+)?json\b", re.I),
    # Indonesian / Malay: "Hanya kembalikan JSON tanpa teks lain", "Kembalikan JSON dengan format:",
    # "Berikan jawaban dalam JSON", "hanya JSON yang valid"
    re.compile(r"\b(?:kembalikan|berikan|balas(?:lah)?|jawab(?:lah)?|keluarkan|hasilkan|kirimkan)\b[^.\n]{0,50}?"
               r"\bjson\b|\bdalam\s+(?:bentuk\s+|format\s+)?json\b|\bhanya\s+json\b", re.I),
    # Russian: "в формате JSON", "верни JSON-объект", "Ответь ТОЛЬКО валидным JSON", "в виде JSON"
    # "Ответ только JSON" (the answer only JSON), "ФОРМАТ ОТВЕТА (JSON): {...}"
    re.compile(r"в\s+(?:формате|виде)\s+json|\bтолько\s+(?:в\s+)?(?:валидн\w*\s+)?json|"
               r"формат\w*\s+ответа[^.\n]{0,20}?json|"
               r"\b(?:верни|ответь|отвечай|выведи|выдай|отдай|возвращай)\w*\b[^.\n]{0,40}?json|"
               r"json[-\s]?объект|\bвалидн\w*\s+json", re.I),
    # Chinese, Japanese, Korean (no word boundaries): "以JSON格式输出", "JSON形式で", "JSON만 반환"
    # "只输出一个 JSON 对象" (output only one JSON object): a measure word may come between
    # Japanese "JSON で出力してください" (output in JSON), "JSONで返して" (return it in JSON)
    # "（JSONのみ）" / "JSON のみを返してください" (JSON only); "只回傳 JSON 物件" (return only a JSON object)
    re.compile(r"json\s*で\s*(?:出力|返|回答|答え|応答|記述)(?!\S{0,3}?(?:しない|しないで|禁止))|json\s*のみ(?!\S{0,6}?(?:ないで|しない|禁止))|"
               r"json\s*(?:格式|形式|만|으로|형식)|(?:以|用|返回|回傳|输出|輸出|回答)\s*(?:一个|一個|一份|个|個)?\s*json",
               re.I),
    # "你必须以有效的 JSON 对象回复" (reply with a valid JSON object), "严格的JSON"
    re.compile(r"(?:有效|合法|严格|嚴格|纯|純)的?\s*json|json\s*(?:对象|對象|数组|陣列|数據|字符串)?\s*"
               r"(?:回复|回覆|回答|输出|輸出|返回)", re.I),
    # Korean "출력 형식(JSON):" / "응답 형식: JSON" (output / answer format)
    re.compile(r"(?:출력|응답|답변)\s*형식\s*[(:]?\s*json", re.I),
    # Korean "JSON 형태로 응답해주세요" / "JSON 배열 형태로 응답" (answer in JSON form); not "JSON 형태의 데이터"
    re.compile(r"json\s*(?:배열\s*|객체\s*)?형태로[^.\n]{0,15}?(?:응답|답변|답하|출력|반환|작성|제공)"
               r"(?!\w*?지\s*(?:마|말|않))", re.I),  # not "응답하지 마세요" (do not answer in JSON)
]
_JSON_NEGATION = re.compile(r"\b(?:not|no|never|without|instead\s+of|rather\s+than|don'?t|do\s+not)\b[^.\n]{0,25}$",
                            re.I)
# the same in the other languages asked in: "ne réponds pas en JSON", "sin JSON", "não retorne JSON",
# "nicht als JSON", "не в формате JSON", "不要输出json", "JSONで出力しない"
_JSON_NEGATION_OTHER = re.compile(r"(?:\bne\b|\bn'|\bpas\b|\bsin\b|\bsem\b|\bn[ãa]o\b|\bnicht\b|\bkein\w*|"
                                  r"\bне\b|\bбез\b|\bjangan\b|\btidak\b|\btanpa\b|"
                                  r"不要|不|别|別|勿|禁止|않|말)[^.。\n]{0,25}$", re.I)


# pasted / quoted input inside the prompt: an XML-delimited block (<document>...</document>) or a
# quoted line; a "JSON" inside it is data, not an instruction
_INPUT_BLOCK = re.compile(r"<([A-Za-z][\w-]{0,40})>(?:(?!<\1>).){20,}?</\1>|^[ \t]*>[^\n]*$", re.S | re.M)  # (a quote: one line)
_INPUT_TAG_WORDS = re.compile(r"doc|text|article|email|mail|message|input|content|context|data|transcript|"
                              r"review|ticket|page|post|comment|report|source|paper|file|query|question", re.I)


def _instructions_only(text: str) -> str:
    """``text`` without the blocks that hold pasted input (document / email / ticket tags, quotes)."""
    def drop(m: re.Match[str]) -> str:
        tag = m.group(1)
        return " " if tag is None or _INPUT_TAG_WORDS.search(tag) else m.group(0)

    return _INPUT_BLOCK.sub(drop, text)


# "NO text before or after the JSON array", "nothing outside the JSON object", "return only the JSON
# array": the negation is about what surrounds the JSON, so it is an ask for JSON alone
_JSON_ALONE = re.compile(r"\b(?:no|nothing|without)\b[^.\n]{0,30}?\b(?:before|after|outside|around)\b[^.\n]{0,20}?"
                         r"\bjson\b|\b(?:only|just)\s+(?:the\s+|a\s+|one\s+)?json\s+(?:array|object|list)\b", re.I)


# "the data below, which is presented in JSON format", "the records are given as JSON": the input
# described (is / are), not the answer asked for ("the answer must be formatted as JSON")
_JSON_DESCRIBED = re.compile(r"\b(?:is|are|was|were)\s+(?:\w+\s+)?(?:presented|provided|given|supplied|formatted|"
                             r"encoded|stored|written|shown|attached|structured)\s+(?:to\s+you\s+)?(?:in|as)\s+"
                             r"(?:an?\s+)?json\b[^.\n]*$", re.I)


def asks_for_json(text: str) -> bool:
    """True when the instructions in ``text`` ask for the answer as JSON (and do not say *not*
    JSON); a "JSON" inside pasted input (a <document> block, a quoted line) or said of the input
    ("the data, which is presented in JSON") does not count."""
    text = _instructions_only(text)
    if _JSON_ALONE.search(text):
        return True
    for pattern in _JSON_ASKS:
        for m in pattern.finditer(text):
            json_at = text.lower().rfind("json", m.start(), m.end())
            before = text[max(0, m.start() - 30):json_at]
            if not (_JSON_NEGATION.search(before) or _JSON_NEGATION_OTHER.search(before)
                    or _JSON_DESCRIBED.search(text, max(0, m.start() - 40), json_at + 4)):
                return True
    return False


# --------------------------------------------------------------------------- short answers (TB204)
# what a one-word or one-value answer names ("the colour", "the country"): not "the summary" or "the answer"
_ONE_THING = (r"colou?r|country|city|capital|language|letter|option|choice|grade|verdict|emotion|sentiment|label|"
              r"number|category|class|score|rating|word|year|date|animal|fruit|day|month|team|winner")
_SHORT_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.I), what) for p, what in (
        (r"\b(?:answer|respond|reply)(?:\s+(?:only|just))?(?:\s+with)?(?:\s+(?:only|just))?(?:\s+(?:a\s+)?single)?\s+"
         r"[\"'`]?yes[\"'`]?\s*(?:or|/)\s*[\"'`]?no\b", "a yes/no answer"),
        (r"\b(?:respond|reply|answer|output|return)\s+(?:with\s+)?(?:only|just)\s+(?:the\s+|a\s+|one\s+)?"
         r"(?:single\s+)?(word|label|number|digit|integer|category|class|letter|score|rating|sentiment)\b",
         "a single {0}"),
        (r"\b(?:respond|reply|answer)\s+(?:in|with)\s+(?:a\s+|exactly\s+)?(?:single|one)\s+(word|number|label)\b",
         "a single {0}"),
        (r"\b(?:one|single)[- ]word\s+(?:answer|response|reply)\b", "a one-word answer"),
        # "Output EXACTLY ONE category name", "return exactly one label"
        (r"\b(?:output|return|respond\s+with|reply\s+with|answer\s+with|give)\s+(?:only\s+)?(?:exactly\s+)?"
         r"(?:one|a\s+single)\s+(category|label|class|word|number|option|letter)(?:\s+name)?\b"
         r"(?![^.\n]*\b(?:explanation|explain|reason|reasoning|justification|justify|why)\b)",
         "a single {0}"),
        (r"\bonly\s+(?:output|return|print)\s+(?:the\s+)?(label|category|number|score|word|sentiment|title)\b",
         "a single {0}"),
        # "Reply only with 1 word", "answer just with one number"
        (r"\b(?:respond|reply|answer|output|return)\s+(?:only|just)\s+(?:with\s+)?(?:the\s+|a\s+|one\s+|1\s+)?"
         r"(?:single\s+)?(word|label|number|digit|integer|category|letter|score|rating|title)s?\b", "a single {0}"),
        # "just output the translated word", "only respond with the result"
        (r"\b(?:just|only)\s+(?:output|return|print|give|write)\s+(?:the\s+|a\s+)?(?:[a-z]+\s+)?"
         r"(word|label|title|number|category|score|rating)\b(?!\s+(?:and|with|followed))", "a single {0}"),
        (r"\b(?:just|only)\s+(?:respond|reply|answer)\s+with\s+the\s+(result|title|label|number|category)\b"
         r"(?!\s+(?:and|with|followed|of\s+(?:your|the)\s+analysis))", "a single {0}"),
        # "Only respond with the colour.", "Reply with just the country.", "Answer with the language only."
        (r"\b(?:(?:only|just)\s+(?:respond|reply|answer)\s+with\s+the\s+(" + _ONE_THING + r")(?:\s+name)?\s*[.!]"
         r"|(?:respond|reply|answer)\s+with\s+(?:only|just)\s+the\s+(" + _ONE_THING + r")(?:\s+name)?\s*[.!]"
         r"|(?:respond|reply|answer)\s+with\s+the\s+(" + _ONE_THING + r")(?:\s+name)?\s+only\b(?!\s+(?:if|when)))", "a single {0}"),
        # 'Please output "RELIGIOUS" if so and "SECULAR" if not', 'Print "YES" if it is ... and "NO" if not'
        (r"\b(?:output|print|return|say|write|respond\s+with|reply\s+with|answer\s+with)\s+[\"'`]\w{2,20}[\"'`]\s+if\b"
         r"[^.\n]{0,120}?\b(?:and|or|otherwise|else)\b[^.\n]{0,40}?[\"'`]\w{2,20}[\"'`](?:\s+if\b|\s*[.,;]|\s*$)",
         "a single label"),
        # "Respond with ONLY: Technical Issue, Billing Issue, or General Inquiry" (the options, then nothing)
        (r"\b(?:respond|reply|answer|output|return)\s+(?:with\s+)?(?:only|just)(?:\s+one\s+of(?:\s+the\s+following)?)?"
         r"\s*:\s*(?:[\"'`]?[\w-]+(?:[ \t][\w-]+){0,2}[\"'`]?\s*,\s*)+(?:or\s+)[\"'`]?[\w-]+(?:[ \t][\w-]+){0,2}[\"'`]?"
         r"\s*\.?\s*$", "a single label"),
        # "select one out of the two types (0 and 1) ... without any explanation"
        (r"\b(?:select|choose|pick)\s+(?:only\s+)?one\s+(?:out\s+)?of\s+(?:the\s+)?(?:two|three|four|five|[2-5])\s+"
         r"(?:types|labels|categories|classes|options)\b(?![^.\n]*\b(?:explain|justify|because|reason))", "a single label"),
        # "If yes then just return 1 else return 0", "output 1 or 0"
        (r"\breturn\s+[\"'`]?1[\"'`]?[^.\n]{0,25}\b(?:else|otherwise)\b[^.\n]{0,10}\breturn\s+[\"'`]?0\b"
         r"|\b(?:return|output|respond\s+with|answer\s+with|reply\s+with)\s+(?:only\s+)?[\"'`]?1[\"'`]?\s+or\s+[\"'`]?0\b",
         "a 1/0 answer"),
    )
)
# the prompt asks for reasoning before the answer: a large max_tokens is needed (chain of thought)
_REASONING_FIRST = re.compile(
    r"\bstep[- ]by[- ]step\b|\bchain[- ]of[- ]thought\b|<(?:thinking|reasoning|scratchpad|analysis|thoughts)>"
    r"|\b(?:think|reason)\s+(?:through|about|carefully|first)\b|\bexplain\s+your\s+(?:reasoning|thinking)\b"
    r"|\bfirst,?\s+(?:think|reason|analy[sz]e|explain|write\s+(?:out\s+)?your)", re.I)
# an assistant prefill that opens a label-like tag, closed by a stop sequence: the answer is the label
_LABEL_TAGS = re.compile(r"^(?:category|categories|label|class|classification|sentiment|intent|verdict|rating|score|"
                         r"choice|option|decision|grade|answer_letter|letter|tag|topic|language)$", re.I)


def label_from_shape(call: CallSite) -> str | None:
    """A short answer the request's messages impose: a prefill ``<category>`` closed by the stop
    sequence ``</category>``, or few-shot assistant turns that each answer with one label."""
    messages = call.get("messages", None)
    if not isinstance(messages, list) or not messages or not all(isinstance(m, dict) for m in messages):
        return None
    last = messages[-1]
    if last.get("role") == "assistant" and isinstance(last.get("content"), str):
        m = re.search(r"<([A-Za-z][\w-]*)>\s*$", last["content"])
        stops = call.get("stop_sequences", None)
        if m and _LABEL_TAGS.match(m.group(1)) and isinstance(stops, list) and is_complete(stops) \
                and f"</{m.group(1)}>" in stops:
            return f"a single {m.group(1).lower()} (the prefill opens <{m.group(1)}>, the stop sequence closes it)"
        return None
    shots = [m.get("content") for m in messages[:-1] if m.get("role") == "assistant"]
    if last.get("role") != "user" or len(shots) < 2:
        return None
    if all(isinstance(c, str) and 0 < len(c.split()) <= 2 and len(c) <= 30 for c in shots):
        return "a single label (as in the few-shot answers)"
    return None


def short_answer_kind(text: str) -> str | None:
    """What short answer the prompt asks for ("a yes/no answer", "a single label"), or None."""
    for pattern, what in _SHORT_PATTERNS:
        m = pattern.search(text)
        if m:
            return what.format(*(g.lower() for g in m.groups() if g))
    return None


def reasoning_first(text: str) -> bool:
    """The prompt asks for reasoning (chain of thought) before the answer."""
    return bool(_REASONING_FIRST.search(text))


# --------------------------------------------------------------------------- simple tasks
_SIMPLE_TASKS: list[tuple[str, re.Pattern[str]]] = [
    ("yes/no", re.compile(r"\byes\s*(?:or|/)\s*no\b|\btrue\s*(?:or|/)\s*false\b", re.I)),
    ("classification", re.compile(
        r"\bclassify\b|\bcategori[sz]e\b|\bclassification\b|\bsentiment\b"
        r"|\b(?:which|what|one)\s+(?:of\s+the\s+(?:following\s+)?)?(?:category|categories|label|labels|queue|class)\b"
        r"|\bone\s+of\s*:|\b(?:select|choose|pick)\s+(?:which\s+)?(?:one|the\s+(?:best|correct|right))\b"
        r"|\bwhich\s+one\s+of\s+the\s+following\b|\bmultiple[- ]choice\b", re.I)),
    ("rating", re.compile(r"\b(?:rate|score|grade)\b[^.\n]{0,40}\b(?:on\s+a\s+scale|from\s+1\s+to|1\s*-\s*(?:5|10)\b|"
                          r"out\s+of\s+(?:5|10))", re.I)),
    ("extraction", re.compile(
        r"\bextract\s+(?:the|all|every|each|any|a\s+list\s+of)\b|\bextract\s*:|\bpull\s+out\s+the\b"
        r"|\b(?:answer|respond|reply)\s+with\s+(?:only\s+)?(?:one|a\s+single)\s+(?:word|number|label)\b", re.I)),
]
# Prompts that ask for real work: a premium model may be the right choice even if a keyword matched.
# "report" and "function" count as the task asked for ("write a report", "generate a detailed
# report"), not as words of a definition ("to report world phenomena", "its metadiscursive function").
_HEAVY = re.compile(r"\b(?:essay|analy[sz]e|analysis|synthesi[sz]e|synthesis|explain|reason(?:ing)?\s+step|"
                    r"step[- ]by[- ]step|write\s+(?:a|an|the)\s+\w+|"
                    r"(?:generate|produce|create|prepare|draft|compose)\s+(?:a|an|the)\s+"
                    r"(?:\w+\s+){0,2}(?:report|function)|(?:python|javascript|helper|utility)\s+function|"
                    r"proof|code|regex|script|program|python|bash|sql|implement|refactor|debug)\b", re.I)


def simple_task(text: str) -> str | None:
    """The kind of simple task ``text`` asks for ("yes/no", "classification", "extraction"), or None."""
    if not text or _HEAVY.search(text):
        return None
    for kind, pattern in _SIMPLE_TASKS:
        if pattern.search(text):
            return kind
    short = short_answer_kind(text)  # "just output the translated word"
    return f"short-answer ({short})" if short else None


def is_first_party(call: CallSite) -> bool:
    """The call goes to the Claude API itself (Anthropic SDK, not a Bedrock / Vertex / Foundry client).

    An untraced receiver counts as first party (its arguments were Anthropic-shaped) unless it is
    sent a Bedrock id (``us.anthropic.claude-opus-4-6-v1``): the Claude API would refuse that id, so
    the client a factory in another module returns is the ``AnthropicBedrock`` it can make.
    """
    if call.sdk != "anthropic":
        return False
    variant = call.client.variant or ""
    return not any(cloud in variant for cloud in ("Bedrock", "Vertex", "Foundry", "AWS", "GoogleCloud")) \
        and not sent_to_bedrock(call)


def sent_to_claude_api(call: CallSite) -> bool:
    """The Claude API's own endpoint, whose Message Batches take the same requests: the Anthropic SDK
    (:func:`is_first_party`), or the OpenAI SDK pointed at it (the same account batches them through
    the Anthropic SDK); not a gateway the code does not name, nor a cloud platform."""
    return is_first_party(call) or call.sdk == "openai" and call.client.claude_api


def sent_to_bedrock(call: CallSite) -> bool:
    """An untraced receiver sent a Bedrock model id: a Bedrock client built where the linter cannot see."""
    from pytest_tokenbudget.core.model_ids import bedrock_prefix

    return not call.client.traced and isinstance(call.model, str) and bedrock_prefix(call.model) is not None


def texts(value: Any) -> str:
    """All static text inside ``value`` (debug helper)."""
    return "\n".join(iter_texts(value))
