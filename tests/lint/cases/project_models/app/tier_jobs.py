"""Callers of app/tier_calls.py."""
from app.tier_calls import ask_default_tier, ask_tier


def run(q, chosen):
    ask_tier(q, tier=chosen)  # a tier read at run time
    ask_default_tier(q)
    return ask_tier(q)
