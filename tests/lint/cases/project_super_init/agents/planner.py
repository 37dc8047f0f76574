from .base import Agent
from .prompts import PLAN_RULES


class Planner(Agent):
    """Inherits ``Agent.__init__``: its constructions pass the prompt."""


def plan(goal: str) -> str:
    return Planner(system=PLAN_RULES).run(goal)
