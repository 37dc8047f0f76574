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


_REVIEWER = (
    "import anthropic\n\nclient = anthropic.Anthropic()\n\n\n"
    "def review_file(patch):\n"
    "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=1024,\n"
    "                                  messages=[{'role': 'user', 'content': f'Review this diff:\\n{patch}'}])\n\n\n"
    "def review_pull_request(patches):\n"
    "    return [review_file(p).content[0].text for p in patches]\n")


@pytest.mark.parametrize(("metadata", "reported"), [
    (None, True),  # a script: the per-file requests can wait for a batch
    (("action.yml", "name: Review\nruns:\n  using: docker\n  image: Dockerfile\n"), False),
    (("action.yaml", "name: Review\nruns:\n  using: composite\n  steps:\n    - run: python review.py\n"), False),
    (("action.yml", "name: not an action's metadata\non: [push]\n"), True),  # no runs: key
])
def test_a_github_action_is_live_work(tmp_path, metadata, reported):
    """A repository that is a GitHub Action (``action.yml`` with ``runs:`` at its root) runs as a step
    of a workflow job that an event started (a pull request waits for its review) and that GitHub
    stops after six hours: its per-item requests cannot wait for a batch."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'review'\n")
    (tmp_path / "review.py").write_text(_REVIEWER)
    if metadata is not None:
        (tmp_path / metadata[0]).write_text(metadata[1])
    result = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB401",), cache=False))
    assert [(f.code, f.line) for f in result.findings] == ([("TB401", 7)] if reported else [])


def test_an_action_metadata_file_added_later_is_seen_by_a_warm_run(tmp_path):
    """The cached results of unchanged files do not keep a TB401 that the new action.yml silences."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'review'\n")
    (tmp_path / "review.py").write_text(  # the loop in the request's own function: a result kept as it is
        "import anthropic\n\nclient = anthropic.Anthropic()\n\n\ndef review_pull_request(patches):\n"
        "    return [client.messages.create(model='claude-sonnet-4-6', max_tokens=1024,\n"
        "                                   messages=[{'role': 'user', 'content': p}]) for p in patches]\n")
    settings = LintSettings(root=tmp_path, select=("TB401",), cache=True, cache_dir=tmp_path / ".cache")
    assert [f.code for f in lint_paths([tmp_path], settings).findings] == ["TB401"]
    (tmp_path / "action.yml").write_text("runs:\n  using: docker\n  image: Dockerfile\n")
    assert lint_paths([tmp_path], settings).findings == []
