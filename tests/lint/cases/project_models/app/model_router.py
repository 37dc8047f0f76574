"""Helpers that pick the model id from a table (used by app/routed_calls.py)."""
TIERS = {
    "haiku": "claude-3-haiku-20240307",
    "sonnet": "claude-3-sonnet-20240229",
    "opus": "claude-opus-4-5-20251124",  # never a real id (Opus 4.5 is claude-opus-4-5-20251101)
}
RETIRED = {"fast": "claude-3-haiku-20240307", "smart": "claude-3-opus-20240229"}
MIXED = {"fast": "claude-haiku-5-5", "smart": "claude-3-opus-20240229"}


def model_for(tier):
    return TIERS.get(tier.lower(), TIERS["sonnet"])


def retired_for(tier):
    return RETIRED[tier]


def mixed_for(tier):
    return MIXED.get(tier, "claude-3-opus-20240229")


def computed_for(tier):
    return f"claude-{tier}"
