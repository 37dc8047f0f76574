"""TB205 and stop sequences kept in configuration: a settings object, a config dict or a config
module that configures ``stop_sequences`` beside the values a call reads, and a call that never
passes them. The project in ``cases/project_stops`` marks each expected finding with ``# TB205``;
every other call there stays silent (``**kwargs``, a ``default_factory``, an env variable without
default, a forced tool, a call that reads nothing from the settings)."""

from __future__ import annotations

import re
from pathlib import Path

from pytest_tokenbudget.lint.api import LintSettings, lint_paths

CASES = Path(__file__).parent / "cases"
PROJECT = CASES / "project_stops"


def _findings(root: Path):
    return lint_paths([root], LintSettings(root=root, select=("TB205",), cache=False)).findings


def _marked(root: Path) -> set[tuple[str, int]]:
    return {(f.relative_to(root).as_posix(), i) for f in root.rglob("*.py")
            for i, line in enumerate(f.read_text().splitlines(), 1) if re.search(r"#\s*TB205\b", line)}


def _rel(path: str, root: Path) -> str:
    return Path(path).resolve().relative_to(root.resolve()).as_posix()


def test_configured_but_unpassed_stop_sequences_are_reported_exactly_where_marked():
    found = _findings(PROJECT)
    assert {(_rel(f.path, PROJECT), f.line) for f in found} == _marked(PROJECT)
    assert len(found) == 4


def test_the_message_names_the_setting_and_where_it_is_defined():
    by_line = {f.line: f for f in _findings(PROJECT)}
    tagged, untagged = by_line[11], by_line[17]
    assert "inside <answer> tags" in tagged.message and "Add stop_sequences=settings.stop_sequences" in tagged.message
    assert "settings.stop_sequences = ['</answer>'] is configured (stop sequences defined at " in untagged.message
    assert "config.py:11) but not passed to this call" in untagged.message
    assert [(Path(r["path"]).name, r["line"]) for r in untagged.properties["related"]] == [("config.py", 11)]
    assert "config.STOP_SEQUENCES = ['</sql>']" in by_line[27].message
    assert 'Add stop_sequences=CONFIG["stop_sequences"]' in by_line[22].message


def test_a_project_that_passes_the_setting_somewhere_is_not_second_guessed():
    assert _findings(CASES / "project_stops_read") == []
