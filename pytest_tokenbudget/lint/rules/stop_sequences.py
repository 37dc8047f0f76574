"""TB205: a stop sequence ends an answer the moment it is complete (the TB2xx output-budget family,
apart from the ``max_tokens`` rules in :mod:`.output`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pytest_tokenbudget.lint.analysis.prompt import final_instruction_text
from pytest_tokenbudget.lint.analysis.values import Unknown, is_complete
from pytest_tokenbudget.lint.rules.base import Invalid, Rule, RuleContext, register
from pytest_tokenbudget.lint.rules.options import options
from pytest_tokenbudget.lint.types import MISSING, CallSite, Report

if TYPE_CHECKING:
    from pytest_tokenbudget.lint.analysis.configured import ConfiguredStops

__all__ = ["MissingStopSequence", "answer_tag"]


_TAG_RE = re.compile(
    r"(?P<verb>answer|respond|response|reply|output|return|put|place|write|wrap|enclose|give|provide|final|"
    r"format|think|reason|analy[sz]e)[^.\n<]{0,60}?\b(?:inside|in|within|between|into)\s+(?:the\s+|an?\s+)?"
    r"[`'\"]?<(?P<tag>[A-Za-z][\w-]{0,40})>(?:\s*(?:and|</(?P=tag)>)\s*(?:</(?P=tag)>)?)?[`'\"]?\s*(?:xml\s+)?"
    r"(?:tags?|block|element|wrapper)\b",  # "wrap your summary in a `<summary></summary>` block"
    re.I,
)
# a tagged section of reasoning: the answer (if any) comes after it
_REASONING = re.compile(r"think|thought|reason|scratch|analy[sz]|reflect|plan|step", re.I)
# what the tag wraps must be the answer itself (not "the code", "the JSON" followed by files ...)
_ANSWER_WORDS = re.compile(r"\b(?:answer|response|reply|result|label|classification|category|intent|verdict|"
                           r"score|rating|decision|choice|final|output|summary|translation|title)\b", re.I)
# the tag is an input delimiter ("the document is in <doc> tags"), not where the answer goes
_INPUT = re.compile(r"\b(?:is|are|provided|given|found|shown|contained|listed|included|enclosed|below|above|"
                    r"following|here)\b[^.\n<]{0,25}$", re.I)
# more output must follow the tagged section
_MORE_AFTER = re.compile(r"^[^.\n]{0,20}(?:,?\s*(?:then|followed\s+by|and\s+then|after\s+(?:that|this|which)|"
                         r"next|before\s+(?:writing|giving|providing)))", re.I)

# "(in <summary> tags)": a tagged section named on its own
_IN_SECTION = re.compile(r"\b(?:in|inside|within)\s+(?:the\s+|an?\s+)?[`'\"]?<(?P<tag>[A-Za-z][\w-]{0,40})>[`'\"]?\s*"
                         r"(?:xml\s+)?tags?\b", re.I)
_ANSWER_VERBS = frozenset({"answer", "respond", "reply", "return", "output", "give", "provide"})
_OTHER_SECTION = re.compile(r"<(?!/)[A-Za-z][\w-]*>\s*(?:</[\w-]+>\s*)?(?:xml\s+)?(?:tags?|wrapper)\b", re.I)


def answer_tag(text: str) -> str | None:
    """The tag the prompt asks the final answer to be wrapped in, or None.

    The last tagged section the prompt asks for counts. None when it is a reasoning section, when
    what it wraps is not the answer (code, JSON followed by files), when more output must follow it,
    when another section than a reasoning one is asked for before it, or when the tag only delimits input.
    """
    asked = [m for m in _TAG_RE.finditer(text)  # (not "the document is provided in <doc> tags")
             if not _INPUT.search(text[max(0, m.start("tag") - 60):m.start("tag") - 1])]
    if not asked:
        return None
    last = asked[-1]
    tag, span = last.group("tag"), last.group(0)
    if any(m.group("tag") != tag and not _REASONING.search(m.group(0)) for m in asked[:-1]) or _section_before(
            text[:last.start()], tag):
        return None  # "the translation in <translation> tags ... a note in <note> tags after it": two sections
    if _REASONING.search(tag) or (_REASONING.match(last.group("verb")) and not _ANSWER_WORDS.search(span)):
        return None
    if not _ANSWER_WORDS.search(span) and last.group("verb").lower() not in _ANSWER_VERBS:
        return None  # "enclose the code within <code> tags": a part of the answer, not the answer
    after = text[last.end():last.end() + 200]
    if _MORE_AFTER.search(after) or _OTHER_SECTION.search(after):
        return None  # more output follows, or several tagged sections are asked for
    return tag


def _section_before(head: str, tag: str) -> bool:
    """An earlier output section named without a verb the ask pattern knows: "1. Summarize the
    abstract (In <summary> tags.) 2. List the topics (In <categories> tags.)"; not a reasoning
    section, nor an input delimiter ("the essay is in <essay> tags")."""
    def other(m: re.Match[str]) -> bool:
        said = re.split(r"[.\n]", head[max(0, m.start() - 60):m.start()])[-1]  # (this sentence's words before it)
        return m.group("tag") != tag and not _REASONING.search(said + m.group(0)) and not _INPUT.search(said)

    return any(other(m) for m in _IN_SECTION.finditer(head))


def _forced_structure(call: CallSite) -> bool:
    tc = call.get("tool_choice", None)
    forced = isinstance(tc, dict) and tc.get("type") in ("tool", "any") or isinstance(tc, Unknown)
    return forced or call.kind == "parse" or any(
        call.has(k) for k in ("output_config", "response_format", "output_format", "response_model"))

@register
class MissingStopSequence(Rule):
    code = "TB205"
    FIX = "unsafe"
    name = "missing-stop-sequence"
    summary = ("The prompt wants the answer inside <tag> but stop_sequences lacks </tag>; or stop sequences "
               "configured beside the call's settings are passed to no call.")
    rationale = (
        "When the answer is wrapped in <answer>...</answer>, everything the model writes after the "
        "closing tag (commentary, a summary, a sign-off) is billed output you throw away. "
        "stop_sequences=['</answer>'] ends the response right there (the API reports the matched "
        "stop_sequence, so parsing stays easy). A prompt the callers pass to a wrapper is read from them. "
        "Stop sequences configured beside the values a call "
        "reads (settings.stop_sequences next to settings.model, a config dict's 'stop_sequences', a "
        "config module's STOP_SEQUENCES) but passed to no call are reported too, naming where they are "
        "defined. Strict mode (require-stop-sequences = true) flags every call without stop_sequences."
    )
    OPTIONS = options("require-stop-sequences")
    VALID = [
        '''
        import anthropic
        client = anthropic.Anthropic()
        def extract(doc):
            return client.messages.create(model="claude-sonnet-4-5", max_tokens=500, stop_sequences=["</answer>"],
                messages=[{"role": "user", "content": f"Put the answer inside <answer></answer> tags.\\n{doc}"}])
        ''',
        # stop_sequences comes from a variable we cannot see
        '''
        import anthropic
        client = anthropic.Anthropic()
        def extract(doc, stops):
            return client.messages.create(model="claude-sonnet-4-5", max_tokens=500, stop_sequences=stops,
                messages=[{"role": "user", "content": f"Put the answer inside <answer> tags.\\n{doc}"}])
        ''',
        '''
        import anthropic
        client = anthropic.Anthropic()
        client.messages.create(model="claude-sonnet-4-5", max_tokens=500, messages=[{"role": "user", "content": "hi"}])
        ''',
        # several parts: text, then code in <code> tags (the tag is not the whole answer)
        '''
        import anthropic
        client = anthropic.Anthropic()
        def chart(data):
            return client.messages.create(model="claude-sonnet-4-5", max_tokens=4096, messages=[{"role": "user",
                "content": f"Answer the question. Also generate Python code for a chart. Enclose the code within <code> tags.\\n{data}"}])
        ''',
        # more output must follow the tagged section
        '''
        import anthropic
        client = anthropic.Anthropic()
        def scaffold(spec):
            return client.messages.create(model="claude-sonnet-4-5", max_tokens=8000, stream=True, messages=[{"role": "user",
                "content": f"Output the answer as JSON in <folder_structure> tags, followed by every code file.\\n{spec}"}])
        ''',
        # the last section asked for is the reasoning, not the answer
        '''
        import anthropic
        client = anthropic.Anthropic()
        def count(image):
            return client.messages.create(model="claude-sonnet-4-5", max_tokens=2048, messages=[{"role": "user",
                "content": "Before providing the answer in <answer> tags, think step by step in <thinking> tags."}])
        ''',
        # several tagged sections
        '''
        import anthropic
        client = anthropic.Anthropic()
        def digest(doc):
            return client.messages.create(model="claude-sonnet-4-5", max_tokens=2048, messages=[{"role": "user",
                "content": f"Write the summary inside <summary> tags and the open questions in <questions> tags.\\n{doc}"}])
        ''',
        # the answer's section, then an optional note in a section of its own: two sections asked
        '''
        import anthropic
        client = anthropic.Anthropic()
        def translate(text):
            return client.messages.create(model="claude-sonnet-4-5", max_tokens=1000, messages=[{"role": "user",
                "content": f"Provide your translation within <translation> tags. If a phrase is ambiguous, you can "
                           f"provide a brief explanation within <note> tags after your translation.\\n{text}"}])
        ''',
        # two numbered sections, the first named only by its tags: no single answer tag
        '''
        import anthropic
        client = anthropic.Anthropic()
        def digest(transcript):
            return client.messages.create(model="claude-sonnet-4-5", max_tokens=2048, messages=[{"role": "user",
                "content": f"<transcript>{transcript}</transcript>\\n1. Summarize the interview as a journalist "
                           "(In <summary> tags.)\\n2. Output the topics as a python list (In <categories> tags.)"}])
        ''',
        # an input delimiter, not the answer's tag
        '''
        import anthropic
        client = anthropic.Anthropic()
        def summarise(doc):
            return client.messages.create(model="claude-sonnet-4-5", max_tokens=1000, messages=[{"role": "user",
                "content": f"The report is given in <report> tags. Summarise it in three sentences.\\n<report>{doc}</report>"}])
        ''',
        # the tag was asked for in an earlier turn: the final request asks for something else
        '''
        import anthropic
        client = anthropic.Anthropic()
        def follow_up(doc, first):
            return client.messages.create(model="claude-sonnet-4-5", max_tokens=1000, messages=[
                {"role": "user", "content": f"Put the answer inside <answer> tags.\\n{doc}"},
                {"role": "assistant", "content": first},
                {"role": "user", "content": "Now explain your answer to a ten-year-old."}])
        ''',
        # the configured stop sequences are passed
        '''
        import anthropic
        client = anthropic.Anthropic()
        CONFIG = {"model": "claude-haiku-4-5", "max_tokens": 5, "stop_sequences": ["</label>"]}
        def label(q):
            return client.messages.create(model=CONFIG["model"], max_tokens=CONFIG["max_tokens"],
                stop_sequences=CONFIG["stop_sequences"], messages=[{"role": "user", "content": q}])
        ''',
        # a stop sequence built at run time is not a configured constant
        '''
        import anthropic
        client = anthropic.Anthropic()
        CONFIG = {"model": "claude-haiku-4-5", "stop_sequences": load_stops()}
        def label(q):
            return client.messages.create(model=CONFIG["model"], max_tokens=5, messages=[{"role": "user", "content": q}])
        ''',
    ]
    INVALID = [
        Invalid('''
        import anthropic
        client = anthropic.Anthropic()
        PROMPT = """Think step by step in <thinking> tags, then give the final answer in <answer></answer> tags."""
        def solve(problem):
            return client.messages.create(model="claude-sonnet-4-5", max_tokens=2000, system=PROMPT,
                messages=[{"role": "user", "content": problem}])
        ''', message="stop_sequences=['</answer>']", line=5),
        # the answer is the SQL, returned in its tag
        Invalid('''
        import anthropic
        client = anthropic.Anthropic()
        def to_sql(question):
            return client.messages.create(model="claude-haiku-4-5", max_tokens=500, messages=[{"role": "user",
                "content": f"Return the SQL query for this question inside <sql> tags.\\n{question}"}])
        ''', message="stop_sequences=['</sql>']"),
        # reasoning first, then the label in a tag as the last thing asked
        Invalid('''
        import anthropic
        client = anthropic.Anthropic()
        PROMPT = """First, write your reasoning inside <reasoning> tags.
        Then, output the classification label for the request inside a <intent> tag."""
        def route(ticket):
            return client.messages.create(model="claude-haiku-4-5", max_tokens=500, system=PROMPT,
                messages=[{"role": "user", "content": ticket}])
        ''', message="stop_sequences=['</intent>']"),
        # a section that holds the reasoning (named by what it holds, not by its tag), then the answer's
        Invalid('''
        import anthropic
        client = anthropic.Anthropic()
        PROMPT = """Wrap your reasoning process in <question_development> tags.
        Then provide the final output as a JSON object in a <json_format> wrapper."""
        def ask(excerpt):
            return client.messages.create(model="claude-haiku-4-5", max_tokens=2000, system=PROMPT,
                messages=[{"role": "user", "content": excerpt}])
        ''', message="stop_sequences=['</json_format>']"),
        Invalid('''
        import anthropic
        client = anthropic.Anthropic()
        client.messages.create(model="claude-sonnet-4-5", max_tokens=500, messages=[{"role": "user", "content": "hi"}])
        ''', options={"require-stop-sequences": True}, message="no stop_sequences"),
        Invalid('''
        import anthropic
        client = anthropic.Anthropic()
        client.messages.create(model="claude-sonnet-4-5", max_tokens=500,
                               system="Reply inside <reply></reply> tags.", messages=[])
        ''', message="stop_sequences=['</reply>']", line=3, fixed='''
        import anthropic
        client = anthropic.Anthropic()
        client.messages.create(model="claude-sonnet-4-5", max_tokens=500,
                               system="Reply inside <reply></reply> tags.", messages=[], stop_sequences=["</reply>"])
        '''),
        # stop sequences configured beside the model but never passed
        Invalid('''
        import anthropic
        client = anthropic.Anthropic()
        CONFIG = {"model": "claude-haiku-4-5", "max_tokens": 5, "stop_sequences": ["</label>"]}
        def label(q):
            return client.messages.create(model=CONFIG["model"], max_tokens=CONFIG["max_tokens"],
                messages=[{"role": "user", "content": q}])
        ''', message='Add stop_sequences=CONFIG["stop_sequences"]', line=5),
    ]

    def check(self, call: CallSite, ctx: RuleContext) -> Iterator[Report]:
        key = "stop" if call.sdk == "openai" else "stop_sequences"
        stops = call.get(key, MISSING)
        if isinstance(stops, Unknown) or _forced_structure(call):
            return
        if isinstance(stops, str):
            stops = [stops]
        tag = answer_tag(final_instruction_text(call))
        absent = stops is MISSING or stops is None
        conf = _configured(call) if absent else None
        if tag is not None:
            closing = f"</{tag}>"
            if absent:
                have = "no stop_sequences"
            elif isinstance(stops, list) and is_complete(stops):
                if closing in stops:
                    return
                have = f"stop_sequences={stops!r} lacks {closing!r}"
            else:
                return
            where, props = _configured_note(conf)
            passing = conf.expr if conf is not None and closing in conf.stops else f"['{closing}']"
            yield Report(
                f"the prompt asks for the answer inside <{tag}> tags but the call has {have}{where}: everything after "
                f"{closing} is billed output that is thrown away. Add {key}={passing}",
                node=call.arg_nodes.get(key, call.anchor),
                properties={"tag": tag, **props},
                fix=_add_stop_sequence(call, closing),
            )
        elif conf is not None and not any(ctx.project_mentions(t) for t in _read_forms(conf.member)):
            where, props = _configured_note(conf)
            yield Report(f"no {key}{where}: the answer runs past the configured stop marker and every token after "
                         f"it is billed. Add {key}={conf.expr}", properties=props)
        elif self.option(ctx, "require-stop-sequences") and (absent or stops == []):
            yield Report(
                f"no stop_sequences (require-stop-sequences = true): the answer runs until max_tokens or the "
                f"model stops on its own. Add {key}=[...] for the marker that ends the answer",
            )


def _configured(call: CallSite) -> ConfiguredStops | None:
    from pytest_tokenbudget.lint.analysis.configured import configured_stops  # libcst: only once parsing

    return configured_stops(call)


def _read_forms(member: str) -> tuple[str, ...]:
    from pytest_tokenbudget.lint.analysis.configured import read_forms

    return read_forms(member)


def _configured_note(conf: ConfiguredStops | None) -> tuple[str, dict[str, Any]]:
    """", though settings.stop_sequences = ['</answer>'] is configured (defined at config.py:7) and
    never passed", with the ``related`` location, when the project configures stop sequences."""
    if conf is None:
        return "", {}
    from pytest_tokenbudget.lint.analysis import crossref

    at, props = crossref.related([conf.value], "stop sequences")
    return (f", though {conf.expr} = {list(conf.stops)!r} is configured{at} but not passed to this call",
            {**props, "configured": conf.expr})

def _add_stop_sequence(call: CallSite, closing: str):
    from pytest_tokenbudget.lint.fixes.build import stop_sequence_fix  # libcst: only when a fix is built

    return stop_sequence_fix(call, closing)
