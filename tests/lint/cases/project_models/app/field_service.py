from dataclasses import dataclass

import anthropic


@dataclass(frozen=True)
class ClaudeService:
    """Its methods read their own fields: what every construction in the project gives them."""

    api_key: str
    model: str

    def send(self, message: str) -> str:
        client = anthropic.Anthropic(api_key=self.api_key)
        reply = client.messages.create(model=self.model, max_tokens=1024,  # TB302
                                       messages=[{"role": "user", "content": message}])
        return reply.content[0].text


@dataclass(frozen=True)
class Drafter:
    model: str

    def draft(self, topic: str) -> str:  # its one construction passes a variable with no default: unknown
        reply = anthropic.Anthropic().messages.create(model=self.model, max_tokens=1024,
                                                      messages=[{"role": "user", "content": topic}])
        return reply.content[0].text
