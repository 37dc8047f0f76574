"""The same helper in an input loop: every question re-sends the context."""
from pathlib import Path

import anthropic

client = anthropic.Anthropic()
CONTEXT = (Path(__file__).parent / "context.md").read_text()


def answer(question):
    return client.messages.create(
        model="claude-sonnet-4-6", max_tokens=2000, system=CONTEXT,  # TB101
        messages=[{"role": "user", "content": question}])


if __name__ == "__main__":
    while True:
        print(answer(input("> ")))
