"""A tier router whose tier parameter has a default the callers override (callers in app/tier_jobs.py)."""
import anthropic

from app.model_router import model_for

client = anthropic.Anthropic()


def ask_tier(q, tier="sonnet"):  # callers pass other tiers: every entry of the table may be sent
    model = model_for(tier)
    return client.messages.create(model=model, max_tokens=400,  # TB302 TB303
                                  messages=[{"role": "user", "content": q}])


def ask_default_tier(q, tier="haiku"):  # no caller overrides the default: only its entry counts
    model = model_for(tier)
    return client.messages.create(model=model, max_tokens=400,  # TB302
                                  messages=[{"role": "user", "content": q}])
