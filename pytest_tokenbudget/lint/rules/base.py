"""The rule base class, the rule registry, and the context a rule runs in.

See :mod:`pytest_tokenbudget.lint.rules` for how to add a rule; :mod:`.registry` imports every
family and lists the rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pytest_tokenbudget.core.catalog import Catalog, ModelInfo
from pytest_tokenbudget.lint.types import CallSite, Report

__all__ = ["Rule", "RuleContext", "Valid", "Invalid", "register", "registered"]

_CODE_RE = re.compile(r"^TB\d{3}$")
_NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Valid:
    """A code example the rule must NOT flag. ``options`` are ``[tool.tokenbudget.lint]`` values."""

    code: str
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Invalid:
    """A code example the rule must flag ``count`` times; ``message`` must be a substring of each
    message; ``line`` (1-based, in the dedented example without its leading newline) is where the
    first finding must be, ``column`` / ``end_line`` / ``end_column`` the rest of its range.
    ``fixed`` is the whole example after applying the first finding's fix (unsafe fixes too):
    the example harness checks it, and that a rule without ``FIX`` never offers one."""

    code: str
    message: str | None = None
    line: int | None = None
    count: int = 1
    options: Mapping[str, Any] = field(default_factory=dict)
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None
    fixed: str | None = None


@dataclass
class RuleContext:
    """What a rule may consult besides the call site: options, the model catalog, the file."""

    catalog: Catalog
    options: Mapping[str, Any]
    path: str = ""
    text: str = ""  # the file's source: what "the project" is when there is no project index

    def project_mentions(self, needle: str) -> bool:
        """Whether any file of the project (or, linting a lone source, this file) says ``needle``."""
        from pytest_tokenbudget.lint.analysis import crossref

        found = crossref.project_mentions(needle.encode())
        return needle in self.text if found is None else found

    def option(self, key: str, default: Any = None) -> Any:
        """A ``[tool.tokenbudget.lint]`` option (kebab-case key) with the rule's default."""
        return self.options.get(key, default)

    def model_info(self, call: CallSite) -> ModelInfo | None:
        """The catalog row of the call's model, when the model is a resolved, known id."""
        model = call.model
        return self.catalog.find(model) if model else None

    def catalog_extreme(self, attr: str, *, largest: bool) -> int | None:
        """The largest / smallest known value of a numeric catalog field (conservative thresholds)."""
        values = [getattr(m, attr) for m in self.catalog if getattr(m, attr) is not None]
        if not values:
            return None
        return max(values) if largest else min(values)


class Rule:
    """Base class of every rule. A subclass sets the class attributes and implements :meth:`check`.

    Class attributes:
      code, name   stable id ``TB123`` and kebab-case name
      summary      one line: what is flagged
      rationale    why it costs money, and what fixing it saves (shown by ``tokenbudget rules``)
      severity     default severity of findings: "error" (the call fails / API error),
                   "warning" (money wasted) or "info"
      precision    SARIF precision hint: "very-high" | "high" | "medium"
      KINDS        call-site kinds the rule looks at (``CallSite.kind``); count_tokens is excluded
                   by default because it costs nothing
      SDKS         which SDKs' call sites it looks at ("anthropic", "openai")
      OPTIONS      ``{"option-key": default}`` the rule reads via ``ctx.option`` (the key must be
                   in ``config.LINT_KEYS`` so that typos are caught)
      FIX          ``"safe"`` / ``"unsafe"``: the applicability of the fix the rule's findings
                   carry (``None``: no fix); docs and ``tokenbudget rules`` show it
      VALID / INVALID   examples (str, :class:`Valid` or :class:`Invalid`) run by the test suite
                   and printed by ``tokenbudget rules CODE``
    """

    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    rationale: ClassVar[str] = ""
    severity: ClassVar[str] = "warning"
    precision: ClassVar[str] = "high"
    KINDS: ClassVar[frozenset[str]] = frozenset({"create", "stream", "parse", "batch"})
    SDKS: ClassVar[frozenset[str]] = frozenset({"anthropic", "openai"})
    OPTIONS: ClassVar[Mapping[str, Any]] = {}
    FIX: ClassVar[str | None] = None
    VALID: ClassVar[list[str | Valid]] = []
    INVALID: ClassVar[list[str | Invalid]] = []

    def applies_to(self, call: CallSite) -> bool:
        return call.kind in self.KINDS and call.sdk in self.SDKS

    def check(self, call: CallSite, ctx: RuleContext) -> Iterable[Report]:
        """Yield a :class:`Report` for each problem in ``call``. Must not raise on odd input."""
        raise NotImplementedError

    def option(self, ctx: RuleContext, key: str) -> Any:
        """``ctx.option(key)`` with this rule's declared default."""
        return ctx.option(key, self.OPTIONS.get(key))

    @classmethod
    def examples(cls) -> tuple[list[Valid], list[Invalid]]:
        valid = [v if isinstance(v, Valid) else Valid(v) for v in cls.VALID]
        invalid = [i if isinstance(i, Invalid) else Invalid(i) for i in cls.INVALID]
        return valid, invalid


_REGISTRY: dict[str, type[Rule]] = {}


def register(cls: type[Rule]) -> type[Rule]:
    """Class decorator: add a rule to the registry (checks its code, name and docs)."""
    if not _CODE_RE.match(cls.code):
        raise ValueError(f"{cls.__name__}: code {cls.code!r} must look like TB123")
    if not _NAME_RE.match(cls.name):
        raise ValueError(f"{cls.__name__}: name {cls.name!r} must be kebab-case")
    if not cls.summary or not cls.rationale:
        raise ValueError(f"{cls.__name__}: summary and rationale are required")
    if cls.severity not in ("error", "warning", "info"):
        raise ValueError(f"{cls.__name__}: severity {cls.severity!r}")
    if cls.FIX not in (None, "safe", "unsafe"):
        raise ValueError(f"{cls.__name__}: FIX {cls.FIX!r} must be None, 'safe' or 'unsafe'")
    other = _REGISTRY.get(cls.code)
    if other is not None and other is not cls and other.__qualname__ != cls.__qualname__:
        raise ValueError(f"rule code {cls.code} is used by both {other.__name__} and {cls.__name__}")
    for o in _REGISTRY.values():
        if o.name == cls.name and o.code != cls.code:
            raise ValueError(f"rule name {cls.name} is used by both {o.code} and {cls.code}")
    _REGISTRY[cls.code] = cls
    return cls


def registered() -> dict[str, type[Rule]]:
    """The rules registered so far, by code (:func:`.registry.registry` imports every family first)."""
    return dict(sorted(_REGISTRY.items()))
