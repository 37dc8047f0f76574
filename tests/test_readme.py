"""The README is a contract: every command, option and config key it shows must exist."""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

import pytest
import yaml

from pytest_tokenbudget.cli import COMMANDS, build_parser, main
from pytest_tokenbudget.core.config import load_config

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

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


_HELP: list[str] = []


def pytest_help(pytester: pytest.Pytester) -> str:
    """`pytest --help` with the installed plugin (its entry point), run once per session, in-process:
    the tests read its text, a subprocess would only import everything again."""
    if not _HELP:
        _HELP.append(pytester.runpytest_inprocess("--help", "-p", "no:cacheprovider").stdout.str())
    return _HELP[0]


def test_every_pytest_option_and_ini_key_exists(pytester):
    shown_flags = set(re.findall(r"(--token-budget[a-z-]*)", README))
    shown_ini = set(re.findall(r"\b(token_budget_[a-z_]+)\b", README))
    help_text = pytest_help(pytester)
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


def test_ini_example_keys_exist(pytester):
    help_text = pytest_help(pytester)
    for block in blocks("ini"):
        for key in re.findall(r"^(\w+)\s*=", block, flags=re.M):
            assert re.search(rf"^\s+{key}\s", help_text, flags=re.M), key


def test_quick_start_commands_are_the_ci_commands():
    ci = (ROOT / ".ci" / "run").read_text()
    assert 'pip install --quiet -e ".[test]"' in ci and "\npython -m pytest -n auto\n" in ci
    assert 'pip install -e ".[test]" && pytest -n auto\n' in README


def test_the_estimate_table_of_the_example_is_current(capsys, monkeypatch):
    """The README shows `tokenbudget estimate` on the bundled example; it must be today's output
    (the command's main() in this process: the test is about its output, not the process)."""
    start = README.index("<!-- estimate-example:start -->\n") + len("<!-- estimate-example:start -->\n")
    shown = README[start:README.index("<!-- estimate-example:end -->")].strip()
    monkeypatch.chdir(ROOT)
    code = main(["estimate", "examples/support_desk", "--calls-per-day", "1000", "--savings", "--format", "markdown"])
    out, err = capsys.readouterr()
    assert code == 0, err
    fresh = out.replace("## tokenbudget estimate\n", "").replace("\n### ", "\n#### ").strip()
    assert shown == fresh


# --- Install, Quick start, CI recipes, Development: every command, extra, hook and input shown ---

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
EXTRAS = PYPROJECT["project"]["optional-dependencies"]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
HOOK_IDS = {h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
PLACEHOLDER = "<you>"
# Programs the README tells people to run; a command line starting with anything else is an error here.
PROGRAMS = {".", "python3", "python", "pip", "pytest", "tokenbudget", "pre-commit", "git", "twine", "psql"}


def inline_commands() -> list[str]:
    """Commands in `code spans` of the prose (e.g. `pytest -m "not slow"`), not in fenced blocks."""
    prose = re.sub(r"^ *```.*?^ *```", "", README, flags=re.S | re.M)
    spans = re.findall(r"`([^`\n]+)`", prose)
    return [s for s in spans if s.split(" ", 1)[0] in PROGRAMS and " " in s]


def all_command_lines() -> list[str]:
    """Every command the README shows: each `&&`/`;` part of the bash blocks' lines, and inline ones."""
    lines = [line.split("  #")[0].strip() for block in blocks("bash") for line in block.splitlines()]
    lines += inline_commands()
    return [part.strip() for line in lines if line for part in re.split(r"&&|;", line) if part.strip()]


COMMAND_LINES = all_command_lines()


def test_every_command_line_runs_a_known_program():
    unknown = [line for line in COMMAND_LINES if shlex.split(line)[0] not in PROGRAMS]
    assert not unknown, unknown
    sourced = {line for line in COMMAND_LINES if line.startswith(". ")}
    assert sourced == {". .venv/bin/activate"}, sourced
    venvs = {line for line in COMMAND_LINES if line.startswith("python3 -m venv")}
    assert venvs == {"python3 -m venv .venv"}, venvs
    assert any(line.startswith("pre-commit ") for line in COMMAND_LINES)  # the inline ones are seen


def _extras_named() -> set[str]:
    named = set(re.findall(r'\.\[([a-z,-]+)\]', README))
    named |= set(re.findall(r"pytest-tokenbudget\[([a-z,-]+)\]", README))
    return {extra for group in named for extra in group.split(",")}


def test_every_extra_named_exists():
    named = _extras_named()
    assert {"examples", "test"} <= named, named
    assert named <= set(EXTRAS), named - set(EXTRAS)


def test_the_examples_extra_covers_what_the_example_imports():
    """Quick start step 1 installs only `.[examples]`: every third-party import of the example app
    and its tests must come from the core dependencies or that extra."""
    import ast
    from importlib.metadata import packages_distributions

    from packaging.requirements import Requirement

    allowed = {Requirement(r).name.lower() for r in PYPROJECT["project"]["dependencies"] + EXTRAS["examples"]}
    allowed.add("pytest-tokenbudget")
    example = ROOT / "examples" / "support_desk"
    local = {p.name for p in example.iterdir()} | {p.stem for p in example.rglob("*.py")}
    dists = packages_distributions()
    missing = set()
    for path in example.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else [])
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top in local:
                    continue
                if not {d.lower() for d in dists.get(top, [top])} & allowed:
                    missing.add(f"{path.relative_to(ROOT)}: {top}")
    assert not missing, missing
    assert "anthropic" in {Requirement(r).name for r in EXTRAS["examples"]}


