"""Test code gets the correctness rules only by default: tests spend no production
money, the plugin watches them. ``[tool.tokenbudget.lint] test-code`` changes that."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pytest_tokenbudget.core.config import ConfigError, load_config
from pytest_tokenbudget.lint.api import LintSettings, lint_paths
from pytest_tokenbudget.lint.settings import OPTION_DEFAULTS, is_test_code, settings_from_config

# TB401 (a cost rule: a per-item loop) and TB201 (a correctness rule: no max_tokens)
CODE = textwrap.dedent("""
    import anthropic
    client = anthropic.Anthropic(BASE)

    def run(rows):
        for row in rows:
            client.messages.create(model="claude-haiku-4-5", max_tokens=64,
                messages=[{"role": "user", "content": row}])
        client.messages.create(model="claude-haiku-4-5", messages=[{"role": "user", "content": "hi"}])
""")


def _codes(tmp_path: Path, rel: str, policy: str | None = None, base: str = "") -> set[str]:
    f = tmp_path / rel
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_text(CODE.replace("BASE", base))
    options = dict(OPTION_DEFAULTS)
    if policy is not None:
        options["test-code"] = policy
    result = lint_paths([f], LintSettings(root=tmp_path, cache=False, options=options))
    return {x.code for x in result.findings}


@pytest.mark.parametrize("rel", ["tests/test_eval.py", "test/helpers.py", "pkg/test_x.py", "pkg/x_test.py",
                                 "conftest.py", "src/tests/unit/eval.py"])
def test_test_files_get_correctness_rules_only(tmp_path, rel):
    assert _codes(tmp_path, rel) == {"TB201"}


@pytest.mark.parametrize("rel", ["app/eval.py", "test.py", "testing/run.py", "attest/x.py", "contest.py"])
def test_other_files_get_every_rule(tmp_path, rel):
    assert _codes(tmp_path, rel) == {"TB201", "TB401"}


def test_policy_all_and_skip(tmp_path):
    assert _codes(tmp_path, "tests/test_a.py", "all") == {"TB201", "TB401"}
    assert _codes(tmp_path, "tests/test_b.py", "skip") == set()


def test_client_at_localhost_is_test_code(tmp_path):
    assert _codes(tmp_path, "app/a.py", base='base_url="http://127.0.0.1:8080"') == {"TB201"}
    assert _codes(tmp_path, "app/b.py", base='base_url="http://localhost:4010/"') == {"TB201"}
    assert _codes(tmp_path, "app/c.py", "skip", base='base_url="http://localhost"') == set()
    assert _codes(tmp_path, "app/d.py", "all", base='base_url="http://localhost"') == {"TB201", "TB401"}
    assert _codes(tmp_path, "app/e.py", base='base_url="https://localhost.example.com"') == {"TB201", "TB401"}


def test_only_the_project_relative_path_counts(tmp_path):
    root = tmp_path / "tests" / "proj"  # the project itself lives under a directory named tests
    assert _codes(root, "app/eval.py") == {"TB201", "TB401"}


def test_is_test_code():
    assert is_test_code("a/tests/b.py") and is_test_code("test_a.ipynb") and not is_test_code("tests.py")


def test_config_key_is_checked(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.tokenbudget.lint]\ntest-code = "skip"\n')
    assert settings_from_config(load_config(tmp_path)).options["test-code"] == "skip"
    (tmp_path / "pyproject.toml").write_text('[tool.tokenbudget.lint]\ntest-code = "some"\n')
    with pytest.raises(ConfigError, match="'correctness' or 'all' or 'skip'"):
        load_config(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.tokenbudget.lint]\ntest_code = "all"\n')
    with pytest.raises(ConfigError, match="did you mean 'test-code'"):
        load_config(tmp_path)


def test_a_tree_linted_from_outside_its_root_keeps_the_policy(tmp_path):
    """Linting ``other/tree`` from a working directory with its own configuration (the
    configuration's root is not above the tree): the tree's own ``tests/`` folder still makes test
    code, and the folders above the named tree (here ``tests/``) never do, whatever the cwd."""
    tree = tmp_path / "tests" / "tree"
    for rel in ("app/eval.py", "suite/tests/eval.py"):
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / rel).write_text(CODE.replace("BASE", ""))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = lint_paths([tree], LintSettings(root=elsewhere, cache=False, options=dict(OPTION_DEFAULTS)))
    by_file = {(Path(f.path).parent.name, f.code) for f in result.findings}
    assert by_file == {("app", "TB201"), ("app", "TB401"), ("tests", "TB201")}
