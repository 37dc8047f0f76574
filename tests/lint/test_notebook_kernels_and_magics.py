"""Notebooks as real users write them (issue 14): non-Python kernels are skipped with a notice
(E902), not reported as syntax errors; every IPython magic form parses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_tokenbudget.lint.api import LintSettings, lint_paths

CALL = ("import anthropic\nclient = anthropic.Anthropic()\n"
        "r = client.messages.create(model='claude-3-haiku-20240307', max_tokens=10, messages=[])")


def _lint(tmp_path: Path, cells: list[str], metadata: dict | None = None):
    nb = {"cells": [{"cell_type": "code", "source": c} for c in cells], "metadata": metadata or {}, "nbformat": 4}
    (tmp_path / "nb.ipynb").write_text(json.dumps(nb))
    return lint_paths([tmp_path / "nb.ipynb"], LintSettings(root=tmp_path, cache=False))


@pytest.mark.parametrize("metadata, language", [
    ({"kernelspec": {"name": "deno", "language": "typescript"}}, "typescript"),
    ({"language_info": {"name": "R"}}, "R"),
])
def test_non_python_kernel_is_skipped_with_a_notice(tmp_path, metadata, language):
    result = _lint(tmp_path, ["const x = await fetch('https://api.anthropic.com/v1/messages');", CALL], metadata)
    assert not result.findings
    (err,) = result.errors
    f = err.as_finding()
    assert f.code == "E902" and f.code != "E999" and f"kernel language is {language}" in f.message


@pytest.mark.parametrize("metadata", [{}, {"kernelspec": {"language": "python"}}, {"language_info": {"name": "python"}}])
def test_python_kernels_are_linted(tmp_path, metadata):
    result = _lint(tmp_path, [CALL], metadata)
    assert not result.errors and [f.code for f in result.findings] == ["TB302"]


def test_every_magic_form_parses(tmp_path):
    cells = [
        "!pip install anthropic \\\n    instructor \\\n    pydantic",
        "%env FOO=1\n%time x = sum([1, 2])\nfiles = !ls\n?len\nlen?\nos.path??\n%matplotlib inline",
        "%%bash\nfor f in *; do echo $f; done",
        "%%html\n<b>not python</b>",
        "if True:\n    !echo one \\\n        two\n    y = 1",
        CALL,
    ]
    result = _lint(tmp_path, cells, {"kernelspec": {"language": "python"}})
    assert not result.errors
    assert [(f.code, f.cell, f.line) for f in result.findings] == [("TB302", 6, 3)]


def test_a_cell_that_does_not_parse_is_reported_and_the_other_cells_are_linted(tmp_path):
    example = '{\n  "name": “get_weather”,\n  "input_schema": {}\n}'  # a lesson's JSON with smart quotes
    result = _lint(tmp_path, ["import anthropic\nclient = anthropic.Anthropic()", example,
                              "def f(x):\nreturn x", "r = client.messages.create(model='claude-3-haiku-20240307', "
                              "max_tokens=10, messages=[])"])
    assert not result.errors
    by_code = sorted((f.code, f.cell, f.line) for f in result.findings)
    assert by_code == [("E999", 2, 2), ("E999", 3, 2), ("TB302", 4, 1)]
    broken = [f for f in result.findings if f.code == "E999"]
    assert all("the notebook's other cells are linted" in f.message and f.severity == "error" for f in broken)
    assert "cannot parse code cell 3: expected an indented block" in broken[1].message


def test_a_notebook_whose_cells_all_parse_has_no_e999(tmp_path):
    result = _lint(tmp_path, ["import anthropic\nclient = anthropic.Anthropic()", "x = {'a': 1}", CALL.split("\n")[-1]])
    assert not result.errors and [f.code for f in result.findings] == ["TB302"]
