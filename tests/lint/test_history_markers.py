"""TB101 with a conversation history passed in: the history could carry a ``cache_control``
marker only if some file of the project writes one. A project that never writes ``cache_control``
re-sends its static system prompt uncached on every turn (flagged); one that marks its history
somewhere (another module, a helper) may be caching it (silent)."""

from __future__ import annotations

from pathlib import Path

from pytest_tokenbudget.lint.api import LintSettings, lint_paths
from pytest_tokenbudget.lint.rules.options import DEFAULTS

PROMPT = "Tu es un assistant avant-vente expert. Réponds en JSON. " * 120  # ~1.8k tokens, static

APP = '''\
import anthropic
from system_prompt import SYSTEM_PROMPT

client = anthropic.Anthropic()


def call_claude(messages):
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=2048,
                                  system=SYSTEM_PROMPT, messages=messages)
'''


def _project(tmp_path: Path, extra: dict[str, str]) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'app'\n")
    (tmp_path / "system_prompt.py").write_text(f"SYSTEM_PROMPT = {PROMPT!r}\n")
    (tmp_path / "app.py").write_text(APP)
    for name, text in extra.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def _tb101(root: Path) -> list[tuple[str, int]]:
    settings = LintSettings(root=root, select=("TB101",), cache=False, options=dict(DEFAULTS))
    result = lint_paths([root], settings)
    assert not result.errors
    return [(Path(f.path).name, f.line) for f in result.findings]


def test_a_history_from_callers_that_never_write_cache_control_is_flagged(tmp_path):
    root = _project(tmp_path, {"chat.py": "from app import call_claude\n\n"
                                          "def turn(history, text):\n"
                                          "    history.append({'role': 'user', 'content': text})\n"
                                          "    return call_claude(history)\n"})
    assert _tb101(root) == [("app.py", 9)]  # the system= argument


def test_a_history_the_project_marks_elsewhere_stays_silent(tmp_path):
    root = _project(tmp_path, {"chat.py": "from app import call_claude\n\n"
                                          "def turn(history, text):\n"
                                          "    history.append({'role': 'user', 'content': [{'type': 'text', 'text': text,\n"
                                          "        'cache_control': {'type': 'ephemeral'}}]})\n"
                                          "    return call_claude(history)\n"})
    assert _tb101(root) == []


def test_a_directory_named_on_the_command_line_is_a_project_even_without_markers(tmp_path):
    """A checkout without pyproject.toml or .git (a copied app folder) linted as ``lint .``: the
    named directory is the project, so the other modules are searched."""
    root = _project(tmp_path, {"chat.py": "from app import call_claude\n"})
    (root / "pyproject.toml").unlink()
    assert _tb101(root) == [("app.py", 9)]


def test_a_lone_file_in_a_folder_without_markers_does_not_search_the_folder(tmp_path):
    root = _project(tmp_path, {"chat.py": "from app import call_claude\n"})
    (root / "pyproject.toml").unlink()
    settings = LintSettings(root=root, select=("TB101",), cache=False, options=dict(DEFAULTS))
    assert lint_paths([root / "app.py"], settings).findings == []  # the folder is not known to be the project: the history may be marked elsewhere
