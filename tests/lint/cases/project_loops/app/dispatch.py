"""A provider picked from a dispatch table by key, into a local, then called: each call of
``triage`` is one call of the request function the table holds (the loop is in dispatch_runner.py)."""
from collections.abc import Callable

import anthropic

client = anthropic.Anthropic()


def call_claude(prompt):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=300,  # TB401
                                  messages=[{"role": "user", "content": prompt}])


def call_local(prompt):
    return prompt.upper()


PROVIDERS: dict[str, Callable] = {"claude": call_claude, "local": call_local}


def triage(finding, provider="claude"):
    call = PROVIDERS[provider]
    return call(f"Is this finding a true positive? {finding}")
