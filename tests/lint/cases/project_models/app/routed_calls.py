"""Requests whose model comes from a table-lookup helper (app/model_router.py)."""
import anthropic

from app import model_router
from app.model_router import computed_for, mixed_for, model_for

client = anthropic.Anthropic()


def every_tier_fails(q, tier):
    model = model_for(tier)  # two retired ids and one that never existed
    return client.messages.create(model=model, max_tokens=400,  # TB302 TB303
                                  messages=[{"role": "user", "content": q}])


def every_tier_retired(q, tier):
    return client.messages.create(model=model_router.retired_for(tier), max_tokens=400,  # TB302
                                  messages=[{"role": "user", "content": q}])


def one_tier_current(q, tier):
    return client.messages.create(model=mixed_for(tier), max_tokens=400,
                                  messages=[{"role": "user", "content": q}])


def not_a_table(q, tier):
    return client.messages.create(model=computed_for(tier), max_tokens=400,
                                  messages=[{"role": "user", "content": q}])
