"""Multi-module projects for live work (TB401) and JSON asks that cross modules (TB501).

Each line ending in ``# TB401`` / ``# TB501`` must produce exactly that finding; every other
request in the project must stay silent: loops that a route runs (in a service module, or in an
object the route creates), a router branch that sends the JSON prompts to another provider, a
helper whose returns do not all ask for JSON, text appended after the request.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pytest_tokenbudget.lint.api import LintSettings, lint_paths

CASES = Path(__file__).parent / "cases"
EXPECT = re.compile(r"#\s*(TB\d{3}(?:\s+TB\d{3})*)\s*$")
SELECT = ("TB4", "TB5")


def _expected(root: Path) -> set[tuple[str, int, str]]:
    out = set()
    for f in sorted(root.rglob("*.py")):
        for li, line in enumerate(f.read_text().splitlines(), 1):
            m = EXPECT.search(line)
            if m:
                out.update((f.relative_to(root).as_posix(), li, c) for c in m.group(1).split() if c.startswith(SELECT))
    return out


@pytest.mark.parametrize("name", ["project_live", "project_json"])
def test_project_findings_match_comments(name: str):
    root = CASES / name
    result = lint_paths([root], LintSettings(root=root, select=SELECT, cache=False))
    assert not result.errors
    got = {(Path(f.path).resolve().relative_to(root.resolve()).as_posix(), f.line, f.code) for f in result.findings}
    assert got == _expected(root)
    assert len(_expected(root)) >= 1


def test_caller_supplied_prompt_names_the_caller():
    root = CASES / "project_json"
    result = lint_paths([root / "app" / "llm" / "claude.py"], LintSettings(root=root, select=("TB501",), cache=False))
    story = [f for f in result.findings if f.line == 25]
    assert len(story) == 1
    assert "the prompt comes from caller" in story[0].message and "tasks.py:" in story[0].message
