"""The package re-exports the factory: callers import it from here."""

from .base import LLMAdapter, ToolDeclaration
from .factory import create_adapter

__all__ = ["LLMAdapter", "ToolDeclaration", "create_adapter"]
