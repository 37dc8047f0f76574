import anthropic

from .base import Provider


class LegacyClaudeProvider(Provider):  # no file imports, calls or lists it: nothing makes one
    def __init__(self) -> None:
        self.client = anthropic.Anthropic()

    def generate(self, prompt: str) -> str:  # the runner's loop over Provider.generate never reaches it
        reply = self.client.messages.create(model="claude-haiku-4-5", max_tokens=300,
                                            messages=[{"role": "user", "content": prompt}])
        return reply.content[0].text
