"""Multi-module projects for live work (TB401) and JSON asks that cross modules (TB501).

Each line ending in ``# TB401`` / ``# TB501`` must produce exactly that finding; every other
request in the project must stay silent: loops that a route runs (in a service module, or in an
object the route creates), a router branch that sends the JSON prompts to another provider, a
helper whose returns do not all ask for JSON, text appended after the request.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_tokenbudget.lint.api import LintSettings, lint_paths

from .marked import marked

CASES = Path(__file__).parent / "cases"
SELECT = ("TB4", "TB5")


@pytest.mark.parametrize("name", ["project_live", "project_json", "project_json_methods"])
def test_project_findings_match_comments(name: str):
    root = CASES / name
    result = lint_paths([root], LintSettings(root=root, select=SELECT, cache=False))
    assert not result.errors
    got = {(Path(f.path).resolve().relative_to(root.resolve()).as_posix(), f.line, f.code) for f in result.findings}
    assert got == marked(root, SELECT)
    assert len(marked(root, SELECT)) >= 1


def test_caller_supplied_prompt_names_the_caller():
    root = CASES / "project_json"
    result = lint_paths([root / "app" / "llm" / "claude.py"], LintSettings(root=root, select=("TB501",), cache=False))
    story = [f for f in result.findings if f.line == 25]
    assert len(story) == 1
    assert "the prompt comes from caller" in story[0].message and "tasks.py:" in story[0].message


def test_a_caller_named_by_the_rule_is_not_named_again(tmp_path):
    # the wrapper moves the caller's system turn into system=, and max_tokens comes from the caller
    # too: the finding is re-read per caller, and the caller appears once in its message
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "llm.py").write_text(
        "import anthropic\n\n\ndef chat(messages, max_tokens=1024):\n"
        "    system, rest = None, []\n"
        "    for m in messages:\n"
        "        if m['role'] == 'system':\n            system = m['content']\n"
        "        else:\n            rest.append(m)\n"
        "    kwargs = {'model': 'claude-sonnet-4-6', 'max_tokens': max_tokens, 'messages': rest}\n"
        "    if system:\n        kwargs['system'] = system\n"
        "    return anthropic.Anthropic().messages.create(**kwargs)\n")
    (tmp_path / "score.py").write_text(
        "from llm import chat\n\nSYSTEM = 'Rate the paper. Respond ONLY with valid JSON: {\"score\": 1}'\n\n\n"
        "def rate(paper):\n"
        "    return chat([{'role': 'system', 'content': SYSTEM}, {'role': 'user', 'content': paper}], max_tokens=256)\n")
    result = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB501",), cache=False))
    (finding,) = result.findings
    assert finding.message.count("score.py:7") == 1, finding.message
