"""A support bot: a client in a class, a cached and an uncached system prompt, aliases."""
import textwrap

import anthropic
from anthropic import Anthropic

MODEL = "claude-sonnet-4-5"
POLICY = textwrap.dedent("""
    You are the support assistant for Acme Widgets. Follow the refund policy exactly.
""") + "Refunds are granted within 30 days of purchase when the widget is unused. " * 300


class SupportBot:
    def __init__(self, api_key: str) -> None:
        self.client = Anthropic(api_key=api_key)
        self.create = self.client.messages.create

    def answer(self, question: str):
        return self.client.messages.create(
            model=MODEL,
            max_tokens=1024,
            system=POLICY,  # TB101
            messages=[{"role": "user", "content": question}],
        )

    def answer_cached(self, question: str):
        return self.client.messages.create(
            model=MODEL,
            max_tokens=1024,
            system=[{"type": "text", "text": POLICY, "cache_control": {"type": "ephemeral"}}],
            messages=[{"role": "user", "content": question}],
        )

    def is_refundable(self, text: str):
        return self.client.messages.create(
            model="claude-haiku-4-5",
            max_tokens=2048,  # TB204
            system="Is this request eligible for a refund? Answer only with yes or no.",
            messages=[{"role": "user", "content": text}],
        )

    def suppressed(self, question: str):
        # tokenbudget: ignore[TB101]
        return self.client.messages.create(model=MODEL, max_tokens=1024, system=POLICY,
                                           messages=[{"role": "user", "content": question}])

    def noqa(self, question: str):
        return self.client.messages.create(model=MODEL, max_tokens=99999, messages=[])  # noqa: TB202, TB203, TB206


def module_alias(q):
    create = anthropic.Anthropic().messages.create
    return create(model=MODEL, messages=[{"role": "user", "content": q}])  # TB201
