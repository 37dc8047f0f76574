"""``tokenbudget lint``: a static checker for costly Claude API calls, on libcst.

Pipeline, one module per step, shared by ``lint`` and ``estimate``: discover files
(:mod:`.discover`) -> read and decode, prefilter, compile check, one libcst parse (:mod:`.source`,
:mod:`.prefilter`) -> call sites with resolved arguments (:mod:`.analysis`) -> rules
(:mod:`.rules`) -> suppressions (:mod:`.suppressions`) -> findings (:mod:`.findings`); the run
over files with its cache and processes (:mod:`.engine`, :mod:`.cache`); then output formats
(:mod:`.formats`), fixes (:mod:`.fixes`) or cost figures (:mod:`.estimate`).

Public API for other tools: :mod:`.api` (:func:`lint_paths`, :func:`lint_source`,
:func:`extract_call_sites`, ``estimate_paths`` ...), and the types in :mod:`.types`.
"""

from __future__ import annotations

from pytest_tokenbudget.lint.rules.base import Invalid, Rule, RuleContext, Valid, register
from pytest_tokenbudget.lint.types import CallContext, CallSite, ClientInfo, Edit, Finding, Fix, FixSpec, LoopInfo, Range, Report

__all__ = [
    "CallContext", "CallSite", "ClientInfo", "Edit", "Finding", "Fix", "FixSpec", "Invalid", "LoopInfo",
    "Range", "Report", "Rule", "RuleContext", "Valid", "register", "registry",
    "lint_paths", "lint_source", "extract_call_sites",
]


def __getattr__(name: str):  # lazy: importing the types must not import libcst
    if name in ("lint_paths", "lint_source", "extract_call_sites", "registry"):
        from pytest_tokenbudget.lint import api

        return getattr(api, name)
    raise AttributeError(name)
