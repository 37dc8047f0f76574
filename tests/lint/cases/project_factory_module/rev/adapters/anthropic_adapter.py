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

    def _convert_tools(self, tools):
        return [{"name": t.name, "description": t.description, "input_schema": t.parameters} for t in tools]
