"""Rounds of a discussion: each round's prompt carries the replies of the last one, gathered
through a loop over them into notes joined after it. A chain, not a batch."""
import sys

import anthropic

client = anthropic.Anthropic()


def ask_claude(prompt):
    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=800,
                                   messages=[{"role": "user", "content": prompt}])
    return reply.content[0].text


def run_round(topic, i, previous):
    prompt = f"Round {i}: {topic}" if previous is None else f"Round {i}: {topic}\nEarlier: {previous}"
    return {"replies": [ask_claude(prompt), ask_claude(f"Object to: {prompt}")]}


def discuss(topic, rounds):
    previous = None
    for i in range(1, rounds + 1):
        data = run_round(topic, i, previous)
        if i < rounds:
            notes = []
            for reply in data["replies"]:
                notes.append(reply[:150])
            previous = "\n".join(notes)


if __name__ == "__main__":
    discuss(sys.argv[1], int(sys.argv[2]))
