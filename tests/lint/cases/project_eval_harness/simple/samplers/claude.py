import time

import anthropic

from .base import SamplerBase


class ClaudeSampler(SamplerBase):
    def __init__(self, model: str = "claude-sonnet-4-6", max_tokens: int = 1024) -> None:
        self.client = anthropic.Anthropic()
        self.model = model
        self.max_tokens = max_tokens

    def __call__(self, messages: list[dict]) -> str:  # reached as sampler(messages): an instance called
        trial = 0
        while True:  # a retry loop: it does not hide the per-example map in the eval
            try:
                reply = self.client.messages.create(model=self.model, max_tokens=self.max_tokens,  # TB401
                                                    messages=messages)
                return reply.content[0].text
            except anthropic.RateLimitError:
                trial += 1
                time.sleep(2 ** trial)


class ChatSampler:
    """Called once per typed line of a chat: live work, never a batch."""

    def __init__(self) -> None:
        self.client = anthropic.Anthropic()

    def __call__(self, messages: list[dict]) -> str:
        reply = self.client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, messages=messages)
        return reply.content[0].text
