from .base import Provider
from .claude import ClaudeProvider, Summarizer

__all__ = ["ClaudeProvider", "Provider", "Summarizer"]
