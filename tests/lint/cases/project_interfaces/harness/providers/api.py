import anthropic

from harness.providers.base import Provider


class APIProvider(Provider):
    """The providers that call an HTTP API: a client each; ``generate`` is left to them."""

    def __init__(self) -> None:
        self.client = anthropic.Anthropic()
