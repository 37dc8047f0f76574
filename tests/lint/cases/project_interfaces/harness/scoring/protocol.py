"""The interface the scorers hold: a Protocol in a module of its own, which the Claude client beside
it implements without importing it."""
from typing import Protocol


class Completer(Protocol):
    def complete(self, system: str, user: str) -> str: ...


class Reviewer(Protocol):  # a different interface: ClaudeCompleter has no ``review``
    def complete(self, system: str, user: str) -> str: ...

    def review(self, text: str) -> str: ...
