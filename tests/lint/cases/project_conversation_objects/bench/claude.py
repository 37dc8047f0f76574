"""The Claude provider of the session: its requests are turns of the session's conversation."""

import anthropic

from bench.session import ChatSession


class ClaudeSession(ChatSession):
    def __init__(self, model: str = "claude-sonnet-4-5"):
        super().__init__(model)
        self.client = anthropic.Anthropic()

    def _format(self) -> list[dict]:
        return [dict(m) for m in self.history]

    def _send(self, messages: list[dict]) -> str:
        # reached through get_response (base class) and ask_thinking: turns, never items of a batch
        reply = self.client.messages.create(model=self.model, max_tokens=1024, messages=messages)
        return reply.content[0].text

    def ask_thinking(self, text: str) -> str:
        self.add_user_message(text)  # an inherited writer of the history
        answer = self._send(self._format())
        self.add_assistant_message(answer)
        return answer


class Tutor:
    """The history kept in place: each reply is appended to the list the next request sends."""

    def __init__(self):
        self.client = anthropic.Anthropic()
        self.history: list[dict] = []

    def reply(self, text: str) -> str:
        self.history.append({"role": "user", "content": text})
        out = self.client.messages.create(model="claude-sonnet-4-5", max_tokens=512, messages=self.history)
        self.history.append({"role": "assistant", "content": out.content})
        return out.content[0].text


class Annotator:
    """Keeps a history too, but the runner makes one per row and asks once: each row stands alone."""

    def __init__(self):
        self.client = anthropic.Anthropic()
        self.messages: list[dict] = []

    def label(self, row: str) -> str:
        self.messages.append({"role": "user", "content": row})
        out = self.client.messages.create(model="claude-sonnet-4-5", max_tokens=300,  # TB401
                                          messages=self.messages)
        self.messages.append({"role": "assistant", "content": out.content})
        return out.content[0].text


class Summarizer:
    """Keeps its replies on the object too, but as a log: no request reads it, each summary stands alone."""

    def __init__(self):
        self.client = anthropic.Anthropic()
        self.summaries: list[str] = []

    def summarize(self, doc: str) -> str:
        out = self.client.messages.create(model="claude-sonnet-4-5", max_tokens=300,  # TB401
                                          messages=[{"role": "user", "content": doc}])
        self.summaries.append(out.content[0].text)
        return out.content[0].text


class Grader:
    """Keeps a history, but the agent below empties it before each answer: every grade stands alone."""

    def __init__(self):
        self.client = anthropic.Anthropic()
        self.messages: list[dict] = []

    def reset(self) -> None:
        self.messages = []

    def grade(self, answer: str) -> str:
        self.messages.append({"role": "user", "content": answer})
        out = self.client.messages.create(model="claude-sonnet-4-5", max_tokens=200,  # TB401
                                          messages=self.messages)
        self.messages.append({"role": "assistant", "content": out.content})
        return out.content[0].text


class GradingAgent:
    """Holds one Grader for its life (a property typed with the class) and starts it afresh per answer."""

    def __init__(self, grader: Grader):
        self.__grader = grader

    @property
    def grader(self) -> Grader:
        return self.__grader

    def grade_one(self, answer: str) -> str:
        self.grader.reset()
        return self.grader.grade(answer)

    def grade_all(self, answers: list[str]) -> list[str]:
        return [self.grade_one(a) for a in answers]


class Coach:
    """The same shape, but its agent never empties the history: each advice is the next turn."""

    def __init__(self):
        self.client = anthropic.Anthropic()
        self.messages: list[dict] = []

    def advise(self, move: str) -> str:
        self.messages.append({"role": "user", "content": move})
        out = self.client.messages.create(model="claude-sonnet-4-5", max_tokens=200, messages=self.messages)
        self.messages.append({"role": "assistant", "content": out.content})
        return out.content[0].text


class CoachingAgent:
    def __init__(self, coach: Coach):
        self.__coach = coach

    @property
    def coach(self) -> Coach:
        return self.__coach

    def review(self, moves: list[str]) -> list[str]:
        return [self.coach.advise(m) for m in moves]
