"""Model choice in a ticket-triage service: premium models on labels, retired and gateway ids.

Dates: the expectations hold from 2026-11-24 on (claude-sonnet-4-5 is TB302 either as deprecated
or, after 2026-11-30, as retired).
"""
import os

import anthropic
from anthropic import AnthropicBedrock

client = anthropic.Anthropic()
bedrock = AnthropicBedrock()
TRIAGE_MODEL = "claude-opus-5-5"
FALLBACK = "claude-sonnet-4.5"  # the gateway spelling copied from an OpenRouter config


def is_urgent(ticket: str) -> bool:
    reply = client.messages.create(
        model=TRIAGE_MODEL,  # TB301
        max_tokens=5,
        messages=[{"role": "user", "content": f"Is this ticket urgent? Answer yes or no.\n{ticket}"}],
    )
    return reply.content[0].text.strip().lower() == "yes"


def summarise(ticket: str) -> str:
    # Not flagged: real work for a premium model.
    reply = client.messages.create(
        model=TRIAGE_MODEL,
        max_tokens=2000,
        messages=[{"role": "user", "content": f"Write a detailed report of what went wrong:\n{ticket}"}],
    )
    return reply.content[0].text


def legacy_answer(question: str) -> str:
    reply = client.messages.create(
        model="claude-opus-4-1-20250805",  # TB302
        max_tokens=800,
        messages=[{"role": "user", "content": question}],
    )
    return reply.content[0].text


def fallback_answer(question: str) -> str:
    reply = client.messages.create(
        model=FALLBACK,  # TB302 TB303
        max_tokens=800,
        messages=[{"role": "user", "content": question}],
    )
    return reply.content[0].text


def typo_answer(question: str) -> str:
    return client.messages.create(model="claude-sonet-5-5", max_tokens=800,  # TB303
                                  messages=[{"role": "user", "content": question}])


def configured_answer(question: str) -> str:
    # Not flagged: the model comes from the environment.
    return client.messages.create(model=os.environ.get("MODEL", "x"), max_tokens=5,
                                  messages=[{"role": "user", "content": "yes or no? " + question}])


def bedrock_answer(question: str) -> str:
    # Not flagged: Bedrock ids and Bedrock's own model lifecycle.
    return bedrock.messages.create(model="us.anthropic.claude-opus-4-1-20250805-v1:0", max_tokens=800,
                                   messages=[{"role": "user", "content": question}])
