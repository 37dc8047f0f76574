"""Exceptions users catch. Kept apart so that importing them pulls in nothing heavy."""

from __future__ import annotations

from typing import Any

__all__ = ["TokenBudgetExceeded", "UserError"]


class UserError(Exception):
    """An error in what the user asked for (a flag, a selector, a path); the CLI prints it as one
    line and exits 2. Library code raises it; only the CLI turns it into an exit code."""


class TokenBudgetExceeded(BaseException):
    """A call was refused because it could overrun a token budget, or a budget was overrun.

    It derives from ``BaseException`` on purpose: the anthropic and openai SDKs wrap every
    ``Exception`` raised while sending into a connection error and retry it. A refusal must reach
    the test unchanged, and must not be retried.

    Attributes (all optional, ``None`` when not applicable):

    ``scope``      ``"session"``, ``"test"`` or ``"block"``: which budget said no.
    ``budget``     the budget's name (the test node id, the block's label, ``"session"``).
    ``dimension``  ``"usd"``, ``"input_tokens"``, ``"output_tokens"``, ``"total_tokens"`` or ``"calls"``.
    ``limit``      the budget for that dimension (``Decimal`` for usd, ``int`` otherwise).
    ``spent``      what had been spent (settled) in that dimension when it happened.
    ``reserved``   what calls still in flight had reserved in that dimension.
    ``attempted``  the refused call's worst case in that dimension (``None`` for an overrun
                   found after the fact, or when the worst case could not be computed).
    ``refused``    ``True`` when a call was refused before it was sent (nothing was spent on it).
    """

    def __init__(self, message: str, *, scope: str | None = None, budget: str | None = None,
                 dimension: str | None = None, limit: Any = None, spent: Any = None, reserved: Any = None,
                 attempted: Any = None, refused: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.scope = scope
        self.budget = budget
        self.dimension = dimension
        self.limit = limit
        self.spent = spent
        self.reserved = reserved
        self.attempted = attempted
        self.refused = refused

    def __str__(self) -> str:
        return self.message
