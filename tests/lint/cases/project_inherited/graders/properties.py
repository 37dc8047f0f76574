"""Prompts behind properties: a @property or @cached_property of one return counts."""
from functools import cached_property

import anthropic

from .config import RUBRIC

client = anthropic.Anthropic()


class Reviewer:
    def __init__(self, persona):
        self.persona = persona

    @property
    def system_prompt(self):
        return "You review essays.\n\n" + RUBRIC

    @cached_property
    def instructions(self):
        return "\n\n".join(["You review code.", RUBRIC])

    @property
    def persona_prompt(self):  # whatever the caller gave: unknown
        return self.persona

    def review(self, essay):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=5, system=self.system_prompt,  # TB101
                                      messages=[{"role": "user", "content": essay}])

    def review_code(self, code):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=5, system=self.instructions,  # TB101
                                      messages=[{"role": "user", "content": code}])

    def review_in_character(self, essay):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=5, system=self.persona_prompt,
                                      messages=[{"role": "user", "content": essay}])
