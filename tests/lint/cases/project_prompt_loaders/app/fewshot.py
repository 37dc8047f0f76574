"""Few-shot turns built from a JSON file of examples by a comprehension: a static prefix."""
import json
from pathlib import Path

import anthropic

client = anthropic.Anthropic()
EXAMPLES = json.loads((Path(__file__).parent / "data" / "examples.json").read_text())
SHOTS = [turn for ex in EXAMPLES
         for turn in ({"role": "user", "content": ex["ticket"]}, {"role": "assistant", "content": ex["label"]})]
BILLING = [{"role": "user", "content": ex["ticket"]} for ex in EXAMPLES if ex["label"] == "billing"]


def triage(ticket):
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=5,
                                  messages=SHOTS + [{"role": "user", "content": ticket}])  # TB101


def triage_billing(ticket):  # a filtered comprehension is not modelled: unknown, never a guess
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=5,
                                  messages=BILLING + [{"role": "user", "content": ticket}])
