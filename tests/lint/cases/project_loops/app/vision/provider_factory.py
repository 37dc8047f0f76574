"""Providers picked by name from a registry: the factory is annotated with the interface only."""
from app.vision.providers.base import VisionProvider
from app.vision.providers.claude import ClaudeProvider

PROVIDERS = {"claude": ClaudeProvider}


def create_provider(name, model=None) -> VisionProvider:
    return PROVIDERS[name](model)
