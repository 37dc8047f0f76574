"""Providers the agent talks to: structural types, the concrete classes never name the Protocol."""
from typing import Protocol

import anthropic


class Provider(Protocol):
    def complete(self, system: str, messages: list) -> object:
        ...


class ClaudeProvider:
    def __init__(self) -> None:
        self.client = anthropic.Anthropic()

    def complete(self, system: str, messages: list) -> object:
        # the agent (loop.py) holds a Provider and sends the large POLICY on every turn
        return self.client.messages.create(system=system, model="claude-sonnet-4-6",  # TB101
                                           max_tokens=1024, messages=messages)


class Summariser:
    def __init__(self) -> None:
        self.client = anthropic.Anthropic()

    def summarise(self, system: str, text: str) -> object:
        # called only through an object the caller's module knows nothing about (other.py)
        return self.client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, system=system,
                                           messages=[{"role": "user", "content": text}])
