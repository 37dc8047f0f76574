"""The provider switch: callers never name the adapter class nor its module."""

import os
from typing import Optional

from .base import LLMAdapter


def create_adapter(provider: Optional[str] = None, model_name: Optional[str] = None) -> LLMAdapter:
    provider = provider or os.environ.get("MODEL_PROVIDER", "anthropic")
    if provider == "anthropic":
        from .anthropic_adapter import AnthropicAdapter
        return AnthropicAdapter(model_name=model_name)
    raise ValueError(f"unknown provider {provider}")