def test_every_pip_install_line_installs_something_that_exists():
    installs = [shlex.split(line)[2:] for line in COMMAND_LINES if line.startswith("pip install")]
    assert installs
    for words in installs:
        for word in words:
            if word.startswith("-") or word.startswith("."):  # -e, -r, ".[test]" (extras checked above)
                continue
            if word.startswith("git+"):
                assert re.fullmatch(rf"git\+https://github\.com/{re.escape(PLACEHOLDER)}/pytest-tokenbudget@v\d+\.\d+\.\d+",
                                    word), word
            else:
                assert re.fullmatch(r"pytest-tokenbudget(\[[a-z,-]+\])?(==\d+\.\d+\.\d+)?|requirements\.txt", word), word


def test_the_placeholder_is_explained_once_and_the_tag_form_is_the_same_everywhere():
    assert README.count(f"`{PLACEHOLDER}` stands for") == 1
    install = README.split("\n## Install\n", 1)[1].split("\n## ", 1)[0]
    assert f"`{PLACEHOLDER}` stands for" in install and f"github.com/{PLACEHOLDER}/pytest-tokenbudget@" in install
    shown_tags = set(re.findall(rf"pytest-tokenbudget@(v[0-9.]+)", README)) | set(re.findall(r"rev: (\S+)", README))
    assert len(shown_tags) == 1, shown_tags
    (tag,) = shown_tags
    assert re.fullmatch(r"v\d+\.\d+\.\d+", tag)
    # the tag is a version that has a changelog entry
    assert f"## [{tag[1:]}] - " in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def test_the_quick_start_installs_the_examples_extra_and_ci_the_test_extra():
    step1 = README.split("## Quick start", 1)[1].split("2. ", 1)[0]
    assert 'pip install -e ".[examples]" && tokenbudget lint examples/support_desk; ' \
           "pytest examples/support_desk --token-budget\n" in step1


def test_the_quick_loop_marker_exists_and_is_documented():
    assert 'pytest -m "not slow"' in COMMAND_LINES
    markers = PYPROJECT["tool"]["pytest"]["ini_options"]["markers"]
    assert any(m.startswith("slow:") for m in markers)


def test_inline_tokenbudget_and_python_commands_exist():
    for line in COMMAND_LINES:
        words = shlex.split(line)
        if words[0] == "tokenbudget" and words[1].startswith("--"):
            assert words[1:] == ["--version"], line
            with pytest.raises(SystemExit) as exc:
                build_parser().parse_args(["--version"])
            assert exc.value.code == 0
        elif words[0] in ("python", "python3") and words[1:2] != ["-m"]:
            assert (ROOT / words[1]).is_file(), line  # python benchmarks/x.py, python .ci/check_dist.py
        elif words[0] in ("python", "python3") and words[1] == "-m":
            import importlib.util

            assert importlib.util.find_spec(words[2]) is not None, line  # venv, build, pytest_tokenbudget.testing


