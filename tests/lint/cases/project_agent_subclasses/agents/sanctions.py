from .base import EVIDENCE_RULES, BaseAgent, Reviewer


class SanctionsAgent(BaseAgent):
    @property
    def name(self) -> str:
        return "Sanctions"

    @property
    def system_prompt(self) -> str:
        return f"""You screen names against sanctions lists.

{EVIDENCE_RULES}

Return JSON with the matches you found."""

    def persona(self) -> str:
        return "You are a careful sanctions analyst. " + EVIDENCE_RULES


class DraftReviewer(Reviewer):
    def __init__(self, rubric: str) -> None:
        self._rubric = rubric

    @property
    def rubric(self) -> str:
        return self._rubric
