"""A wrapper with its own ``create`` that hands everything to the SDK: a call on it is analysed as a request."""

import anthropic


class _Messages:
    def __init__(self):
        self._client = anthropic.Anthropic()

    def create(self, **kwargs):
        return self._client.messages.create(**kwargs)


class Wrapped:
    def __init__(self):
        self.messages = _Messages()
