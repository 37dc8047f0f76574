import anthropic

from .api import APIProvider

MODEL = "claude-haiku-4-5"


class ClaudeProvider(APIProvider):  # Provider's generate, two classes up
    def generate(self, prompt: str) -> str:  # the interface's method: the runner loops over it
        reply = self.client.messages.create(model=MODEL, max_tokens=300,  # TB401
                                            messages=[{"role": "user", "content": prompt}])
        return reply.content[0].text

    def critique(self, answer: str) -> str:  # not on the interface, and nothing calls it per item
        reply = self.client.messages.create(model=MODEL, max_tokens=300,
                                            messages=[{"role": "user", "content": answer}])
        return reply.content[0].text

    def describe(self) -> str:  # once per run
        reply = self.client.messages.create(model=MODEL, max_tokens=50,
                                            messages=[{"role": "user", "content": "Who are you?"}])
        return reply.content[0].text


class Summarizer:
    def __init__(self) -> None:
        self.client = anthropic.Anthropic()

    def summarize(self, text: str) -> str:  # imported through the package, called per document
        reply = self.client.messages.create(model=MODEL, max_tokens=200,  # TB401
                                            messages=[{"role": "user", "content": f"Summarize:\n{text}"}])
        return reply.content[0].text
