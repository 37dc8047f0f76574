"""Captions through the provider given, or the configured one."""
from llm.config import get_provider


class Captioner:
    def __init__(self, provider=None) -> None:
        self.provider = provider or get_provider()

    def caption(self, image_url: str) -> str:
        return self.provider.caption(image_url)
