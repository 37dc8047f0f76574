"""Helpers with **kwargs, parameters, dict variables and OpenAI-compatible calls."""
from openai import OpenAI

import anthropic

client = anthropic.Anthropic()
compat = OpenAI(base_url="https://api.anthropic.com/v1/", api_key="x")
BASE = {"model": "claude-sonnet-4-5", "max_tokens": 200_000}


def call_with_kwargs(**kwargs):
    # max_tokens may come from kwargs: no TB201
    return client.messages.create(model="claude-sonnet-4-5", messages=[], **kwargs)


def call_with_base(prompt):
    return client.messages.create(**BASE, messages=[{"role": "user", "content": prompt}])  # TB202 TB203 TB206


def call_with_param(client, prompt, max_tokens=64000):
    # untraced client, Anthropic-shaped arguments; max_tokens resolves to its default
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=max_tokens,  # TB203
                                  messages=[{"role": "user", "content": prompt}])


def compat_call(prompt):
    return compat.chat.completions.create(  # TB201
        model="claude-sonnet-4-5", messages=[{"role": "user", "content": prompt}])


def extract(doc):
    return client.messages.create(
        model="claude-sonnet-4-5",
        max_tokens=800,
        stop_sequences=["\n\nHuman:"],  # TB205
        messages=[{"role": "user", "content": "Read the document and put the answer inside <answer> tags.\n" + doc}],
    )
