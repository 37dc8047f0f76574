"""A streaming chat helper for the agent console."""

from __future__ import annotations

from collections.abc import Iterator

import anthropic

client = anthropic.Anthropic()


def stream_reply(history: list[dict], *, api: anthropic.Anthropic = client) -> Iterator[str]:
    """Yield the assistant's reply text as it arrives."""
    with api.messages.stream(model="claude-haiku-4-5", max_tokens=800, messages=history) as stream:
        yield from stream.text_stream


def is_urgent(ticket: str, *, api: anthropic.Anthropic = client) -> bool:
    """Yes/no triage."""
    # COST MISTAKE: a yes/no answer with a 1,000-token ceiling.
    reply = api.messages.create(
        model="claude-haiku-4-5",
        max_tokens=1000,
        messages=[{"role": "user", "content": f"Is this ticket urgent? Answer yes or no.\n\n{ticket}"}],
    )
    return reply.content[0].text.strip().lower().startswith("yes")
