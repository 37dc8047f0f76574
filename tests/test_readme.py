"""The README is a contract: every command, option and config key it shows must exist."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from pytest_tokenbudget.cli import COMMANDS, build_parser
from pytest_tokenbudget.core.config import load_config

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def blocks(lang: str) -> list[str]:
    return re.findall(rf"^ *```{lang}\n(.*?)^ *```", README, flags=re.S | re.M)


def shell_commands(program: str) -> list[list[str]]:
    """Every `program ...` invocation in the bash blocks (commands chained with && or ; split)."""
    found = []
    for block in blocks("bash"):
        for line in block.splitlines():
            line = line.split("  #")[0].strip()
            for part in re.split(r"&&|;", line):
                words = shlex.split(part.strip())
                if words and words[0] == program:
                    found.append(words[1:])
    return found


def test_rule_table_is_the_generated_one():
    from pytest_tokenbudget.lint.docs import rule_table_markdown

    start = README.index("<!-- rule-table:start")
    table = README[README.index("\n", start) + 1:README.index("<!-- rule-table:end -->")].strip()
    assert table == rule_table_markdown().strip()


TOKENBUDGET_COMMANDS = shell_commands("tokenbudget")


def test_the_readme_shows_every_subcommand():
    shown = {words[0] for words in TOKENBUDGET_COMMANDS}
    assert shown == set(COMMANDS)


@pytest.mark.parametrize("words", TOKENBUDGET_COMMANDS, ids=[" ".join(w) for w in TOKENBUDGET_COMMANDS])
def test_every_tokenbudget_command_parses(words):
    parser = build_parser(only=words[0])
    parser.parse_args(words)  # argparse exits 2 on an unknown command or option


def test_every_pytest_option_and_ini_key_exists():
    shown_flags = set(re.findall(r"(--token-budget[a-z-]*)", README))
    shown_ini = set(re.findall(r"\b(token_budget_[a-z_]+)\b", README))
    help_text = subprocess.run([sys.executable, "-m", "pytest", "--help", "-p", "no:cacheprovider"],
                               capture_output=True, text=True, cwd=ROOT, timeout=120).stdout
    assert shown_flags and shown_ini
    for flag in shown_flags:
        assert re.search(rf"{re.escape(flag)}\b", help_text), f"README shows {flag}, pytest --help lacks it"
    for key in shown_ini:
        assert re.search(rf"^\s+{key}\s", help_text, flags=re.M), f"README shows ini {key}, pytest lacks it"


def test_every_environment_variable_is_read_by_the_plugin():
    import pytest_tokenbudget.plugin.settings as settings

    source = Path(settings.__file__).read_text()
    for name in set(re.findall(r"\b(TOKEN_BUDGET_[A-Z_]+)\b", README)):
        assert f'"{name}"' in source, name


def test_fixtures_and_marker_shown_exist(pytester):
    pytester.makepyfile("def test_x(): pass")
    result = pytester.runpytest("--fixtures", "-p", "no:cacheprovider")
    out = result.stdout.str()
    for fixture in ("token_usage", "token_budget", "fake_llm_server"):
        assert fixture in README and re.search(rf"^{fixture}\b", out, flags=re.M), fixture
    result = pytester.runpytest("--markers")
    assert "@pytest.mark.token_budget" in result.stdout.str()


@pytest.mark.parametrize("block", [b for b in blocks("toml") if "[tool.tokenbudget" in b])
def test_every_toml_example_is_valid_configuration(tmp_path, block):
    (tmp_path / "pyproject.toml").write_text(block)
    cfg = load_config(tmp_path)  # raises ConfigError on any unknown key or bad value
    assert cfg.path is not None


def test_model_row_keys_listed_exist():
    from pytest_tokenbudget.core.catalog import ROW_KEYS

    listed = README.split("Row keys:", 1)[1].split("\n\n", 1)[0]
    for key in re.findall(r"`([a-z0-9-]+)`", listed):
        assert key in ROW_KEYS, key


def test_ini_example_keys_exist():
    help_text = subprocess.run([sys.executable, "-m", "pytest", "--help", "-p", "no:cacheprovider"],
                               capture_output=True, text=True, cwd=ROOT, timeout=120).stdout
    for block in blocks("ini"):
        for key in re.findall(r"^(\w+)\s*=", block, flags=re.M):
            assert re.search(rf"^\s+{key}\s", help_text, flags=re.M), key


def test_quick_start_commands_are_the_ci_commands():
    ci = (ROOT / ".ci" / "run").read_text()
    assert 'pip install --quiet -e ".[test]"' in ci and "python -m pytest" in ci
    assert 'pip install -e ".[test]" && pytest\n' in README


def test_the_estimate_table_of_the_example_is_current():
    """The README shows `tokenbudget estimate` on the bundled example; it must be today's output."""
    start = README.index("<!-- estimate-example:start -->\n") + len("<!-- estimate-example:start -->\n")
    shown = README[start:README.index("<!-- estimate-example:end -->")].strip()
    proc = subprocess.run([sys.executable, "-m", "pytest_tokenbudget", "estimate", "examples/support_desk",
                           "--calls-per-day", "1000", "--savings", "--format", "markdown"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    fresh = proc.stdout.replace("## tokenbudget estimate\n", "").replace("\n### ", "\n#### ").strip()
    assert shown == fresh
