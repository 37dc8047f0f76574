"""Each agent's instructions, handed up to the base class by its subclass."""

REVIEW_RULES = "Flag every unchecked claim, name its source, and rate the evidence from A to E. " * 80
AUDIT_RULES = "List each control, the evidence that it ran, and the gap if there is none. " * 80
PLAN_RULES = "Break the goal into steps no longer than a day, each with an owner and a check. " * 80
EXPLAIN_RULES = "Explain the concept to a newcomer with one example and one counter-example. " * 80
GREETING = "You greet people."
