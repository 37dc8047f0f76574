"""The labelled real-world corpus (benchmarks/realworld/) is the linter's judge: its labels must be
well formed, pinned and counted, or a scoring run silently measures something else."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from pytest_tokenbudget.lint.rules.registry import registry

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

CORPUS = Path(__file__).resolve().parents[2] / "benchmarks" / "realworld"
LABELS = [json.loads(line) for line in (CORPUS / "labels.jsonl").read_text(encoding="utf-8").splitlines()
          if line.strip()]
REPOS = tomllib.loads((CORPUS / "repos.toml").read_text(encoding="utf-8"))["repo"]


def _site(label: dict) -> str:
    return f"{label['repo']} {label['path']}{'[cell %s]' % label['cell'] if label.get('cell') else ''}:{label['line']}"


def test_every_label_names_a_pinned_repository_at_its_pinned_commit():
    assert [_site(s) for s in LABELS if s["repo"] not in REPOS] == []
    assert [_site(s) for s in LABELS if s["commit"] != REPOS[s["repo"]]["commit"]] == []
    assert [_site(s) for s in LABELS if not re.fullmatch(r"[0-9a-f]{40}", s["commit"])] == []


def test_each_site_is_labelled_once_and_each_pin_counts_its_sites():
    sites = Counter((s["repo"], s["path"], s.get("cell"), s["line"]) for s in LABELS)
    assert [site for site, n in sites.items() if n > 1] == []
    per_repo = Counter(s["repo"] for s in LABELS)
    assert {r: (pin["sites"], per_repo[r]) for r, pin in REPOS.items() if pin["sites"] != per_repo[r]} == {}


def test_each_expected_code_is_a_rule_with_a_reason_and_look_alikes_expect_nothing():
    codes = set(registry())
    assert [(_site(s), c) for s in LABELS for c in s["expected"] if c not in codes] == []
    assert [(_site(s), c) for s in LABELS for c in s["expected"] if not s["why"].get(c)] == []
    assert [_site(s) for s in LABELS if set(s["why"]) - set(s["expected"])] == []
    assert [_site(s) for s in LABELS if s["not_a_claude_call"] and s["expected"]] == []


def test_positions_are_lines_of_the_call_and_notebook_sites_name_their_cell():
    assert [_site(s) for s in LABELS if not 1 <= s["line"] <= s["end_line"]] == []
    assert [_site(s) for s in LABELS if s["path"].endswith(".ipynb") != bool(s.get("cell"))] == []
    assert [_site(s) for s in LABELS if not isinstance(s["tags"], list)] == []
