"""An agent loop holding its provider by the Protocol type."""
from agent.llm import Provider
from agent.prompts import POLICY


class Agent:
    def __init__(self, provider: Provider) -> None:
        self.provider = provider
        self.messages: list = []

    def run(self, task: str, max_turns: int = 8) -> object:
        self.messages.append({"role": "user", "content": task})
        reply = None
        for _ in range(max_turns):
            reply = self.provider.complete(POLICY, self.messages)
            self.messages.append({"role": "assistant", "content": str(reply)})
        return reply
