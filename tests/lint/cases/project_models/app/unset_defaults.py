"""A model parameter filled in when the caller leaves it unset: ``if model is None: model = ...``.
The filler is what a caller passing nothing sends; a caller's own id replaces it."""
import sys

import anthropic

client = anthropic.Anthropic()


def grade(messages, model=None):
    if model is None:
        model = "claude-3-5-sonnet-20240620"
    return client.messages.create(model=model, max_tokens=400, messages=messages)  # TB302


def grade_current(messages, model=None):
    if not model:
        model = "claude-sonnet-5-5"
    return client.messages.create(model=model, max_tokens=400, messages=messages)


def ask(messages, model="claude-3-5-sonnet-20240620"):
    if model == None:  # noqa: E711 (the spelling seen in real code)
        model = "claude-3-5-sonnet-20240620"
    return client.messages.create(model=model, max_tokens=400, messages=messages)  # TB302


def simple_ask(prompt, model="claude-3-5-sonnet-20240620"):
    return ask([{"role": "user", "content": prompt}], model)


def main(prompt):
    grade([{"role": "user", "content": prompt}])  # relies on the filler: a retired id
    grade_current([{"role": "user", "content": prompt}])
    grade_current([{"role": "user", "content": prompt}], model="claude-haiku-5-5")
    simple_ask(prompt)  # relies on the retired default, two levels up
    simple_ask(prompt, sys.argv[1])  # a model named on the command line: unknown
