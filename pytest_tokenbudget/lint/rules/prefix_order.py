"""TB105: a large static text placed after per-call data (a document, a page image, an essay):
it can never be part of a cached prefix (see :mod:`.caching` for the caching rules)."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_tokenbudget.lint.analysis.bounds import clears_minimum
from pytest_tokenbudget.lint.analysis.plausible_models import cache_minimum
from pytest_tokenbudget.lint.analysis.prompt import request_blocks
from pytest_tokenbudget.lint.rules._util import fmt_int
from pytest_tokenbudget.lint.rules.base import Invalid, Rule, RuleContext, register
from pytest_tokenbudget.lint.types import CallSite, Report

__all__ = ["StaticAfterDynamic"]

_ANTHROPIC = frozenset({"anthropic"})


def _static_after_hole(value: object) -> str:
    """The longest run of static text after the first per-call hole of a partly known string: a run
    that moves before the per-call data as a whole (a template that asks its ``{question}`` first and
    then states ten thousand characters of rules before the ``{examples}``, or a document followed by
    the instructions). Runs are not added up: static text split by per-call values would have to be
    rewritten, not moved."""
    from pytest_tokenbudget.lint.analysis.bounds import full_texts
    from pytest_tokenbudget.lint.analysis.values import Hole, Text

    if not isinstance(value, Text):
        return ""
    runs: list[str] = []
    for p in value.parts:
        # a hole with options is one of several static texts, not per-call data (analysis.bounds), unless
        # the options carry per-call data themselves (a helper's returns that each interpolate the state)
        if isinstance(p, Hole) and (not p.options or full_texts(Text((p,))) is None):
            runs.append("")
        elif runs and isinstance(p, str):
            runs[-1] += p
    return max(runs, key=len, default="")


def _static_choice(value: object) -> bool:
    """One of several static texts (a prompt picked by a key or a branch): not per-call data."""
    from pytest_tokenbudget.lint.analysis.bounds import block_leads

    return block_leads(value)[1]


@register
class StaticAfterDynamic(Rule):
    code = "TB105"
    name = "static-after-dynamic"
    summary = "A large static text comes after per-call data, so it can never be part of a cached prefix."
    rationale = (
        "The API caches a request prefix: tools, then system, then messages, up to a breakpoint. Static "
        "instructions placed after the per-call part (a document, a page image, an essay interpolated "
        "before them) change position with every input and are paid in full on every call. Moving "
        "the static part first (into system, or before the document in the same message) makes it a "
        "prefix that cache_control can cache at 0.1x the input price. Flagged when the static text "
        "after the last per-call part (the run that can move as it is) reaches the model's minimum "
        "cacheable length with 5% to spare (the cl100k estimate runs below Claude's own count, but a text at "
        "the threshold is too close to call), on calls that can repeat. Today's date is not per-call data: "
        "a prefix holding it is the same all day and caches (TB101 counts the text around it)."
    )
    KINDS = frozenset({"create", "stream", "parse", "batch", "tool_runner"})
    SDKS = _ANTHROPIC
    VALID = [
        # the static instructions come first: a cacheable prefix
        '''
        import anthropic
        client = anthropic.Anthropic()
        RUBRIC = "Grade the essay against this rubric. " * 400
        def grade(essay):
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=512,
                messages=[{"role": "user", "content": [{"type": "text", "text": RUBRIC},
                                                       {"type": "text", "text": essay}]}])
        ''',
        # a short static tail: nothing worth caching
        '''
        import anthropic
        client = anthropic.Anthropic()
        def grade(essay):
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=512,
                messages=[{"role": "user", "content": f"{essay}\\n\\nGrade it from 1 to 5."}])
        ''',
        # a one-shot script at module level: nothing repeats
        '''
        import anthropic
        client = anthropic.Anthropic()
        RUBRIC = "Grade the essay against this rubric. " * 400
        essay = open("essay.txt").read()
        client.messages.create(model="claude-sonnet-4-6", max_tokens=512,
            messages=[{"role": "user", "content": [{"type": "text", "text": essay},
                                                   {"type": "text", "text": RUBRIC}]}])
        ''',
    ]
    INVALID = [
        Invalid('''
        import anthropic
        client = anthropic.Anthropic()
        RUBRIC = "Grade the essay against this rubric. " * 400
        def grade(essay):
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=512,
                messages=[{"role": "user", "content": [{"type": "text", "text": essay},
                                                       {"type": "text", "text": RUBRIC}]}])
        ''', message="move the static part first"),
        Invalid('''
        import anthropic
        client = anthropic.Anthropic()
        RULES = "Extract every invoice field listed in the schema below. " * 300
        def extract(page_png_b64):
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=1024,
                messages=[{"role": "user", "content": [
                    {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": page_png_b64}},
                    {"type": "text", "text": RULES}]}])
        ''', message="after per-call data"),
        Invalid('''
        import anthropic
        client = anthropic.Anthropic()
        TEMPLATE = ("Question: {question}\\n" + "Cite the source of every claim you make. " * 150
                    + "\\nExamples:\\n{examples}")
        def answer(question, examples):
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, messages=[
                {"role": "user", "content": TEMPLATE.format(question=question, examples=examples)}])
        ''', message="after per-call data"),
        Invalid('''
        import anthropic
        client = anthropic.Anthropic()
        GUIDE = "Follow the style guide: " + "Use short sentences. " * 500
        def review(doc):
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=512,
                system=f"Document under review:\\n{doc}\\n\\n{GUIDE}",
                messages=[{"role": "user", "content": "Review it."}])
        ''', message="system"),
    ]

    def check(self, call: CallSite, ctx: RuleContext) -> Iterator[Report]:
        from pytest_tokenbudget.core.tokens import estimate_tokens

        if not (call.context.repeated or call.batch_template):
            return
        # tool definitions built at run time (a registry's schemas) are the same on every call, as TB101
        # takes them: they do not make the system prompt after them per-call data
        items = request_blocks(call, opaque_tools=True).items
        first = next((i for i, b in enumerate(items) if not b.complete and b.section != "tools"
                      and not _static_choice(b.value)), None)
        if first is None:
            return
        dyn = items[first]
        later = [b for b in items[first + 1:] if b.complete and b.section == dyn.section
                 and b.message_index == dyn.message_index]
        text = "\n".join(t for t in [_static_after_hole(dyn.value), *(b.text for b in later)] if t)
        floor = cache_minimum(call, ctx, fallback_largest=True)  # as TB101 (analysis.plausible_models)
        if not text or floor is None:
            return
        minimum = floor.tokens
        tokens = estimate_tokens(text)
        if not clears_minimum(tokens, minimum):
            return
        where = "system" if dyn.section == "system" else f"message {(dyn.message_index or 0) + 1}"
        yield Report(
            f"~{fmt_int(tokens)} tokens of static text in {where} come after per-call data, so they can "
            "never be part of a cached prefix and are paid in full on every call: move the static part first "
            "(before the document or image, or into system) and mark it with cache_control",
            node=call.arg_nodes.get(dyn.section, call.anchor),
            properties={"static_tokens": tokens},
        )
