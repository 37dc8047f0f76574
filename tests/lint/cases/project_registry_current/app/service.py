"""Anthropic wrappers whose model is the api_model of the record the router picked."""
import anthropic

from app.registry import ANTHROPIC, resolve

client = anthropic.Anthropic()


def _ask_claude(q, model):
    return client.messages.create(model=model, max_tokens=300,  # one record (claude-opus-5-5) is current: silent
                                  messages=[{"role": "user", "content": q}])


class ClaudeWrapper:
    def __init__(self, *, model):
        self._model = model

    def ask(self, q):
        return client.messages.create(model=self._model, max_tokens=300,  # one record (claude-opus-5-5) is current: silent
                                      messages=[{"role": "user", "content": q}])


def answer(q, name):
    spec = resolve(name)
    if spec.provider == ANTHROPIC:
        return _ask_claude(q, spec.api_model)
    return ClaudeWrapper(model=resolve(name).api_model).ask(q)


def with_default(q, model="claude-sonnet-5-5"):  # a default: the registry is not where it comes from
    return client.messages.create(model=model, max_tokens=300, messages=[{"role": "user", "content": q}])


def pinned_by_caller(q, model):  # its one caller passes a current id
    return client.messages.create(model=model, max_tokens=300, messages=[{"role": "user", "content": q}])


def no_caller(q, model):  # nothing in the project calls it: its model is its users' business
    return client.messages.create(model=model, max_tokens=300, messages=[{"role": "user", "content": q}])


def run(q):
    with_default(q, model=resolve("fast").api_model)
    return pinned_by_caller(q, "claude-haiku-5-5")
