"""Whether a model id resolved at a call is Claude's: the tests call-site extraction applies to an
OpenAI-style request (it counts only with a Claude model) and to an untraced receiver (a model
that is plainly another vendor's rules it out). Plain strings in, no syntax tree needed, so the
engine's decision to skip a file's libcst parse (:mod:`..no_sites`) applies the very same tests."""

from __future__ import annotations

from typing import Any

__all__ = ["OTHER_VENDORS", "is_claude_like", "is_claude_model", "other_vendors_only"]

OTHER_VENDORS = ("gpt", "o1", "o3", "o4", "gemini", "gemma", "llama", "mistral", "mixtral", "command", "text-",
                 "deepseek", "qwen", "glm", "kimi", "moonshot", "minimax", "grok", "doubao")


def is_claude_model(value: Any, catalog: Any) -> bool:
    """A resolved model that the catalog prices or that normalises to a ``claude`` id."""
    if not isinstance(value, str):
        return False
    from pytest_tokenbudget.core.catalog import normalise_model_id

    if catalog is not None and catalog.find(value) is not None:
        return True
    return normalise_model_id(value).startswith("claude")


def is_claude_like(model: Any) -> bool:
    """An untraced receiver: a resolved model that is clearly not Claude (gpt-4o) rules it out."""
    if not isinstance(model, str):
        return True
    from pytest_tokenbudget.core.catalog import normalise_model_id

    norm = normalise_model_id(model)
    return "claude" in norm or not any(norm.startswith(p) for p in OTHER_VENDORS)


def other_vendors_only(models: Any) -> bool:
    """Every model an Anthropic-SDK request may send is plainly another vendor's (``deepseek-chat``,
    ``MiniMax-M2``): the Claude API would refuse it, so the client's base URL (set in the
    environment or a config file) is that vendor's Anthropic-compatible endpoint, not Claude's."""
    return bool(models) and all(isinstance(m, str) and not is_claude_like(m) for m in models)
