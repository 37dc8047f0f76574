"""TB206: a non-streaming call the Anthropic SDK refuses before sending (max_tokens too large).

Part of the output-budget family (TB2xx, :mod:`.output`); kept apart because it is about whether
the call runs at all, not about what it may bill.
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_tokenbudget.lint.rules._util import fmt_int
from pytest_tokenbudget.lint.rules.base import Invalid, Rule, RuleContext, register
from pytest_tokenbudget.lint.types import CallSite, Report

__all__ = ["MODEL_NONSTREAMING_TOKENS", "NONSTREAMING_MAX", "NonStreamingLongOutput"]

_ANTHROPIC = frozenset({"anthropic"})


# The SDK's non-streaming guard (anthropic/_base_client.py _calculate_nonstreaming_timeout and
# _constants.MODEL_NONSTREAMING_TOKENS, SDK 2.12): refused when 3600 * max_tokens / 128000 > 600,
# i.e. max_tokens > 21,333, or above 8,192 for the Opus 4 / 4.1 ids listed below (exact strings).
NONSTREAMING_MAX = 21_333
MODEL_NONSTREAMING_TOKENS = {
    "claude-opus-4-20250514": 8_192,
    "claude-opus-4-0": 8_192,
    "claude-4-opus-20250514": 8_192,
    "anthropic.claude-opus-4-20250514-v1:0": 8_192,
    "claude-opus-4@20250514": 8_192,
    "anthropic.claude-opus-4-1-20250805-v1:0": 8_192,
    "claude-opus-4-1@20250805": 8_192,
}


@register
class NonStreamingLongOutput(Rule):
    code = "TB206"
    name = "non-streaming-long-output"
    summary = "A non-streaming call whose max_tokens is above the SDK's non-streaming limit."
    rationale = (
        "The Anthropic SDK refuses a non-streaming request whose max_tokens could take more than 10 "
        "minutes (max_tokens > 21,333; > 8,192 for Opus 4/4.1) unless a timeout is set: it raises "
        "ValueError before sending, so the code path never works. Stream it "
        "(client.messages.stream(...) or stream=True), which also lets you stop early and pay only for "
        "what you read. Not raised when the call or its client sets timeout=, or the client is untraced."
    )
    severity = "error"
    KINDS = frozenset({"create", "parse"})
    SDKS = _ANTHROPIC
    VALID = [
        '''
        import anthropic
        client = anthropic.Anthropic()
        with client.messages.stream(model="claude-sonnet-4-5", max_tokens=32000, messages=[]) as s:
            pass
        ''',
        '''
        import anthropic
        client = anthropic.Anthropic(timeout=1200)
        client.messages.create(model="claude-sonnet-4-5", max_tokens=32000, messages=[])
        ''',
        '''
        import anthropic
        client = anthropic.Anthropic()
        client.messages.create(model="claude-sonnet-4-5", max_tokens=32000, messages=[], stream=True)
        ''',
    ]
    INVALID = [
        Invalid('''
        import anthropic
        client = anthropic.Anthropic()
        client.messages.create(model="claude-sonnet-4-5", max_tokens=32000, messages=[])
        ''', message="21,333"),
        Invalid('''
        from anthropic import Anthropic
        client = Anthropic()
        client.messages.create(model="claude-opus-4-0", max_tokens=10000, messages=[])
        ''', message="8,192"),
    ]

    def check(self, call: CallSite, ctx: RuleContext) -> Iterator[Report]:
        if call.streaming is not False or call.batch:
            return
        n = call.max_tokens
        if n is None or call.client.has_timeout or call.may_have("timeout"):
            return
        model = call.model
        limit = MODEL_NONSTREAMING_TOKENS.get(model, NONSTREAMING_MAX) if model else NONSTREAMING_MAX
        if n <= limit:
            return
        yield Report(
            f"non-streaming {call.api} with max_tokens={fmt_int(n)}: the Anthropic SDK raises ValueError "
            f"('Streaming is required ...') before sending for max_tokens > {fmt_int(limit)}, so this call never "
            "runs. Use client.messages.stream(...) or stream=True (or lower max_tokens)",
            node=call.max_tokens_node(),
            properties={"max_tokens": n, "limit": limit},
        )
