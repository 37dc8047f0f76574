"""A factory class: a static method picks the adapter (``ClientFactory.create_client(provider)``)."""

from .anthropic_adapter import AnthropicAdapter


class AdapterRegistry:
    DEFAULT = "anthropic"

    @staticmethod
    def create(provider=None, model_name=None):
        if (provider or AdapterRegistry.DEFAULT) == "anthropic":
            return AnthropicAdapter(model_name=model_name)
        raise ValueError(f"unknown provider {provider}")
