"""Requests whose model comes from a helper with several returns (app/selected.py)."""
import anthropic

from app.selected import chosen_or_default, pick, pick_mixed, select_current_id, select_model_id

client = anthropic.Anthropic()


def env_fallback(q):
    model = select_model_id()
    return client.messages.create(model=model, max_tokens=400,  # TB302
                                  messages=[{"role": "user", "content": q}])


def env_fallback_current(q):
    return client.messages.create(model=select_current_id(), max_tokens=400,
                                  messages=[{"role": "user", "content": q}])


def every_return_retired(q, kind):
    return client.messages.create(model=pick(kind), max_tokens=400,  # TB302
                                  messages=[{"role": "user", "content": q}])


def one_return_current(q, kind):
    return client.messages.create(model=pick_mixed(kind), max_tokens=400,
                                  messages=[{"role": "user", "content": q}])


def caller_chosen(q, model):
    return client.messages.create(model=chosen_or_default(model), max_tokens=400,  # the caller's model may be current
                                  messages=[{"role": "user", "content": q}])
