"""The interface every provider implements (structurally: no provider names it as a base)."""

from typing import Protocol


class LLMClient(Protocol):
    def generate(self, prompt: str, system: str) -> str: ...


class LLMError(Exception):
    pass
