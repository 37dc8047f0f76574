"""``create`` reached through retry wrappers (tenacity, backoff, a local decorator, a retry helper
handed the method) is still a Claude request, and a retry loop is never a batch candidate. The
project in ``cases/project_retry`` marks each expected TB401 with a trailing comment."""

from __future__ import annotations

import re
from pathlib import Path

from pytest_tokenbudget.lint.api import LintSettings, extract_call_sites, lint_paths

PROJECT = Path(__file__).parent / "cases" / "project_retry"


def _marked() -> set[int]:
    lines = (PROJECT / "llm.py").read_text().splitlines()
    return {i for i, line in enumerate(lines, 1) if re.search(r"#\s*TB401\s*$", line)}


def test_requests_through_retry_wrappers_are_batched_where_a_caller_loops():
    result = lint_paths([PROJECT], LintSettings(root=PROJECT, select=("TB401",), cache=False))
    assert {f.line for f in result.findings} == _marked() and len(_marked()) == 10
    assert all(Path(f.path).name == "llm.py" and "run.py:5" in f.message for f in result.findings)


def test_a_wrapped_method_keeps_the_request_arguments():
    import libcst as cst

    sites = extract_call_sites(cst.parse_module((PROJECT / "llm.py").read_text()))
    assert len(sites) == 12  # the lru_cache'd method is a memoised call, not a retry wrapper
    assert all(s.get("max_tokens") == 300 and not s.open_kwargs for s in sites)
    helper = [s for s in sites if s.context.function in ("through_helper", "through_retrying", "wrapped_method")]
    assert len(helper) == 3 and all("messages" in s.args and "model" in s.args for s in helper)
