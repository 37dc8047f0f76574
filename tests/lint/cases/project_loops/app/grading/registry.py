"""Graders made by a registry lookup: ``build_grader(kind)`` is annotated to return the ``Grader``
interface, and its callers call a method on the instance at once."""
from abc import ABC, abstractmethod

from anthropic import Anthropic

client = Anthropic()


class Grader(ABC):
    @abstractmethod
    def grade(self, answer: str) -> str: ...


class ExactGrader(Grader):
    def grade(self, answer: str) -> str:
        return "pass" if answer.strip() == "42" else "fail"


class JudgeGrader(Grader):
    def grade(self, answer: str) -> str:
        reply = client.messages.create(model="claude-haiku-4-5", max_tokens=20,  # TB401
                                       messages=[{"role": "user", "content": f"Is this answer right? {answer}"}])
        return reply.content[0].text


GRADERS: dict[str, type[Grader]] = {"exact": ExactGrader, "judge": JudgeGrader}


def build_grader(kind: str) -> Grader:
    return GRADERS[kind]()
