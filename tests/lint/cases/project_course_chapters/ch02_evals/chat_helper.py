"""Chapter 2's helper, handed to the evaluator that loops over the dataset."""
import anthropic


class ChatHelper:
    def __init__(self) -> None:
        self.client = anthropic.Anthropic()

    def chat(self, text: str) -> str:
        reply = self.client.messages.create(model="claude-sonnet-4-6", max_tokens=512,  # TB401
                                            messages=[{"role": "user", "content": text}])
        return reply.content[0].text
