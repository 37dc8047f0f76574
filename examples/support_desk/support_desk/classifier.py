"""Route incoming tickets to a queue."""

from __future__ import annotations

import anthropic

QUEUES = ("billing", "bug", "account", "other")

client = anthropic.Anthropic()


def classify(ticket: str, *, api: anthropic.Anthropic = client) -> str:
    """Return one queue name for ``ticket``."""
    # COST MISTAKE: the premium model for a one-word label, max_tokens 40x the answer, and the
    # answer sits in <queue> tags with no stop sequence, so the model keeps talking after it.
    reply = api.messages.create(
        model="claude-opus-4-8",
        max_tokens=2048,
        messages=[
            {
                "role": "user",
                "content": (
                    "Classify this support ticket into one of: billing, bug, account, other. "
                    f"Answer with one word inside <queue></queue> tags.\n\nTicket: {ticket}"
                ),
            }
        ],
    )
    text = reply.content[0].text
    label = text.split("<queue>")[-1].split("</queue>")[0].strip().lower()
    return label if label in QUEUES else "other"


def classify_all(tickets: list[str], *, api: anthropic.Anthropic = client) -> list[str]:
    """Classify a backlog."""
    # COST MISTAKE: independent calls one by one in a loop; the Message Batches API costs half.
    labels = []
    for ticket in tickets:
        reply = api.messages.create(
            model="claude-haiku-4-5",
            max_tokens=5,
            stop_sequences=["</queue>"],
            messages=[{"role": "user", "content": f"Queue for this ticket (billing/bug/account/other) in <queue> tags: {ticket}"}],
        )
        labels.append(reply.content[0].text.replace("<queue>", "").strip())
    return labels
