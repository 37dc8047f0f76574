"""The Anthropic provider: it never names LLMClient, and imports only the error type from .base."""

import anthropic

from .base import LLMError


class AnthropicClient:
    def __init__(self, model: str):
        self.client = anthropic.Anthropic()
        self.model = model

    def generate(self, prompt: str, system: str) -> str:
        try:
            reply = self.client.messages.create(model=self.model, max_tokens=400, system=system,  # TB401
                                                messages=[{"role": "user", "content": prompt}])
        except anthropic.APIError as exc:
            raise LLMError(str(exc)) from exc
        return reply.content[0].text

    def describe(self, prompt: str) -> str:
        # no Protocol declares describe: nothing holding an LLMClient can call it
        return self.client.messages.create(model=self.model, max_tokens=200,
                                           messages=[{"role": "user", "content": prompt}]).content[0].text
