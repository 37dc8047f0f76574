"""Fixture for tests/lint/test_estimate.py: one file, several priced call sites.

Not imported by the tests (read as text); the expected figures are computed in the tests.
"""

import anthropic

client = anthropic.Anthropic()
TRIAGE = "You triage support tickets. Reply with yes or no only."


def is_urgent(ticket):
    # tokenbudget: calls-per-day=250
    return client.messages.create(
        model="claude-haiku-4-5",
        max_tokens=1000,
        system=TRIAGE,
        messages=[{"role": "user", "content": f"Is this ticket urgent? Answer yes or no. Ticket: {ticket}"}],
    )


def summarise(text):
    return client.messages.create(  # tokenbudget: calls-per-day=40
        model="claude-sonnet-4-6",
        max_tokens=400,
        messages=[{"role": "user", "content": "Summarise the release notes in three bullets."}],
    )


def label_all(tickets):
    for ticket in tickets:
        client.messages.create(
            model="claude-haiku-4-5",
            max_tokens=5,
            messages=[{"role": "user", "content": "Queue for this ticket: billing, bug or other?"}],
        )


def route(model_name, question):
    return client.messages.create(
        model=model_name,
        max_tokens=64,
        messages=[{"role": "user", "content": question}],
    )
