"""Essays rewritten at the levels still being tried (the list is cut down to one while testing)."""
import sys

import anthropic

client = anthropic.Anthropic()
RUBRIC = "Score each of the five dimensions from 0 to 5 and justify every score in one sentence. " * 60


def rewrite(essay: str) -> list[str]:
    # the loop over levels has one pass, so the system prompt is one static text for every essay
    levels = ["C"]
    out = []
    for level in levels:
        reply = client.messages.create(  # TB401
            model="claude-sonnet-4-6", max_tokens=1000,
            system=f"Rewrite the essay at level {level}.\n\n{RUBRIC}",  # TB101
            messages=[{"role": "user", "content": essay}])
        out.append(reply.content[0].text)
    return out


if __name__ == "__main__":
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as f:
            print(rewrite(f.read()))
