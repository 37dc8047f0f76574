"""Requests sent as ``create(**params)`` where the dict is built somewhere the resolver does not read."""
import anthropic

client = anthropic.Anthropic()
OLD = "claude-3-opus-20240229"


class Agent:
    def __init__(self, model=OLD):
        self.model = model

    def _build_request(self, messages):
        params = {"model": self.model, "max_tokens": 400, "messages": messages}
        params["system"] = "You are terse."  # other keys added later: the model entry stands
        return params

    def call(self, messages):
        request = self._build_request(messages)
        return client.messages.create(**request)  # TB302

    def call_inline(self, messages):
        return client.messages.create(**self._build_request(messages))  # TB302


class CurrentAgent:
    def _build_request(self, messages):
        return {"model": "claude-sonnet-5-5", "max_tokens": 400, "messages": messages}

    def call(self, messages):
        return client.messages.create(**self._build_request(messages))  # a current id: silent


class OverriddenAgent:
    def _build_request(self, messages, model):
        params = {"model": OLD, "max_tokens": 400, "messages": messages}
        params["model"] = model  # the literal's model is replaced: nothing to judge
        return params

    def call(self, messages, model):
        return client.messages.create(**self._build_request(messages, model))


def agent_loop(question, rounds=3):
    model = "claude-3-haiku-20240307"

    def _round(call_kwargs):
        return client.messages.create(**call_kwargs)  # TB302

    messages = [{"role": "user", "content": question}]
    for _ in range(rounds):
        call_kwargs = {"model": model, "max_tokens": 400, "messages": messages}
        messages.append(_round(call_kwargs))
    return messages


def agent_loop_current(question):
    def _round(call_kwargs):
        return client.messages.create(**call_kwargs)  # every dict passed to it names a current id

    return _round({"model": "claude-haiku-5-5", "max_tokens": 400,
                   "messages": [{"role": "user", "content": question}]})


def agent_loop_unknown(question, model):
    def _round(call_kwargs):
        return client.messages.create(**call_kwargs)  # the model is the caller's: not pinned here

    return _round({"model": model, "max_tokens": 400, "messages": [{"role": "user", "content": question}]})


def passes_merged(question, extra):
    request = {"model": OLD, "max_tokens": 400, "messages": [{"role": "user", "content": question}]}
    request.update(extra)  # update() may replace the model
    return client.messages.create(**request)
