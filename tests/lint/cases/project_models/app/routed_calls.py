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


def pinned_tier(q):
    model = model_for("haiku")  # the call pins the key: only that entry counts (no TB303 for the opus tier)
    return client.messages.create(model=model, max_tokens=400,  # TB302
                                  messages=[{"role": "user", "content": q}])


def pinned_current(q):
    return client.messages.create(model=mixed_for("fast"), max_tokens=400,  # the pinned entry is current
                                  messages=[{"role": "user", "content": q}])


class Synthesizer:
    def ask(self, q, model=None, tier=None):
        if model is None:  # the None default never reaches the request
            model = model_for(tier or "sonnet")
        return client.messages.create(model=model, max_tokens=400,  # TB302
                                      messages=[{"role": "user", "content": q}])

    def ask_current(self, q, model=None):
        if model is None:
            model = mixed_for("fast")
        return client.messages.create(model=model, max_tokens=400,  # every path sends a current id
                                      messages=[{"role": "user", "content": q}])


def synthesize(q):
    s = Synthesizer()
    s.ask_current(q)
    s.ask_current(q, model="claude-opus-5-5")
    s.ask(q, model="claude-sonnet-5-5")  # this caller is fine; the two below rely on retired tiers
    s.ask(q, tier="haiku")
    return s.ask(q)
