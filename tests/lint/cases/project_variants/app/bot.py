"""Requests whose system prompt is one of several static texts."""

import anthropic

from app import prompts
from app.settings import settings
from app.prompts import PERSONAS, STYLES, greeting_for, mixed_for, persona_prompt, roles_for, small_for, system_for

client = anthropic.Anthropic()


def reply(persona, question, live_notes):
    system = prompts.PERSONAS.get(persona, prompts.PERSONAS["default"])
    system += "\n" + live_notes
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=system,  # TB101
                                  messages=[{"role": "user", "content": question}])


def reply_by_key(persona, question):
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=PERSONAS[persona],  # TB101
                                  messages=[{"role": "user", "content": question}])


def reply_in(language, question):
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=system_for(language),  # TB101
                                  messages=[{"role": "user", "content": question}])


def desk(kind, question):  # TB105 stays silent: the role line is one of two static texts, not data
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=roles_for(kind),  # TB101
                                  messages=[{"role": "user", "content": question}])


def styled(style, question):  # one candidate is short; the calls sending the handbook pay it in full
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=STYLES[style],  # TB101
                                  messages=[{"role": "user", "content": question}])


def greet(language, question):  # one of the helper's returns is short, the German one is not
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=greeting_for(language),  # TB101
                                  messages=[{"role": "user", "content": question}])


def greet_configured(question):  # the setting's default picks the long German prompt
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=512,
                                  system=greeting_for(settings.bot_language),  # TB101
                                  messages=[{"role": "user", "content": question}])


def greet_fallback(question):  # the other setting picks the short note: nothing to cache
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=512,
                                  system=greeting_for(settings.fallback_language),
                                  messages=[{"role": "user", "content": question}])


def ada(question):  # the template's name is pinned: the whole prompt is static
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=persona_prompt("Ada"),  # TB101
                                  messages=[{"role": "user", "content": question}])


def anyone(name, question):  # the name is per call and the handbook follows it: move the handbook first
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=persona_prompt(name),  # TB105
                                  messages=[{"role": "user", "content": question}])


def classify(kind, text):  # every candidate is below the minimum: the marker caches nothing
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=16,
                                  system=[{"type": "text", "text": small_for(kind),  # TB102
                                           "cache_control": {"type": "ephemeral"}}],
                                  messages=[{"role": "user", "content": text}])


def classify_or_answer(kind, text):  # one candidate is above the minimum: the marker may cache it
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=16,
                                  system=[{"type": "text", "text": mixed_for(kind),
                                           "cache_control": {"type": "ephemeral"}}],
                                  messages=[{"role": "user", "content": text}])


def classify_doc(kind, doc, text):  # per-call text in the cached block: its size is not bounded
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=16,
                                  system=[{"type": "text", "text": small_for(kind) + doc,
                                           "cache_control": {"type": "ephemeral"}}],
                                  messages=[{"role": "user", "content": text}])
