"""Few-shot turns built from a JSON file of examples by a comprehension or a loop (at module level or in
a helper, every call): a static prefix."""
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


def build_turns(ticket):
    turns = []
    for ex in EXAMPLES:  # the same examples, appended in a loop inside the helper, every call
        turns.append({"role": "user", "content": ex["ticket"]})
        turns.append({"role": "assistant", "content": ex["label"]})
    turns.append({"role": "user", "content": ticket})
    return turns


def triage_built(ticket):
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=5, messages=build_turns(ticket))  # TB101


def build_some_turns(ticket, label):
    turns = []
    for ex in EXAMPLES:
        if ex["label"] == label:  # picked per call: not a static prefix
            turns.append({"role": "user", "content": ex["ticket"]})
    turns.append({"role": "user", "content": ticket})
    return turns


def triage_some(ticket, label):
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=5, messages=build_some_turns(ticket, label))


def triage_inline(ticket):
    messages = []
    for ex in EXAMPLES:  # the same loop in the requesting function itself
        messages.append({"role": "user", "content": ex["ticket"]})
        messages.append({"role": "assistant", "content": ex["label"]})
    messages.append({"role": "user", "content": ticket})
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=5, messages=messages)  # TB101


def triage_picked(ticket, label):
    messages = []
    for ex in EXAMPLES:
        if ex["label"] == label:  # picked per call: not a static prefix
            messages.append({"role": "user", "content": ex["ticket"]})
    messages.append({"role": "user", "content": ticket})
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=5, messages=messages)

