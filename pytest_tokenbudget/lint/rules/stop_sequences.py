"""TB205: a stop sequence ends an answer the moment it is complete (the TB2xx output-budget family,
apart from the ``max_tokens`` rules in :mod:`.output`)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pytest_tokenbudget.lint.analysis.prompt import instruction_text
from pytest_tokenbudget.lint.analysis.values import Unknown, is_complete
from pytest_tokenbudget.lint.rules.base import Invalid, Rule, RuleContext, register
from pytest_tokenbudget.lint.rules.options import options
from pytest_tokenbudget.lint.types import MISSING, CallSite, Report

__all__ = ["MissingStopSequence", "answer_tag"]


_TAG_RE = re.compile(
    r"(?P<verb>answer|respond|response|reply|output|return|put|place|write|wrap|enclose|give|provide|final|"
    r"format)[^.\n<]{0,60}?\b(?:inside|in|within|between|into)\s+(?:the\s+|an?\s+)?"
    r"<(?P<tag>[A-Za-z][\w-]{0,40})>(?:\s*(?:and|</(?P=tag)>)\s*(?:</(?P=tag)>)?)?\s*(?:xml\s+)?tags?\b",
    re.I,
)

def answer_tag(text: str) -> str | None:
    """The tag the prompt asks the answer to be wrapped in (the last one mentioned), or None."""
    tag = None
    for m in _TAG_RE.finditer(text):
        tag = m.group("tag")
    return tag

def _forced_structure(call: CallSite) -> bool:
    tc = call.get("tool_choice", None)
    forced = isinstance(tc, dict) and tc.get("type") in ("tool", "any") or isinstance(tc, Unknown)
    return forced or call.has("output_config") or call.has("response_format") or call.has("output_format")

@register
class MissingStopSequence(Rule):
    code = "TB205"
    FIX = "unsafe"
    name = "missing-stop-sequence"
    summary = "The prompt wants the answer inside <tag> but stop_sequences lacks </tag>."
    rationale = (
        "When the answer is wrapped in <answer>...</answer>, everything the model writes after the "
        "closing tag (commentary, a summary, a sign-off) is billed output you throw away. "
        "stop_sequences=['</answer>'] ends the response right there (the API reports the matched "
        "stop_sequence, so parsing stays easy). Strict mode (require-stop-sequences = true) flags "
        "every call without stop_sequences."
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
    ]

    def check(self, call: CallSite, ctx: RuleContext) -> Iterator[Report]:
        key = "stop" if call.sdk == "openai" else "stop_sequences"
        stops = call.get(key, MISSING)
        if isinstance(stops, Unknown) or _forced_structure(call):
            return
        if isinstance(stops, str):
            stops = [stops]
        tag = answer_tag(instruction_text(call))
        if tag is not None:
            closing = f"</{tag}>"
            if stops is MISSING or stops is None:
                have = "no stop_sequences"
            elif isinstance(stops, list) and is_complete(stops):
                if closing in stops:
                    return
                have = f"stop_sequences={stops!r} lacks {closing!r}"
            else:
                return
            yield Report(
                f"the prompt asks for the answer inside <{tag}> tags but the call has {have}: everything after "
                f"{closing} is billed output that is thrown away. Add {key}=['{closing}']",
                node=call.arg_nodes.get(key, call.anchor),
                properties={"tag": tag},
                fix=_add_stop_sequence(call, closing),
            )
        elif self.option(ctx, "require-stop-sequences") and (stops is MISSING or stops is None or stops == []):
            yield Report(
                f"no stop_sequences (require-stop-sequences = true): the answer runs until max_tokens or the "
                f"model stops on its own. Add {key}=[...] for the marker that ends the answer",
            )

def _add_stop_sequence(call: CallSite, closing: str):
    from pytest_tokenbudget.lint.fixes.build import stop_sequence_fix  # libcst: only when a fix is built

    return stop_sequence_fix(call, closing)
