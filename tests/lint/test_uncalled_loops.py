"""TB401 and loops in functions nothing calls (lint/uncalled.py): dead code is no per-item work."""

from __future__ import annotations

import shutil
from pathlib import Path

from pytest_tokenbudget.lint.api import LintSettings, lint_paths

CASE = Path(__file__).parent / "cases" / "project_uncalled_loops"


def _flagged(root: Path, settings: LintSettings) -> set[str]:
    """The functions of app/llm.py whose request TB401 flags."""
    lines = {f.line for f in lint_paths([root], settings).findings if f.code == "TB401"}
    text = (root / "app" / "llm.py").read_text().splitlines()
    return {next(t.split("def ")[1].split("(")[0] for t in reversed(text[:n]) if t.startswith("def ")) for n in lines}


def test_a_loop_counts_again_once_a_file_calls_its_function(tmp_path):
    root = Path(shutil.copytree(CASE, tmp_path / "proj"))
    settings = LintSettings(root=root, select=("TB401",), cache=True, cache_dir=tmp_path / "cache")
    assert _flagged(root, settings) == {"summarize", "tag", "translate", "headline", "brief", "score"}
    (root / "app" / "inbox.py").write_text("from app.helpers import classify_all\n\n\ndef sweep(box):\n"
                                           "    return classify_all(box.unread())\n")
    assert _flagged(root, settings) == {"summarize", "tag", "translate", "headline", "brief", "score",
                                        "classify"}  # warm
    with (root / "app" / "jobs.py").open("a") as fh:  # the import that was only an import is used now
        fh.write("\n\ndef graded(items):\n    return grade_all(items)\n")
    assert _flagged(root, settings) == {"summarize", "tag", "translate", "headline", "brief", "score",
                                        "classify", "grade"}
    (root / "app" / "outlines.py").write_text("from app.helpers import Digest\n\n\ndef all_outlines(docs):\n"
                                              "    return Digest()._outline_all(docs)\n")  # the private method called
    assert _flagged(root, settings) == {"summarize", "tag", "translate", "headline", "brief", "score",
                                        "classify", "grade", "outline"}


def test_an_entry_point_or_a_notebook_naming_the_function_is_a_caller(tmp_path):
    root = Path(shutil.copytree(CASE, tmp_path / "proj"))
    settings = LintSettings(root=root, select=("TB401",), cache=False)
    (root / "pyproject.toml").write_text('[project]\nname = "p"\n\n[project.scripts]\n'
                                         'classify = "app.helpers:classify_all"\n')
    assert "classify" in _flagged(root, settings)
    root = Path(shutil.copytree(CASE, tmp_path / "nb" / "proj"))
    (root / "run.ipynb").write_text('{"cells": [{"cell_type": "code", "metadata": {}, "source": '
                                    '["from app.helpers import classify_all\\n"]}], "metadata": {}, '
                                    '"nbformat": 4, "nbformat_minor": 5}')
    assert "classify" in _flagged(root, settings.__class__(root=root, select=("TB401",), cache=False))


def test_a_public_method_nothing_names_is_dead_only_in_a_module_the_code_imports(tmp_path):
    root = Path(shutil.copytree(CASE, tmp_path / "proj"))
    settings = LintSettings(root=root, select=("TB401",), cache=False)
    assert "condense" not in _flagged(root, settings)
    # a library: only the package's __init__ imports the module (to re-export the class for its users)
    (root / "app" / "jobs.py").unlink()
    (root / "app" / "__init__.py").write_text("from app.helpers import Summarizer, normalise\n")
    assert "condense" in _flagged(root, settings)


def test_a_dead_loop_does_not_end_the_search_for_a_live_one_further_up(tmp_path):
    """condense() is looped over directly only by a dead method; a plain caller's loop still counts."""
    root = Path(shutil.copytree(CASE, tmp_path / "proj"))
    with (root / "app" / "jobs.py").open("a") as fh:
        fh.write("\n\nfrom app.llm import condense\n\n\ndef condensed(doc):\n    return condense(doc)\n\n\n"
                 "def weekly(docs):\n    return [condensed(d) for d in docs]\n")
    assert "condense" in _flagged(root, LintSettings(root=root, select=("TB401",), cache=False))


def test_a_file_that_does_not_parse_is_no_caller(tmp_path):
    """A `try:` left without `except` breaks the only file naming classify_all: that code never runs."""
    root = Path(shutil.copytree(CASE, tmp_path / "proj"))
    settings = LintSettings(root=root, select=("TB401",), cache=False)
    call = "from app.helpers import classify_all\n\n\ndef sweep(box):\n    return classify_all(box.unread())\n"
    (root / "app" / "inbox.py").write_text(call.replace("    return", "    try:\n        return") + "\nx = 1\n")
    assert "classify" not in _flagged(root, settings)
    (root / "app" / "inbox.py").write_text(call)
    assert "classify" in _flagged(root, settings)
