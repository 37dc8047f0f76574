"""Base classes keep the prompt their subclasses give to ``__init__``: ``super().__init__(...)``
calls (and constructions of a subclass that inherits ``__init__``) are what the request sends."""
import anthropic


class Agent:
    def __init__(self, system: str, model: str = "claude-sonnet-4-6") -> None:
        self.system = system
        self.model = model
        self.client = anthropic.Anthropic()

    def run(self, task: str) -> str:  # every subclass hands up a long prompt
        reply = self.client.messages.create(model=self.model, max_tokens=800, system=self.system,  # TB101
                                            messages=[{"role": "user", "content": task}])
        return reply.content[0].text


class Assistant:
    def __init__(self, persona: str) -> None:
        self.persona = persona

    def answer(self, question: str) -> str:  # each subclass's request on its own: the Explainer's clears 1,024
        reply = anthropic.Anthropic().messages.create(model="claude-sonnet-4-6", max_tokens=800,
                                                      system=self.persona,  # TB101
                                                      messages=[{"role": "user", "content": question}])
        return reply.content[0].text


class Tutor:
    def __init__(self, lesson: str) -> None:
        self.lesson = lesson

    def teach(self, question: str) -> str:  # the one subclass passes its caller's text: unknown size, silent
        reply = anthropic.Anthropic().messages.create(model="claude-sonnet-4-6", max_tokens=800, system=self.lesson,
                                                      messages=[{"role": "user", "content": question}])
        return reply.content[0].text
