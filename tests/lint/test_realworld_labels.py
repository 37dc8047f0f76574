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


def _realworld_script():
    import importlib.util

    spec = importlib.util.spec_from_file_location("realworld_script", CORPUS.parent / "realworld.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_issue_subset_names_tags_the_labels_carry_and_a_sample_is_a_seeded_subset():
    """``--tags cross-module`` (the issue-15 subset) must not silently shrink to nothing through a
    misspelt tag, and ``repos --sample N`` must list the same repositories on every run."""
    rw = _realworld_script()
    carried = {t for s in LABELS for t in s.get("tags", [])}
    assert rw.CROSS_MODULE_TAGS - carried == set()
    assert rw._tags("cross-module, few-shot-turns") == rw.CROSS_MODULE_TAGS | {"few-shot-turns"}
    every = rw.pinned_repos(rw.CROSS_MODULE_TAGS)
    sample = rw.pinned_repos(rw.CROSS_MODULE_TAGS, 30, seed=7)
    assert len(sample) == 30 and set(sample) < set(every) and sample == sorted(sample)
    again, other = rw.pinned_repos(rw.CROSS_MODULE_TAGS, 30, seed=7), rw.pinned_repos(rw.CROSS_MODULE_TAGS, 30, seed=8)
    assert again == sample != other
    more = rw.pinned_repos(rw.CROSS_MODULE_TAGS, 30, seed=7, heaviest=20)
    assert len(more) == 50 and set(sample) < set(more) <= set(every)
