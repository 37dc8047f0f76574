"""Realistic files in tests/lint/cases/ with their expected findings as trailing comments.

A line ending in ``# TB101`` (or ``# TB202 TB203``) must produce exactly those codes on that
line, and no other line may produce any (bugbear's eval-file style). In notebooks the line is
counted within its code cell. Only the engine issue's families (TB1xx, TB2xx) are checked here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pytest_tokenbudget.lint.api import LintSettings, lint_paths

CASES = Path(__file__).parent / "cases"
EXPECT = re.compile(r"#\s*(TB\d{3}(?:\s+TB\d{3})*)\s*(?:\\n)?$")
SELECT = ("TB1", "TB2")
PROJECT_SELECT = ("TB1", "TB2", "TB4")  # projects also check loops in callers (TB401)


def _expected(path: Path, select: tuple[str, ...] = SELECT) -> set[tuple]:
    out: set[tuple] = set()
    if path.is_dir():  # a small project: (file, line, code) for every module in it
        for f in sorted(path.rglob("*.py")):
            out.update((f.relative_to(path).as_posix(), li, code) for _, li, code in _expected(f, PROJECT_SELECT))
        return out
    if path.suffix == ".ipynb":
        cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
        for ci, cell in enumerate(cells, 1):
            for li, line in enumerate("".join(cell["source"]).split("\n"), 1):
                m = EXPECT.search(line)
                if m:
                    out.update((ci, li, code) for code in m.group(1).split() if code.startswith(select))
        return out
    for li, line in enumerate(path.read_text().splitlines(), 1):
        m = EXPECT.search(line)
        if m:
            out.update((None, li, code) for code in m.group(1).split() if code.startswith(select))
    return out


@pytest.mark.parametrize("path", sorted(p for p in CASES.iterdir() if p.is_dir()), ids=lambda p: p.name)
def test_case_project_findings_match_comments(path: Path):
    """Multi-module projects: prompts and loops that live in other modules and files."""
    result = lint_paths([path], LintSettings(root=path, select=PROJECT_SELECT, cache=False))
    assert not result.errors
    got = {(Path(f.path).resolve().relative_to(path.resolve()).as_posix(), f.line, f.code) for f in result.findings}
    assert got == _expected(path)


@pytest.mark.parametrize("path", sorted(p for p in CASES.iterdir() if p.is_file()), ids=lambda p: p.name)
def test_case_file_findings_match_comments(path: Path):
    settings = LintSettings(root=CASES, select=SELECT, cache=False)
    result = lint_paths([path], settings)
    assert not result.errors
    got = {(f.cell, f.line, f.code) for f in result.findings}
    assert got == _expected(path)
    assert all(Path(f.path).name == path.name for f in result.findings)


def test_lookalikes_have_no_call_sites():
    result = lint_paths([CASES / "lookalikes.py"], LintSettings(root=CASES, cache=False))
    assert result.call_sites == 0 and result.findings == []


def test_other_providers_behind_the_anthropic_sdk_are_not_claude_calls():
    result = lint_paths([CASES / "compatible_hosts.py"], LintSettings(root=CASES, cache=False))
    assert result.call_sites == 0 and result.findings == []


def test_a_gateway_read_from_the_environment_may_reach_claude(tmp_path: Path):
    src = (CASES / "compatible_hosts.py").read_text().replace('DEFAULT_BASE_URL = "https://api.deepseek.com/anthropic"',
                                                               'DEFAULT_BASE_URL = None')
    (tmp_path / "gateway.py").write_text(src.replace('model="deepseek-chat"', 'model="claude-sonnet-4-5"'))
    result = lint_paths([tmp_path / "gateway.py"], LintSettings(root=tmp_path, cache=False))
    assert result.call_sites == 1  # run_turn's; kimi's is still another provider's


def test_another_vendors_model_through_an_unknown_base_url_is_not_a_claude_call(tmp_path: Path):
    """The base URL comes from the environment, but the model the request sends is MiniMax's: the
    Claude API would refuse it, so the endpoint is MiniMax's, and no rule is about Claude's bill."""
    src = ("import os\nimport anthropic\n\nMODEL = os.getenv('DIGEST_MODEL', 'MiniMax-M2.7-highspeed')\n\n"
           "def summarize(items):\n"
           "    client = anthropic.Anthropic(base_url=os.environ['LLM_BASE_URL'])\n"
           "    for item in items:\n"
           "        client.messages.create(model=MODEL, max_tokens=100,\n"
           "            messages=[{'role': 'user', 'content': item + ' Reply in JSON.'}])\n")
    (tmp_path / "digest.py").write_text(src)
    result = lint_paths([tmp_path / "digest.py"], LintSettings(root=tmp_path, cache=False))
    assert (result.call_sites, result.findings) == (0, [])
    (tmp_path / "digest.py").write_text(src.replace("MiniMax-M2.7-highspeed", "claude-haiku-4-5"))
    result = lint_paths([tmp_path / "digest.py"], LintSettings(root=tmp_path, cache=False))
    assert result.call_sites == 1 and {f.code for f in result.findings} == {"TB401", "TB501"}


def test_corpus_is_not_trivially_empty():
    total = sum(len(_expected(p)) for p in CASES.iterdir())
    assert total >= 15
