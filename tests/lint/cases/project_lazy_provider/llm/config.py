"""Which provider the environment asks for, built once."""
import os
from functools import lru_cache


def _build_provider(model: str):
    if os.getenv("LLM_PROVIDER", "anthropic") == "anthropic":
        from llm.anthropic_provider import AnthropicProvider

        return AnthropicProvider(model=model)
    raise ValueError("unknown provider")


@lru_cache(maxsize=1)
def get_provider():
    return _build_provider(os.getenv("LLM_MODEL", "claude-haiku-4-5"))
