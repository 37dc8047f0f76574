"""A cached system prompt with a field whose declaration bounds it: a Literal, or a short label default.

A marker on such a prompt is called useless (TB102) when even the largest value it can hold leaves the
prefix below the minimum; a free-text field (no declaration that bounds it) keeps the size unknown.
"""
from dataclasses import dataclass
from typing import Literal

import anthropic

client = anthropic.Anthropic()
Tone = Literal["formal", "friendly", "playful"]


@dataclass
class Brief:
    company: str
    theme: str = "GRID INDEPENDENCE"
    notes: str = ""


def greet(name, tone: Tone):
    return client.messages.create(
        model="claude-sonnet-4-6", max_tokens=256,
        system=[{"type": "text", "text": f"Write a greeting in a {tone} tone.",  # TB102
                 "cache_control": {"type": "ephemeral"}}],
        messages=[{"role": "user", "content": name}])


def pitch(brief: Brief):
    return client.messages.create(
        model="claude-sonnet-4-6", max_tokens=256,
        system=[{"type": "text", "text": f"Pitch solar panels. Theme: {brief.theme}.",  # TB102
                 "cache_control": {"type": "ephemeral"}}],
        messages=[{"role": "user", "content": brief.company}])


def greet_with_notes(name, notes: str):
    # free text: the notes may be a whole document, the prefix size is unknown
    return client.messages.create(
        model="claude-sonnet-4-6", max_tokens=256,
        system=[{"type": "text", "text": f"Write a greeting. Notes: {notes}",
                 "cache_control": {"type": "ephemeral"}}],
        messages=[{"role": "user", "content": name}])


def pitch_with_notes(brief: Brief):
    # a field whose default is empty says nothing of its size
    return client.messages.create(
        model="claude-sonnet-4-6", max_tokens=256,
        system=[{"type": "text", "text": f"Pitch solar panels. Notes: {brief.notes}",
                 "cache_control": {"type": "ephemeral"}}],
        messages=[{"role": "user", "content": brief.company}])
