"""The Claude adapter: its prompt, tools and loop all come from modules that import only the factory."""

import anthropic

from .base import LLMAdapter, ToolDeclaration


class AnthropicAdapter(LLMAdapter):
    def __init__(self, model_name=None):
        self.client = anthropic.Anthropic()
        self.model_name = model_name or "claude-sonnet-4-6"

    def generate(self, messages, tools: list[ToolDeclaration], system_prompt: str):
        return self.client.messages.create(model=self.model_name, max_tokens=4096,
                                           system=system_prompt,  # TB101
                                           messages=messages, tools=self._convert_tools(tools))

    def describe(self, text: str):
        return self.client.messages.create(model=self.model_name, max_tokens=300,  # TB401
                                           messages=[{"role": "user", "content": f"Describe: {text}"}])

    def summarize(self, text: str):
        return self.client.messages.create(model=self.model_name, max_tokens=200,  # TB401
                                           messages=[{"role": "user", "content": f"Summarize: {text}"}])

    def extract(self, chunk: str):
        return self.client.messages.create(model=self.model_name, max_tokens=500,  # TB401
                                           messages=[{"role": "user", "content": f"Extract the figures: {chunk}"}])

    def _convert_tools(self, tools):
        return [{"name": t.name, "description": t.description, "input_schema": t.parameters} for t in tools]


def summarize_with(adapter, text):
    """A helper beside the class, handed the instance: the loop that calls it is per item."""
    return adapter.summarize(text)
