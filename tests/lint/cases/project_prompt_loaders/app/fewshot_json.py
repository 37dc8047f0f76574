"""Few-shot replies written as ``json.dumps`` of label objects: the JSON text is the static prefix,
formatted as the keywords ask (``default=`` is never called on such a value); with ``cls=`` the text
depends on code the linter does not run."""
import json

import anthropic

client = anthropic.Anthropic()
WHY = ("The customer reports a charge they do not recognise on their latest statement and asks for the "
       "line item to be explained, which is a billing question rather than a technical fault. ")
EXAMPLES = [
    ("I was charged twice this month.", {"label": "billing", "confidence": 0.97, "why": WHY * 12}),
    ("The app crashes when I upload a photo.", {"label": "bug", "confidence": 0.91, "why": WHY * 12}),
    ("How do I export my data?", {"label": "how-to", "confidence": 0.88, "why": WHY * 12}),
]


def classify(ticket):
    turns = []
    for text, labels in EXAMPLES:
        turns.append({"role": "user", "content": text})
        turns.append({"role": "assistant", "content": json.dumps(labels, indent=2)})
    turns.append({"role": "user", "content": ticket})
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=200, messages=turns)  # TB101


def classify_via_helper(ticket):
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=200, messages=build(ticket))  # TB101


def build(ticket):
    turns = []
    for text, labels in EXAMPLES:
        turns.append({"role": "user", "content": text})
        turns.append({"role": "assistant", "content": json.dumps(labels)})
    turns.append({"role": "user", "content": ticket})
    return turns


class LabelEncoder(json.JSONEncoder):
    def encode(self, o):
        return super().encode({"labels": o})


def classify_custom(ticket):  # cls=LabelEncoder: the linter does not run it, the prefix ends at the first reply
    turns = []
    for text, labels in EXAMPLES:
        turns.append({"role": "user", "content": text})
        turns.append({"role": "assistant", "content": json.dumps(labels, cls=LabelEncoder)})
    turns.append({"role": "user", "content": ticket})
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=200, messages=turns)


def classify_with_default(ticket):  # default=str is never called on these labels: the JSON as written
    turns = []
    for text, labels in EXAMPLES:
        turns.append({"role": "user", "content": text})
        turns.append({"role": "assistant", "content": json.dumps(labels, default=str)})
    turns.append({"role": "user", "content": ticket})
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=200, messages=turns)  # TB101
