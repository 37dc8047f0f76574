"""A thin wrapper that rebuilds its callers' messages before the request (the system message is
picked out into system=); what the request asks is written by the callers (jobs.py)."""

import os

import anthropic

client = anthropic.Anthropic()


def chat(messages, max_tokens=1024):
    model = os.getenv("CLAUDE_MODEL", "claude-opus-4-6")
    system = None
    filtered = []
    for msg in messages:
        if msg["role"] == "system":
            system = msg["content"]
        else:
            filtered.append({"role": msg["role"], "content": msg["content"]})
    kwargs = {"model": model, "max_tokens": max_tokens, "messages": filtered}
    if system:
        kwargs["system"] = system
    return client.messages.create(**kwargs)  # TB301


def chat_mixed(messages, max_tokens=1024):
    filtered = [{"role": m["role"], "content": m["content"]} for m in messages]
    return client.messages.create(model="claude-opus-4-6", max_tokens=max_tokens, messages=filtered)


def chat_unknown(messages, max_tokens=1024):
    filtered = [{"role": m["role"], "content": m["content"]} for m in messages]
    return client.messages.create(model="claude-opus-4-6", max_tokens=max_tokens, messages=filtered)


def chat_as_assistant(messages):  # its own system says nothing of the task: the callers' text decides
    turns = [{"role": m["role"], "content": m["content"]} for m in messages]
    return client.messages.create(model="claude-opus-4-6", max_tokens=1024,  # TB301
                                  system="You are a helpful assistant.", messages=turns)


def chat_reasoning(messages):  # its own system asks for reasoning: real work whatever the callers ask
    turns = [{"role": m["role"], "content": m["content"]} for m in messages]
    return client.messages.create(model="claude-opus-4-6", max_tokens=1024,
                                  system="Explain your reasoning step by step before the answer.", messages=turns)