def test_pre_commit_commands_use_real_subcommands_and_flags(capsys):
    from pre_commit.main import main as pre_commit  # its console script's function, in this process

    lines = [shlex.split(line) for line in COMMAND_LINES if line.startswith("pre-commit ")]
    assert lines
    for words in lines:
        with pytest.raises(SystemExit) as exc:  # argparse: --help prints and exits 0, an unknown command exits 2
            pre_commit([words[1], "--help"])
        assert exc.value.code == 0, words
        help_text = capsys.readouterr().out
        for flag in (w for w in words[2:] if w.startswith("--")):
            assert flag in help_text, f"pre-commit {words[1]} has no {flag}"
        if words[1] == "try-repo":
            assert words[3] in HOOK_IDS and words[words.index("--ref") + 1].startswith("v")


def _yaml_block(marker: str, section: str = "## CI recipes") -> dict:
    """The one YAML block holding ``marker`` in the README section that starts with ``section``."""
    part = README.split(f"\n{section}\n", 1)[1].split("\n## ", 1)[0]
    (block,) = [b for b in blocks("yaml") if marker in b and b in part]
    return yaml.safe_load(block.replace(PLACEHOLDER, "someone"))


def test_the_pre_commit_recipe_names_this_repository_its_hooks_and_a_tag():
    (repo,) = _yaml_block("repos:")["repos"]
    assert repo["repo"] == "https://github.com/someone/pytest-tokenbudget"
    assert re.fullmatch(r"v\d+\.\d+\.\d+", repo["rev"])
    assert {h["id"] for h in repo["hooks"]} == HOOK_IDS
    for word in ("`repo`", "`rev`", "pre-commit autoupdate"):
        assert word in README.split("### pre-commit", 1)[1].split("### GitHub Actions", 1)[0]


def action_inputs_markdown() -> str:
    """The README's table of the action's inputs, generated from action.yml."""
    rows = ["| input | default | what it does |", "|---|---|---|"]
    for name, spec in ACTION["inputs"].items():
        default = spec.get("default", "")
        rows.append(f"| `{name}` | `{default if default != '' else chr(34) * 2}` | {spec['description']} |")
    return "\n".join(rows)


def test_the_action_inputs_table_is_generated_from_action_yml():
    start = README.index("<!-- action-inputs:start")
    shown = README[README.index("\n", start) + 1:README.index("<!-- action-inputs:end -->")].strip()
    assert shown == action_inputs_markdown(), "regenerate the table:\n" + action_inputs_markdown()


def _workflow_schema() -> dict:
    import importlib.resources
    import json

    vendor = importlib.resources.files("check_jsonschema.builtin_schemas.vendor")
    return json.loads(vendor.joinpath("github-workflows.json").read_text(encoding="utf-8"))


def test_the_workflow_recipe_is_a_valid_workflow_with_lint_and_tests_as_separate_jobs():
    import jsonschema

    workflow = _yaml_block("jobs:")
    workflow["on"] = workflow.pop(True)  # YAML 1.1 reads the key `on` as a boolean
    jsonschema.Draft7Validator(_workflow_schema()).validate(workflow)
    jobs = workflow["jobs"]
    action_jobs = {name for name, job in jobs.items()
                   if any(s.get("uses", "").startswith("someone/pytest-tokenbudget@") for s in job["steps"])}
    pytest_jobs = {name for name, job in jobs.items()
                   if any("pytest --token-budget" in s.get("run", "") for s in job["steps"])}
    assert len(action_jobs) == 1 and len(pytest_jobs) == 1 and action_jobs.isdisjoint(pytest_jobs)
    (tests_job,) = pytest_jobs
    assert "needs" not in jobs[tests_job]  # the tests run even when lint fails
    (lint_job,) = action_jobs
    steps = jobs[lint_job]["steps"]
    uses = next(s for s in steps if s.get("uses", "").startswith("someone/pytest-tokenbudget@"))
    assert set(uses.get("with", {})) <= set(ACTION["inputs"]), set(uses["with"]) - set(ACTION["inputs"])
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    assert upload["if"] == "always()" and upload["with"]["sarif_file"] == uses["with"]["sarif-file"]
    assert jobs[lint_job]["permissions"]["security-events"] == "write"
