"""Retries around any provider."""

from .base import LLMError


class RetryClient:
    def __init__(self, inner, attempts: int = 3):
        self.inner = inner
        self.attempts = attempts

    def generate(self, prompt: str, system: str) -> str:
        for attempt in range(self.attempts):
            try:
                return self.inner.generate(prompt, system)
            except LLMError:
                if attempt == self.attempts - 1:
                    raise
        raise LLMError("no attempts")
