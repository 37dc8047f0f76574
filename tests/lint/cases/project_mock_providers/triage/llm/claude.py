"""The real provider."""
import anthropic


class AnthropicProvider:
    def __init__(self) -> None:
        self.client = anthropic.Anthropic()

    def classify(self, log: str) -> str:
        # batch.py sends every log of a file through it: batch work (the eval runs the mock)
        reply = self.client.messages.create(model="claude-haiku-4-5", max_tokens=300,  # TB401
                                            messages=[{"role": "user", "content": f"Classify this error: {log}"}])
        return reply.content[0].text

    def explain(self, log: str) -> str:
        # only the eval runner loops over explain(), and it hands the classifier a MockProvider
        reply = self.client.messages.create(model="claude-haiku-4-5", max_tokens=600,
                                            messages=[{"role": "user", "content": f"Explain this error: {log}"}])
        return reply.content[0].text
