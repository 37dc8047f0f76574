"""Few-shot turns built from a JSON file of examples by a comprehension or a loop: a static prefix."""
import json
from pathlib import Path

import anthropic

client = anthropic.Anthropic()
EXAMPLES = json.loads((Path(__file__).parent / "data" / "examples.json").read_text())
SHOTS = [turn for ex in EXAMPLES
         for turn in ({"role": "user", "content": ex["ticket"]}, {"role": "assistant", "content": ex["label"]})]
HISTORY = []
for ex in EXAMPLES:
    HISTORY.append({"role": "user", "content": ex["ticket"]})
    HISTORY.append({"role": "assistant", "content": ex["label"]})


def triage(ticket):
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=5,
                                  messages=SHOTS + [{"role": "user", "content": ticket}])  # TB101


def triage_again(ticket):
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=5,
                                  messages=HISTORY + [{"role": "user", "content": ticket}])  # TB101


def triage_like(ticket, label):  # the examples picked per call: not a static prefix
    shots = [{"role": "user", "content": ex["ticket"]} for ex in EXAMPLES if ex["label"] == label]
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=5,
                                  messages=shots + [{"role": "user", "content": ticket}])
