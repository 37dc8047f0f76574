"""Two questions in one run: the second could read the first's cache."""
from pathlib import Path

import anthropic

client = anthropic.Anthropic()
CONTEXT = (Path(__file__).parent / "context.md").read_text()


def consult(task):
    return client.messages.create(
        model="claude-sonnet-4-6", max_tokens=2000, system=CONTEXT,
        messages=[{"role": "user", "content": task}])  # TB101


if __name__ == "__main__":
    print(consult("Plan the release"))
    print(consult("Write the changelog"))
