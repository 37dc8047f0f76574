from .base import Agent, Assistant, Tutor
from .prompts import AUDIT_RULES, EXPLAIN_RULES, GREETING, REVIEW_RULES


class Reviewer(Agent):
    def __init__(self) -> None:
        super().__init__(system=REVIEW_RULES)


class Checker(Agent):  # forwards its own parameter: followed to the subclass that calls it
    def __init__(self, rules: str) -> None:
        super().__init__(rules, model="claude-sonnet-4-6")


class Auditor(Checker):
    def __init__(self) -> None:
        super(Auditor, self).__init__(AUDIT_RULES)


class Greeter(Assistant):
    def __init__(self) -> None:
        super().__init__(GREETING)


class Explainer(Assistant):
    def __init__(self) -> None:
        super().__init__(persona=EXPLAIN_RULES)


class CourseTutor(Tutor):
    def __init__(self, course_text: str) -> None:
        super().__init__(course_text)
