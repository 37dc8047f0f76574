"""A caller two levels up: forward() passes its system prompt on to _send()."""
from app.client import forward
from app.prompts import POLICY


def policy_answer(question):
    return forward(POLICY, question)
