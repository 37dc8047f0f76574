from .llm import Provider
from .tools import PluginTools, ToolRunner


class Agent:
    def __init__(self, provider: Provider, tools: ToolRunner) -> None:
        self.provider = provider
        self.tools = tools
        self.messages: list[dict] = []

    def run(self, task: str) -> None:
        self.messages.append({"role": "user", "content": task})
        while True:  # a tool-use loop: every turn re-sends the same tool definitions
            reply = self.provider.complete(self.messages, self.tools.schemas(), "You are a coding agent.")
            if reply.stop_reason != "tool_use":
                return


class PluginAgent:
    def __init__(self, provider: Provider, tools: PluginTools) -> None:
        self.provider = provider
        self.tools = tools

    def run(self, task: str) -> None:  # its tools come from plugins: unknown size, nothing to say
        self.provider.complete([{"role": "user", "content": task}], self.tools.schemas(), "You are a plugin agent.")
