"""A single-shot script: its main block asks one question, so the context is sent once per run."""
from pathlib import Path

import anthropic

client = anthropic.Anthropic()
CONTEXT = (Path(__file__).parent / "context.md").read_text()


def get_help(task):
    response = client.messages.create(
        model="claude-sonnet-4-6", max_tokens=2000, system=CONTEXT,
        messages=[{"role": "user", "content": f"Task: {task}"}])
    return response.content[0].text


if __name__ == "__main__":
    print(get_help("Fix the search"))
