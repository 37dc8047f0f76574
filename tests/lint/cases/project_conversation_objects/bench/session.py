"""A multi-turn benchmark's conversation object: the history lives on it, providers fill in the request."""

from abc import ABC, abstractmethod


class ChatSession(ABC):
    def __init__(self, model: str):
        self.model = model
        self.history: list[dict] = []

    @abstractmethod
    def _format(self) -> list[dict]:
        ...

    @abstractmethod
    def _send(self, messages: list[dict]) -> str:
        ...

    def add_message(self, role: str, content: str) -> None:
        message = {"role": role, "content": content}
        self.history.append(message)

    def add_user_message(self, content: str) -> None:
        self.add_message("user", content)

    def add_assistant_message(self, content: str) -> None:
        self.add_message("assistant", content)

    def get_response(self, text: str) -> str:
        """One turn: the reply joins the history the next request is built from."""
        self.add_user_message(text)
        messages = self._format()
        reply = self._send(messages)
        self.add_assistant_message(reply)
        return reply
