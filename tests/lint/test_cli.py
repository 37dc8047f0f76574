"""`tokenbudget lint` / `tokenbudget rules` end to end (in-process): formats, exit codes, config."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import jsonschema
import pytest

from pytest_tokenbudget.cli import main

BAD = textwrap.dedent("""\
    import anthropic
    client = anthropic.Anthropic()
    client.messages.create(model="claude-sonnet-4-5", max_tokens=50000, messages=[])
""")
CLEAN = textwrap.dedent("""\
    import anthropic
    client = anthropic.Anthropic()
    client.messages.create(model="claude-sonnet-4-5", max_tokens=500, messages=[])
""")


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.tokenbudget.lint]\nselect = ['TB2']\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "bad.py").write_text(BAD)
    (tmp_path / "app" / "clean.py").write_text(CLEAN)
    return tmp_path


def run(capsys, *args):
    rc = main(["lint", "--no-cache", *args])
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_text_output_and_exit_1(project, capsys):
    rc, out, _ = run(capsys, "app")
    assert rc == 1
    lines = out.splitlines()
    assert lines[0].startswith("app/bad.py:3:62: TB203 max_tokens=50,000")
    assert "TB206" in out and "clean.py" not in out.replace("app/clean.py", "")
    assert lines[-1].startswith("Found 2 findings in 1 file")


def test_clean_tree_exits_0(project, capsys):
    rc, out, _ = run(capsys, "app/clean.py")
    assert rc == 0 and out.startswith("All checks passed")


def test_exit_zero_and_ignore(project, capsys):
    assert run(capsys, "--exit-zero", "app")[0] == 0
    assert run(capsys, "--ignore", "TB203,TB206", "app")[0] == 0
    rc, out, _ = run(capsys, "--select", "TB203", "app")
    assert rc == 1 and "TB206" not in out


def test_json_schema_fields(project, capsys):
    rc, out, _ = run(capsys, "--format", "json", "app")
    data = json.loads(out)
    assert rc == 1 and [d["code"] for d in data] == ["TB203", "TB206"]
    assert set(data[0]) >= {"code", "name", "severity", "path", "line", "column", "end_line", "end_column",
                            "message", "fix"}
    assert data[1]["severity"] == "error" and data[0]["fix"] is None


def test_github_annotations(project, capsys):
    _, out, _ = run(capsys, "--format", "github", "app")
    first = out.splitlines()[0]
    assert first.startswith("::warning file=app/bad.py,line=3,endLine=3,col=62,endColumn=67,title=tokenbudget (TB203)::")


# A minimal schema of what GitHub code scanning requires of SARIF 2.1.0 (github/docs
# "SARIF support for code scanning"). The official OASIS schema is not bundled, so this checks the required
# subset; required strings must be non-empty.
_TEXT = {"type": "object", "required": ["text"], "properties": {"text": {"type": "string", "minLength": 1}}}
SARIF_SUBSET = {
    "type": "object",
    "required": ["$schema", "version", "runs"],
    "properties": {
        "version": {"const": "2.1.0"},
        "$schema": {"type": "string", "minLength": 1},
        "runs": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["tool", "results"],
            "properties": {
                "tool": {"type": "object", "required": ["driver"], "properties": {"driver": {
                    "type": "object", "required": ["name", "rules"],
                    "properties": {"name": {"type": "string", "minLength": 1}, "rules": {"type": "array", "items": {
                        "type": "object", "required": ["id", "shortDescription", "fullDescription", "help"],
                        "properties": {"id": {"type": "string", "minLength": 1}, "shortDescription": _TEXT,
                                       "fullDescription": _TEXT, "help": _TEXT}}}}}}},
                "results": {"type": "array", "items": {
                    "type": "object", "required": ["ruleId", "message", "locations", "partialFingerprints"],
                    "properties": {
                        "message": _TEXT,
                        "level": {"enum": ["none", "note", "warning", "error"]},
                        "locations": {"type": "array", "minItems": 1, "maxItems": 10, "items": {
                            "type": "object", "required": ["physicalLocation"], "properties": {"physicalLocation": {
                                "type": "object", "required": ["artifactLocation", "region"], "properties": {
                                    "artifactLocation": {"type": "object", "required": ["uri"],
                                                         "properties": {"uri": {"type": "string", "minLength": 1,
                                                                                "not": {"pattern": "^/"}}}},
                                    "region": {"type": "object",
                                               "required": ["startLine", "startColumn", "endLine", "endColumn"],
                                               "properties": {k: {"type": "integer", "minimum": 1} for k in
                                                              ("startLine", "startColumn", "endLine", "endColumn")}},
                                }}}}},
                        "partialFingerprints": {"type": "object", "minProperties": 1},
                    }}},
            }}},
    },
}


def test_sarif_is_valid_for_code_scanning_and_written_with_o(project, capsys):
    rc, out, _ = run(capsys, "--format", "sarif", "-o", "out.sarif", "app")
    assert rc == 1 and out == ""
    doc = json.loads((project / "out.sarif").read_text())
    jsonschema.validate(doc, SARIF_SUBSET)
    run0 = doc["runs"][0]
    ids = [r["id"] for r in run0["tool"]["driver"]["rules"]]
    assert [r["ruleId"] for r in run0["results"]] == ["TB203", "TB206"]
    for res in run0["results"]:
        assert ids[res["ruleIndex"]] == res["ruleId"]
        assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "app/bad.py"
        assert res["locations"][0]["physicalLocation"]["region"]["startColumn"] == 62


def test_sarif_schema_subset_rejects_a_broken_document():
    broken = {"$schema": "x", "version": "2.1.0", "runs": [{"tool": {"driver": {"name": "t", "rules": []}},
                                                            "results": [{"ruleId": "TB1", "message": {"text": ""},
                                                                         "locations": [],
                                                                         "partialFingerprints": {}}]}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SARIF_SUBSET)


def test_config_typo_is_exit_2_with_one_line(project, capsys):
    (project / "pyproject.toml").write_text("[tool.tokenbudget.lint]\nselct = ['TB2']\n")
    rc, out, err = run(capsys, "app")
    assert rc == 2 and out == ""
    assert "unknown key 'selct'" in err and "did you mean 'select'" in err and len(err.strip().splitlines()) == 1


def test_unknown_selector_is_exit_2(project, capsys):
    rc, _, err = run(capsys, "--select", "TB99", "app")
    assert rc == 2 and "unknown rule selector 'TB99'" in err


def test_unparsable_file_is_reported_and_run_continues(project, capsys):
    (project / "app" / "broken.py").write_text("import anthropic\nclient.messages.create(\n")
    rc, out, _ = run(capsys, "app")
    assert rc == 1
    assert "app/broken.py:" in out and "E999 cannot parse" in out
    assert "app/bad.py:3:62: TB203" in out


def test_missing_path_is_exit_2(project, capsys):
    rc, out, _ = run(capsys, "nope.py")
    assert rc == 2 and "E902" in out


def test_per_file_ignores_and_exclude(project, capsys):
    (project / "pyproject.toml").write_text(
        "[tool.tokenbudget.lint]\nselect = ['TB2']\n[tool.tokenbudget.lint.per-file-ignores]\n\"app/bad.py\" = ['TB206']\n")
    rc, out, _ = run(capsys, "app")
    assert rc == 1 and "TB203" in out and "TB206" not in out
    (project / "pyproject.toml").write_text("[tool.tokenbudget.lint]\nselect = ['TB2']\nextend-exclude = ['app/bad.py']\n")
    assert run(capsys, ".")[0] == 0


def test_gitignore_is_respected(project, capsys):
    (project / ".gitignore").write_text("app/bad.py\n")
    assert run(capsys, ".")[0] == 0
    assert run(capsys, "--no-respect-gitignore", ".")[0] == 1


def test_rules_command(capsys):
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert "TB101  missing-cache-control" in out
    assert main(["rules", "TB205"]) == 0
    out = capsys.readouterr().out
    assert "missing-stop-sequence" in out and "Flagged:" in out
    assert main(["rules", "TB999"]) == 2


def test_cache_is_used_gitignored_and_survives_corruption(project, capsys):
    assert main(["lint", "app"]) == 1
    first = capsys.readouterr().out
    cache = project / ".tokenbudget_cache"
    assert (cache / ".gitignore").read_text().strip().endswith("*")
    assert main(["lint", "app"]) == 1
    second = capsys.readouterr().out
    assert "from cache" in second and first.splitlines()[:-1] == second.splitlines()[:-1]
    for f in cache.rglob("*.json"):
        f.write_text("{not json")
    assert main(["lint", "app"]) == 1
    third = capsys.readouterr().out
    assert third.splitlines()[:-1] == first.splitlines()[:-1] and "from cache" not in third
    # an edited file is re-linted, not served stale
    (project / "app" / "bad.py").write_text(CLEAN + "\n")
    assert main(["lint", "app"]) == 0
    capsys.readouterr()
