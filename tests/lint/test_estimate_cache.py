"""``tokenbudget estimate`` shares lint's on-disk project index (same folder, same content-hash keys)."""

from __future__ import annotations

import os
from pathlib import Path

from pytest_tokenbudget.cli import main
from pytest_tokenbudget.lint.api import LintSettings, estimate_paths, lint_paths

RUNNER = '''import anthropic

from prompts import SYSTEM

client = anthropic.Anthropic()


def ask(q):
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=100, system=SYSTEM,
                                  messages=[{"role": "user", "content": q}])
'''


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (root / "runner.py").write_text(RUNNER)
    (root / "prompts.py").write_text(f'SYSTEM = "{"rule " * 2000}"\n')
    return root


def _swap_keeping_stat(path: Path) -> None:
    """A short SYSTEM of the same file size and mtime: only a reader trusting the cached index misses it."""
    st = path.stat()
    text = 'SYSTEM = "Be brief."\n'
    path.write_text(text + "#" * (st.st_size - len(text) - 1) + "\n")
    assert path.stat().st_size == st.st_size
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def _input_tokens(root: Path, **kw) -> int:
    report = estimate_paths([root], LintSettings(root=root, **kw))
    return report.sites[0].input_tokens


def test_estimate_reads_the_index_lint_wrote(tmp_path):
    root = _project(tmp_path)
    lint_paths([root], LintSettings(root=root, cache=True))
    big = _input_tokens(root, cache=False)
    _swap_keeping_stat(root / "prompts.py")
    assert _input_tokens(root, cache=True) == big  # the cached entry of prompts.py, unparsed
    assert _input_tokens(root, cache=False) < big  # read afresh without the cache


def test_lint_reads_the_index_estimate_wrote_and_its_folder_ignores_itself(tmp_path):
    root = _project(tmp_path)
    estimate_paths([root], LintSettings(root=root, cache=True))
    cache = root / ".tokenbudget_cache"
    assert (cache / ".gitignore").read_text().splitlines()[-1] == "*" and (cache / "CACHEDIR.TAG").is_file()
    _swap_keeping_stat(root / "prompts.py")
    cached = lint_paths([root], LintSettings(root=root, cache=True, select=("TB101",)))
    fresh = lint_paths([root], LintSettings(root=root, cache=False, select=("TB101",)))
    assert [f.line for f in cached.findings] == [9] and fresh.findings == []


def test_estimate_cli_cache_options(tmp_path, capsys, monkeypatch):
    root = _project(tmp_path)
    monkeypatch.chdir(root)
    assert main(["estimate", "--no-cache", str(root)]) == 0
    assert not (root / ".tokenbudget_cache").exists()
    assert main(["estimate", "--cache-dir", str(tmp_path / "c"), str(root)]) == 0
    assert list((tmp_path / "c").glob("v*/index.json"))


LOOP = '''from runner import ask


def main(questions):
    return [ask(q) for q in questions]
'''


def _report_json(root: Path, **kw) -> dict:
    import json

    from pytest_tokenbudget.lint.estimate.render import render_json

    report = estimate_paths([root], LintSettings(root=root, cache=True), calls_per_day=kw.get("n"), savings=True)
    return json.loads(render_json(report))


def test_a_warm_estimate_equals_the_cold_one_and_follows_changes(tmp_path):
    root = _project(tmp_path)
    cold = _report_json(root, n=1000)
    assert list((root / ".tokenbudget_cache").glob("v*/estimate-*.json"))
    assert _report_json(root, n=1000) == cold
    assert _report_json(root) != cold  # --calls-per-day is part of the key
    assert {s["code"] for s in cold["savings"]} == {"TB101"}
    (root / "batch.py").write_text(LOOP)  # a new caller looping over the call: a batch saving appears
    assert {s["code"] for s in _report_json(root, n=1000)["savings"]} == {"TB101", "TB401"}
    (root / "prompts.py").write_text('SYSTEM = "Be brief."\n')  # a prompt it resolved through changed
    assert {s["code"] for s in _report_json(root, n=1000)["savings"]} == {"TB401"}
