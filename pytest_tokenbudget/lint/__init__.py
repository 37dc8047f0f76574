"""``tokenbudget lint``: a static checker for costly Claude API calls, on libcst.

Pipeline (one module per step): discover files (:mod:`.discover`) -> byte prefilter
(:mod:`.prefilter`) -> libcst parse of candidates -> call sites with resolved arguments
(:mod:`.callsites`, :mod:`.resolve`) -> rules (:mod:`.rules`) -> findings with positions and
suppressions (:mod:`.engine`, :mod:`.suppress`) -> cache (:mod:`.cache`) -> formats
(:mod:`.formats`).

Public API for other tools (``tokenbudget estimate``, editors): :func:`lint_paths`,
:func:`lint_source`, :func:`extract_call_sites`, and the types in :mod:`.types`.
"""

from __future__ import annotations

from pytest_tokenbudget.lint.rule import Invalid, Rule, RuleContext, Valid, register, registry
from pytest_tokenbudget.lint.types import CallContext, CallSite, ClientInfo, Edit, Finding, Fix, FixSpec, LoopInfo, Range, Report

__all__ = [
    "CallContext", "CallSite", "ClientInfo", "Edit", "Finding", "Fix", "FixSpec", "Invalid", "LoopInfo",
    "Range", "Report", "Rule", "RuleContext", "Valid", "register", "registry",
    "lint_paths", "lint_source", "extract_call_sites",
]


def __getattr__(name: str):  # lazy: importing the types must not import libcst
    if name in ("lint_paths", "lint_source"):
        from pytest_tokenbudget.lint import engine

        return getattr(engine, name)
    if name == "extract_call_sites":
        from pytest_tokenbudget.lint.callsites import extract_call_sites

        return extract_call_sites
    raise AttributeError(name)
