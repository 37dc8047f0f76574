"""Agents share one tool loop; each subclass gives its own prompt through an abstract property."""
from abc import ABC, abstractmethod

import anthropic

from .config import model_for

EVIDENCE_RULES = "Classify every finding as verified, sourced, inferred or unknown. " * 110


class BaseAgent(ABC):
    def __init__(self) -> None:
        self.client = anthropic.Anthropic()

    @property
    def model(self) -> str:
        return model_for(self.name)

    @property
    @abstractmethod
    def name(self) -> str:
        """Agent name for logs."""

    @property
    @abstractmethod
    def system_prompt(self) -> str:
        """Each agent's instructions."""

    @abstractmethod
    def persona(self) -> str:
        """A method, not a property: the same lookup."""

    def run(self, task: str) -> str:  # every subclass's prompt is long
        reply = self.client.messages.create(model=self.model, max_tokens=800, system=self.system_prompt,  # TB101 TB401
                                            messages=[{"role": "user", "content": task}])
        return reply.content[0].text

    def chat(self, task: str) -> str:  # one subclass's persona is a sentence, the other's is long
        reply = self.client.messages.create(model=self.model, max_tokens=800, system=self.persona(),  # TB101
                                            messages=[{"role": "user", "content": task}])
        return reply.content[0].text


class Reviewer(ABC):
    @property
    @abstractmethod
    def rubric(self) -> str: ...

    def review(self, draft: str) -> str:  # the one subclass reads its rubric from the caller: unknown, silent
        reply = anthropic.Anthropic().messages.create(model="claude-sonnet-4-6", max_tokens=300, system=self.rubric,
                                                      messages=[{"role": "user", "content": draft}])
        return reply.content[0].text
