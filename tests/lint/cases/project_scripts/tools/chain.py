"""main() runs once and asks once: still one request per run."""
from pathlib import Path

import anthropic

client = anthropic.Anthropic()
CONTEXT = (Path(__file__).parent / "context.md").read_text()


def review(diff):
    return client.messages.create(
        model="claude-sonnet-4-6", max_tokens=2000, system=CONTEXT,
        messages=[{"role": "user", "content": f"Review:\n{diff}"}])


def main():
    print(review(open("change.diff").read()))


if __name__ == "__main__":
    main()
