"""The interface the classifier holds: a structural Protocol, named by no implementation."""
from typing import Protocol


class LLMProvider(Protocol):
    def classify(self, log: str) -> str:
        ...

    def explain(self, log: str) -> str:
        ...
