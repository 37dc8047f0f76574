"""Prompts kept on a base class (``judge_base.py``) and sent from a subclass's method."""
import anthropic

from .judge_base import BaseJudge, PersonaJudge

client = anthropic.Anthropic()


class Grader(BaseJudge):
    def grade(self, answer):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=5, system=self.SYSTEM_PROMPT,  # TB101
                                      messages=[{"role": "user", "content": answer}])


class StrictGrader(Grader):  # the prompt two classes up
    def regrade(self, answer):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=5, system=self.SYSTEM_PROMPT,  # TB101
                                      messages=[{"role": "user", "content": answer}])


class ShortGrader(BaseJudge):
    SYSTEM_PROMPT = "Grade the answer: pass or fail."  # its own, short: overrides the base's

    def grade(self, answer):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=5, system=self.SYSTEM_PROMPT,
                                      messages=[{"role": "user", "content": answer}])


class Persona(PersonaJudge):
    def grade(self, answer):  # the base sets the prompt on self from its arguments: unknown
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=5, system=self.SYSTEM_PROMPT,
                                      messages=[{"role": "user", "content": answer}])
