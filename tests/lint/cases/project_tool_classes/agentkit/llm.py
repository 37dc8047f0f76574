from typing import Any, Protocol

import anthropic

from .tools import ToolRunner


class Provider(Protocol):
    def complete(self, messages: list, tools: list, system: str) -> Any: ...


class ClaudeProvider:
    """The agent's provider: its callers pass the tools of the runner they hold."""

    def __init__(self) -> None:
        self.client = anthropic.Anthropic()

    def complete(self, messages: list, tools: list, system: str) -> Any:
        return self.client.messages.create(model="claude-sonnet-4-6", max_tokens=4096, system=system,  # TB101
                                           messages=messages, tools=tools)

    def one_shot(self, task: str) -> Any:
        return self.client.messages.create(model="claude-sonnet-4-6", max_tokens=4096,
                                           tools=ToolRunner().schemas(),  # TB101
                                           messages=[{"role": "user", "content": task}])


def with_tool_defs(task: str) -> Any:
    from .tooldefs import ALL_TOOLS

    client = anthropic.Anthropic()
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=4096,
                                  tools=[{"name": t.name, "description": t.description,  # TB101
                                          "input_schema": t.input_schema} for t in ALL_TOOLS],
                                  messages=[{"role": "user", "content": task}])
