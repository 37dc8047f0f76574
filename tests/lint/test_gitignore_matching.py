"""GlobSet answers what pathspec's GitIgnoreSpec answers, path by path, through its one-regex
fast path (no ignoring pattern matches: not ignored) and with negations."""

from __future__ import annotations

import itertools
from pathlib import Path

import pathspec
import pytest

from pytest_tokenbudget.lint.discover import GlobSet

GITIGNORES = {
    "plain": ["*.pyc", "__pycache__/", "build/", "/dist", "docs/_build", "**/node_modules", ".env", "data/*.json"],
    "negated": ["logs/", "!logs/keep.py", "*.ipynb", "!notebooks/*.ipynb", "secret*", "!secret_ok.py"],
    "anchored": ["/scripts/*.py", "src/**/gen_*.py", "a/**/b/", "tmp?", "[Bb]ackup/"],
}
PARTS = ["src", "logs", "notebooks", "build", "dist", "docs", "_build", "node_modules", "data", "scripts", "a", "b",
         "tmp1", "Backup", "pkg"]
FILES = ["x.py", "keep.py", "run.ipynb", "gen_api.py", "secret.py", "secret_ok.py", "cfg.json", ".env", "m.pyc"]


def _paths() -> list[tuple[str, bool]]:
    out = []
    for depth in (1, 2, 3):
        for dirs in itertools.product(PARTS, repeat=depth):
            out.append(("/".join(dirs), True))
            out += [("/".join((*dirs, f)), False) for f in FILES]
    return out


@pytest.mark.parametrize("name", sorted(GITIGNORES))
def test_globset_matches_as_pathspec_does(name, tmp_path):
    lines = GITIGNORES[name]
    spec = pathspec.GitIgnoreSpec.from_lines(lines)
    globs = GlobSet(lines, tmp_path)
    paths = _paths()
    got = [globs.matches(tmp_path / rel, is_dir) for rel, is_dir in paths]
    want = [bool(spec.match_file(rel + "/" if is_dir else rel)) for rel, is_dir in paths]
    assert got == want
    assert any(got) and not all(got)  # the paths exercise both answers
