"""The linter's public functions, for the CLI and other tools (editors, ``tokenbudget estimate``).

Library errors only: an unknown selector raises :class:`~pytest_tokenbudget.core.errors.UserError`
(the CLI turns it into exit 2); unreadable or unparsable files are results, never exceptions.
"""

from __future__ import annotations

from pytest_tokenbudget.lint.engine import lint_bytes, lint_paths, lint_source
from pytest_tokenbudget.lint.estimate.paths import estimate_paths, estimate_source
from pytest_tokenbudget.lint.fixes.files import add_ignore_comments, fix_files
from pytest_tokenbudget.lint.results import FileError, FileResult, LintResult
from pytest_tokenbudget.lint.rules.registry import get_rule, registry
from pytest_tokenbudget.lint.settings import OPTION_DEFAULTS, LintSettings, default_catalog, settings_from_config

__all__ = ["OPTION_DEFAULTS", "FileError", "FileResult", "LintResult", "LintSettings", "add_ignore_comments",
           "default_catalog", "estimate_paths", "estimate_source", "extract_call_sites", "fix_files", "get_rule",
           "lint_bytes", "lint_paths", "lint_source", "registry", "settings_from_config"]


def extract_call_sites(module, **kwargs):  # type: ignore[no-untyped-def]
    """:func:`pytest_tokenbudget.lint.analysis.callsites.extract_call_sites` (imports libcst on first use)."""
    from pytest_tokenbudget.lint.analysis.callsites import extract_call_sites as extract

    return extract(module, **kwargs)
