"""Exceptions users catch. Kept apart so that importing them pulls in nothing heavy."""

from __future__ import annotations

__all__ = ["TokenBudgetExceeded"]


class TokenBudgetExceeded(BaseException):
    """A call was refused because it could overrun a token budget, or a budget was overrun.

    It derives from ``BaseException`` on purpose: the anthropic and openai SDKs wrap every
    ``Exception`` raised while sending into a connection error and retry it. A refusal must reach
    the test unchanged, and must not be retried.
    """
