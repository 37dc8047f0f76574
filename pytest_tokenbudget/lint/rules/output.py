"""TB2xx: output budget (max_tokens; TB205 stop sequences is in :mod:`.stop_sequences`, TB206
non-streaming long output in :mod:`.streaming`).

Output tokens cost 5x input on every current model; ``max_tokens`` bounds the worst case a call
can bill, and a stop sequence ends an answer the moment it is complete.
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_tokenbudget.lint.analysis.intent import label_from_shape, reasoning_first, short_answer_kind
from pytest_tokenbudget.lint.analysis.prompt import instruction_text
from pytest_tokenbudget.lint.rules.base import Invalid, Rule, RuleContext, Valid, register
from pytest_tokenbudget.lint.rules.options import DEFAULTS, options
from pytest_tokenbudget.lint.types import MISSING, CallSite, Report

from pytest_tokenbudget.lint.rules._util import fmt_int, saving, thinks_by_default, usd

_ANTHROPIC = frozenset({"anthropic"})


def _worst(call: CallSite, ctx: RuleContext, tokens: int) -> str:
    info = ctx.model_info(call)
    if info is None or info.output is None:
        return ""
    price = info.output * (ctx.catalog.batch_multiplier if call.batch else 1)
    return f" ({usd(tokens, price)} at {info.id}'s output price)"


@register
class MaxTokensMissing(Rule):
    code = "TB201"
    name = "max-tokens-missing"
    summary = "No max_tokens: the Anthropic SDK call fails; an OpenAI-compatible call's output is unbounded."
    rationale = (
        "The Anthropic SDK requires max_tokens (the call raises before anything is sent; a batch "
        "request without it errors). Through the OpenAI-compatible endpoint neither max_tokens nor "
        "max_completion_tokens means the answer may run to the model's maximum output, billed at the "
        "output price. Set max_tokens to the longest answer you need. Not raised when an unresolved "
        "**kwargs could supply it."
    )
    severity = "error"
    precision = "very-high"
    VALID = [
        '''
        import anthropic
        client = anthropic.Anthropic()
        client.messages.create(model="claude-sonnet-4-5", max_tokens=300, messages=[])
        ''',
        '''
        import anthropic
        client = anthropic.Anthropic()
        def call(**params):
            return client.messages.create(model="claude-sonnet-4-5", messages=[], **params)
        ''',
        # Twilio's messages.create is not an LLM call
        '''
        from twilio.rest import Client
        client = Client("sid", "token")
        client.messages.create(body="hi", to="+15551234567", from_="+15557654321")
        ''',
        # count_tokens takes no max_tokens
        '''
        import anthropic
        client = anthropic.Anthropic()
        client.messages.count_tokens(model="claude-sonnet-4-5", messages=[{"role": "user", "content": "x"}])
        ''',
        '''
        import openai
        client = openai.OpenAI(base_url="https://api.anthropic.com/v1/")
        client.chat.completions.create(model="claude-sonnet-4-5", max_completion_tokens=500, messages=[])
        ''',
    ]
    INVALID = [
        Invalid('''
        import anthropic
        client = anthropic.Anthropic()
        client.messages.create(model="claude-sonnet-4-5", messages=[{"role": "user", "content": "hi"}])
        ''', message="requires max_tokens", line=3),
        Invalid('''
        from openai import OpenAI
        client = OpenAI(base_url="https://api.anthropic.com/v1/")
        client.chat.completions.create(model="claude-sonnet-4-5", messages=[{"role": "user", "content": "hi"}])
        ''', message="unbounded"),
        Invalid('''
        import anthropic
        create = anthropic.Anthropic().messages.create
        def ask(q):
            return create(model="claude-haiku-4-5", messages=[{"role": "user", "content": q}])
        ''', line=4),
    ]

    def check(self, call: CallSite, ctx: RuleContext) -> Iterator[Report]:
        if call.may_have("max_tokens") or call.may_have("max_completion_tokens"):
            return
        if call.sdk == "openai":
            info = ctx.model_info(call)
            cap = info.max_output if info else None
            worst = f" up to {fmt_int(cap)} tokens{_worst(call, ctx, cap)}" if cap else ""
            yield Report(
                f"{call.api} without max_tokens or max_completion_tokens: the output is unbounded{worst} "
                "per call. Add max_tokens=<the longest answer you need>",
                severity="warning",
            )
            return
        where = "this batch request fails" if call.batch else "the call raises TypeError before sending"
        yield Report(
            f"{call.api} without max_tokens: the Anthropic SDK requires max_tokens and {where}. "
            "Add max_tokens=<the longest answer you need>",
        )


@register
class MaxTokensOverModelLimit(Rule):
    code = "TB202"
    name = "max-tokens-over-model-limit"
    summary = "max_tokens is above the model's maximum output."
    rationale = (
        "A max_tokens above the model's output limit is rejected by the API (400): the call fails "
        "and is retried or paid for in debugging time. Use the model's limit from the catalog "
        "(`tokenbudget prices MODEL`), or stream with a lower cap. When the model cannot be resolved "
        "the largest limit of any known model is used."
    )
    severity = "error"
    precision = "very-high"
    VALID = [
        '''
        import anthropic
        client = anthropic.Anthropic()
        client.messages.create(model="claude-sonnet-4-5", max_tokens=64000, messages=[], stream=True)
        ''',
        '''
        import anthropic
        client = anthropic.Anthropic()
        def ask(model):
            return client.messages.create(model=model, max_tokens=100000, messages=[], stream=True)
        ''',
    ]
    INVALID = [
        Invalid('''
        import anthropic
        client = anthropic.Anthropic()
        client.messages.create(model="claude-haiku-4-5-20251001", max_tokens=100_000, messages=[], stream=True)
        ''', message="64,000"),
        Invalid('''
        import anthropic
        client = anthropic.Anthropic()
        def ask(model):
            return client.messages.create(model=model, max_tokens=500_000, messages=[], stream=True)
        ''', message="any known model"),
    ]

    def check(self, call: CallSite, ctx: RuleContext) -> Iterator[Report]:
        n = call.max_tokens
        if n is None:
            return
        info = ctx.model_info(call)
        if info is not None:
            limit = info.max_output
            if call.batch and call.api.startswith("beta.") and info.batch_max_output:
                limit = max(limit or 0, info.batch_max_output)
            who = info.id
        elif call.model is not None:
            return  # a model id the catalog does not know: TB303's business, not a guess here
        else:
            limit = ctx.catalog_extreme("max_output", largest=True)
            batch_limit = ctx.catalog_extreme("batch_max_output", largest=True)
            if call.batch and batch_limit:
                limit = max(limit or 0, batch_limit)
            who = "any known model"
        if limit is None or n <= limit:
            return
        yield Report(
            f"max_tokens={fmt_int(n)} is above the maximum output of {who} ({fmt_int(limit)} tokens): the API "
            f"rejects the request (400). Use max_tokens<={fmt_int(limit)}",
            node=call.max_tokens_node(),
            properties={"max_tokens": n, "limit": limit},
        )


@register
class MaxTokensOverCeiling(Rule):
    code = "TB203"
    name = "max-tokens-over-ceiling"
    summary = f"max_tokens is above the project's ceiling (max-tokens-ceiling, default {DEFAULTS['max-tokens-ceiling']})."
    rationale = (
        "max_tokens is the most a single call can bill for output (5x the input price). A project "
        "ceiling keeps one looping or rambling answer from costing dollars; calls that really need "
        "long outputs raise it explicitly (suppress with a reason, or raise max-tokens-ceiling in "
        "[tool.tokenbudget.lint])."
    )
    OPTIONS = options("max-tokens-ceiling")
    VALID = [
        '''
        import anthropic
        client = anthropic.Anthropic()
        client.messages.create(model="claude-sonnet-4-5", max_tokens=4096, messages=[])
        ''',
        Valid('''
        import anthropic
        client = anthropic.Anthropic()
        client.messages.create(model="claude-sonnet-4-5", max_tokens=32000, messages=[], stream=True)
        ''', options={"max-tokens-ceiling": 32000}),
    ]
    INVALID = [
        Invalid('''
        import anthropic
        client = anthropic.Anthropic()
        with client.messages.stream(model="claude-sonnet-4-5", max_tokens=64000, messages=[]) as s:
            pass
        ''', message="ceiling 16,384"),
        Invalid('''
        import anthropic
        client = anthropic.Anthropic()
        client.messages.create(model="claude-sonnet-4-5", max_tokens=2048, messages=[])
        ''', options={"max-tokens-ceiling": 1024}, message="$0.0307"),
    ]

    def check(self, call: CallSite, ctx: RuleContext) -> Iterator[Report]:
        n = call.max_tokens
        ceiling = self.option(ctx, "max-tokens-ceiling")
        if n is None or n <= ceiling:
            return
        yield Report(
            f"max_tokens={fmt_int(n)} is above the project ceiling {fmt_int(ceiling)}: one runaway answer can bill "
            f"{fmt_int(n)} output tokens{_worst(call, ctx, n)}. Lower max_tokens, or raise max-tokens-ceiling in "
            "[tool.tokenbudget.lint] if this call needs it",
            node=call.max_tokens_node(),
            properties={"max_tokens": n, "ceiling": ceiling},
        )


def _thinking_enabled(call: CallSite) -> bool:
    v = call.get("thinking", MISSING)
    if v is MISSING or v is None:
        return False
    if isinstance(v, dict) and v.get("type") == "disabled":
        return False
    return True


@register
class MaxTokensShortAnswer(Rule):
    code = "TB204"
    FIX = "unsafe"
    name = "max-tokens-short-answer"
    summary = "The prompt asks for a short answer (yes/no, a label, a number) but max_tokens is large."
    rationale = (
        "A yes/no or one-label answer needs a handful of tokens. A large max_tokens lets a confused or "
        "chatty reply bill hundreds or thousands of output tokens (5x the input price) and hides the "
        f"bug; a tight cap (short-answer-max-tokens, default {DEFAULTS['short-answer-max-tokens']}) bounds the "
        "worst case and makes a "
        "rambling answer visible (stop_reason 'max_tokens'). Not raised with thinking enabled, tools, "
        "structured output, or models that think by default (thinking counts toward max_tokens)."
    )
    OPTIONS = options("short-answer-max-tokens")
    VALID = [
        '''
        import anthropic
        client = anthropic.Anthropic()
        def is_spam(text):
            return client.messages.create(model="claude-haiku-4-5", max_tokens=5,
                system="Answer yes or no.", messages=[{"role": "user", "content": text}])
        ''',
        # the options, then more to write: a label with its reason is not a short answer
        '''
        import anthropic
        client = anthropic.Anthropic()
        def route(ticket):
            return client.messages.create(model="claude-haiku-4-5", max_tokens=1024, messages=[{"role": "user",
                "content": f"Classify: {ticket}\\n\\nRespond with ONLY: Technical Issue, Billing Issue, or "
                           "General Inquiry. Then explain your choice."}])
        ''',
        # thinking needs room
        '''
        import anthropic
        client = anthropic.Anthropic()
        def is_spam(text):
            return client.messages.create(model="claude-sonnet-4-5", max_tokens=4000,
                thinking={"type": "enabled", "budget_tokens": 2000},
                system="Answer yes or no.", messages=[{"role": "user", "content": text}])
        ''',
        # the model is not resolved: it may think by default
        '''
        import anthropic
        client = anthropic.Anthropic()
        def is_spam(text, model):
            return client.messages.create(model=model, max_tokens=1024,
                system="Answer yes or no.", messages=[{"role": "user", "content": text}])
        ''',
        # chain of thought before the label needs the room
        '''
        import anthropic
        client = anthropic.Anthropic()
        def classify(ticket):
            return client.messages.create(model="claude-haiku-4-5", max_tokens=2048, messages=[{"role": "user",
                "content": f"Think step by step in <thinking> tags, then respond with just the label.\\n{ticket}"}])
        ''',
        # the prefill opens a tag that holds a long answer, not a label
        '''
        import anthropic
        client = anthropic.Anthropic()
        def draft(topic):
            return client.messages.create(model="claude-haiku-4-5", max_tokens=2048, stop_sequences=["</essay>"],
                messages=[{"role": "user", "content": topic}, {"role": "assistant", "content": "<essay>"}])
        ''',
        # few-shot turns with long answers
        '''
        import anthropic
        client = anthropic.Anthropic()
        def reply(q):
            return client.messages.create(model="claude-haiku-4-5", max_tokens=1000, messages=[
                {"role": "user", "content": "hi"}, {"role": "assistant", "content": "Hello! How can I help you today with your order?"},
                {"role": "user", "content": "where is it"}, {"role": "assistant", "content": "It shipped yesterday and arrives on Monday."},
                {"role": "user", "content": q}])
        ''',
    ]
    INVALID = [
        # the label is given by few-shot assistant turns
        Invalid('''
        import anthropic
        client = anthropic.Anthropic()
        def sentiment(tweet):
            return client.messages.create(model="claude-haiku-4-5", max_tokens=500, messages=[
                {"role": "user", "content": "Pickles are disgusting."}, {"role": "assistant", "content": "NEGATIVE"},
                {"role": "user", "content": "I love pickles."}, {"role": "assistant", "content": "POSITIVE"},
                {"role": "user", "content": tweet}])
        ''', message="few-shot"),
        # an assistant prefill opens <category> and the stop sequence closes it
        Invalid('''
        import anthropic
        client = anthropic.Anthropic()
        def route(prompt):
            return client.messages.create(model="claude-haiku-4-5", max_tokens=4096, stop_sequences=["</category>"],
                messages=[{"role": "user", "content": prompt}, {"role": "assistant", "content": "<category>"}])
        ''', message="prefill"),
        Invalid('''
        import anthropic
        client = anthropic.Anthropic()
        def translate(word, language):
            return client.messages.create(model="claude-haiku-4-5", max_tokens=1000, messages=[
                {"role": "user", "content": f"translate {word} into {language}. Reply only with 1 word."}])
        ''', message="a single word"),
        Invalid('''
        import anthropic
        client = anthropic.Anthropic()
        def title(text):
            return client.messages.create(model="claude-haiku-4-5", max_tokens=1000, messages=[
                {"role": "user", "content": f"Suggest a title for this post. Only output the title.\\n{text}"}])
        ''', message="a single title"),
        # quoted labels to choose from, each with its condition
        Invalid('''
        import anthropic
        client = anthropic.Anthropic()
        def religious(speech):
            return client.messages.create(model="claude-haiku-4-5", max_tokens=512, messages=[
                {"role": "user", "content": 'Please output "RELIGIOUS" if so and "SECULAR" if not. ' + speech}])
        ''', message="a single label"),
        Invalid('''
        import anthropic
        client = anthropic.Anthropic()
        def related(image):
            return client.messages.create(model="claude-haiku-4-5", max_tokens=1024, messages=[
                {"role": "user", "content": [image, {"type": "text",
                 "text": "Is the image related to the answer? If yes then just return 1 else return 0."}]}])
        ''', message="1/0"),
        Invalid('''
        import anthropic
        client = anthropic.Anthropic()
        def compute(expr):
            return client.messages.create(model="claude-haiku-4-5", max_tokens=1000, messages=[
                {"role": "user", "content": f"Evaluate {expr}. Only respond with the result."}])
        ''', message="a single result"),
        Invalid('''
        import anthropic
        client = anthropic.Anthropic()
        def is_spam(text):
            return client.messages.create(model="claude-haiku-4-5", max_tokens=1024,
                system="Is this message spam? Answer only with yes or no.",
                messages=[{"role": "user", "content": text}])
        ''', message="yes/no", line=4, column=72, end_line=4, end_column=76, fixed='''
        import anthropic
        client = anthropic.Anthropic()
        def is_spam(text):
            return client.messages.create(model="claude-haiku-4-5", max_tokens=64,
                system="Is this message spam? Answer only with yes or no.",
                messages=[{"role": "user", "content": text}])
        '''),
        Invalid('''
        import anthropic
        client = anthropic.Anthropic()
        LABELS = "billing, bug, feature"
        def label(ticket):
            return client.messages.create(model="claude-sonnet-4-5", max_tokens=2048, messages=[
                {"role": "user", "content": f"Classify the ticket into {LABELS}. Respond with only the label.\\n{ticket}"}])
        ''', message="a single label"),
        # the options written out after "only:", and nothing after them
        Invalid('''
        import anthropic
        client = anthropic.Anthropic()
        def route(ticket):
            return client.messages.create(model="claude-haiku-4-5", max_tokens=1024, messages=[{"role": "user",
                "content": f"Classify: {ticket}\\n\\nRespond with ONLY: Technical Issue, Billing Issue, or "
                           "General Inquiry"}])
        ''', message="a single label"),
    ]

    def check(self, call: CallSite, ctx: RuleContext) -> Iterator[Report]:
        n = call.max_tokens
        limit = self.option(ctx, "short-answer-max-tokens")
        if n is None or n <= limit:
            return
        if _thinking_enabled(call) or call.may_have("tools") or call.may_have("output_config") \
                or call.may_have("response_format") or call.may_have("output_format") \
                or call.may_have("response_model") or call.kind == "parse":
            return
        info = ctx.model_info(call)
        if info is None or thinks_by_default(info):
            return
        text = instruction_text(call)
        if reasoning_first(text):
            return  # chain of thought before the label needs the room
        what = short_answer_kind(text) or label_from_shape(call)
        if what is None:
            return
        yield Report(
            f"the prompt asks for {what} but max_tokens={fmt_int(n)}: a rambling answer bills up to {fmt_int(n)} "
            f"output tokens{_worst(call, ctx, n)} per call. Lower max_tokens to {limit} "
            "(short-answer-max-tokens)",
            node=call.max_tokens_node(),
            properties={"max_tokens": n, "short_answer_max_tokens": limit, **saving("TB204", call, ctx)},
            fix=_lower_max_tokens(call, limit),
        )


__all__ = ["MaxTokensMissing", "MaxTokensOverModelLimit", "MaxTokensOverCeiling", "MaxTokensShortAnswer",
           "short_answer_kind"]


def _lower_max_tokens(call: CallSite, limit: int):
    from pytest_tokenbudget.lint.fixes.build import lower_max_tokens_fix  # libcst: only when a fix is built

    return lower_max_tokens_fix(call, limit)
