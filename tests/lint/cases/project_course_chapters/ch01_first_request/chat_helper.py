"""Chapter 1's helper: a namesake of chapter 2's, with its own ChatHelper class."""
import anthropic


class ChatHelper:
    def __init__(self) -> None:
        self.client = anthropic.Anthropic()

    def chat(self, text: str) -> str:
        # one request per notebook cell; chapter 2's evaluator loops over *its own* ChatHelper, which
        # ch02_evals/run_eval.py imports from the chat_helper.py beside it, not this one
        reply = self.client.messages.create(model="claude-sonnet-4-6", max_tokens=512,
                                            messages=[{"role": "user", "content": text}])
        return reply.content[0].text
