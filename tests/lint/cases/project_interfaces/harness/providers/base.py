from abc import ABC, abstractmethod


class Provider(ABC):
    """What the runner holds: it never names the Claude class."""

    @abstractmethod
    def generate(self, prompt: str) -> str: ...

    def describe(self) -> str:
        return type(self).__name__
