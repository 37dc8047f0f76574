"""A streaming subclass reads the configuration its base class's __init__ stored."""
from dataclasses import dataclass

import anthropic


@dataclass
class LLMConfig:
    model: str = "claude-3-5-sonnet-20240620"
    max_tokens: int = 1024


class BaseLLM:
    def __init__(self, config: LLMConfig | None = None):
        self.config = config or LLMConfig()
        self.client = anthropic.Anthropic()

    def invoke(self, messages):
        return self.client.messages.create(model=self.config.model, max_tokens=1024, messages=messages)  # TB302


class StreamingLLM(BaseLLM):  # built by BaseLLM.__init__: the same configuration
    def invoke_stream(self, messages):
        with self.client.messages.stream(model=self.config.model, max_tokens=1024, messages=messages) as s:  # TB302
            yield from s.text_stream


class CustomLLM(BaseLLM):
    def __init__(self, config):  # its own __init__ may hand the base another configuration
        super().__init__(config)

    def invoke_custom(self, messages):
        return self.client.messages.create(model=self.config.model, max_tokens=1024, messages=messages)
