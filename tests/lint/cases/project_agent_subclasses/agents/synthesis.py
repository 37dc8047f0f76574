from .base import EVIDENCE_RULES, BaseAgent


class SynthesisAgent(BaseAgent):
    @property
    def name(self) -> str:
        return "Synthesis"

    @property
    def system_prompt(self) -> str:
        return "You write the final risk memo from the agents' findings.\n\n" + EVIDENCE_RULES

    def persona(self) -> str:
        return "You are terse."
