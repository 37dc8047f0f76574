"""The provider factory: every provider, wrapped with retries, behind the LLMClient interface."""

from .base import LLMClient
from .retry import RetryClient


def create_client(provider: str) -> RetryClient:
    if provider == "anthropic":
        from .anthropic import AnthropicClient

        return RetryClient(AnthropicClient("claude-haiku-4-5"))
    from .echo import EchoClient

    return RetryClient(EchoClient())


__all__ = ["LLMClient", "create_client"]
