"""The client wrapper, built here and handed to the services that use it."""
import anthropic

from app.desk import Archive, Desk


class ClaudeClient:
    def __init__(self) -> None:
        self.client = anthropic.Anthropic()

    def get_response(self, system: str, text: str) -> str:
        # desk.py calls it through the object Desk was given: the large POLICY on every question
        reply = self.client.messages.create(system=system, model="claude-sonnet-4-6",  # TB101
                                            max_tokens=512, messages=[{"role": "user", "content": text}])
        return reply.content[0].text


class Summariser:
    def __init__(self) -> None:
        self.client = anthropic.Anthropic()

    def summarise(self, system: str, text: str) -> str:
        # handed to Archive, which keeps it as self.store but calls another object's summarise
        reply = self.client.messages.create(system=system, model="claude-sonnet-4-6",
                                            max_tokens=512, messages=[{"role": "user", "content": text}])
        return reply.content[0].text


claude_client = ClaudeClient()
desk = Desk(claude_client)
archive = Archive(store=Summariser())
