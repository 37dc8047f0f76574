"""Requests made on the facade (no API call, no max_tokens needed) and on the real wrapper."""

from app.claude_cli import ClaudeCLI
from app.sdk_wrapper import Wrapped

SYSTEM = "You are a patient history tutor."


def ask_tutor(question):
    client = ClaudeCLI()
    return client.messages.create(model="claude-haiku-4-5", system=SYSTEM,
                                  messages=[{"role": "user", "content": question}])


def ask_wrapped(question):
    client = Wrapped()
    return client.messages.create(model="claude-haiku-4-5",  # TB201
                                  messages=[{"role": "user", "content": question}])


class FakeAnthropic:
    """An in-file stand-in for demos without a key."""

    class _Messages:
        def create(self, **kwargs):
            return {"content": [{"type": "text", "text": "stub"}]}

    def __init__(self):
        self.messages = self._Messages()


def demo(question):
    client = FakeAnthropic()
    return client.messages.create(model="claude-3-haiku-20240307", messages=[{"role": "user", "content": question}])
