"""The whole-project searches walk the tree as file discovery does: through linked folders, around loops."""

from __future__ import annotations

import os

from pytest_tokenbudget.lint.api import LintSettings, lint_paths
from pytest_tokenbudget.lint.discover import discover
from pytest_tokenbudget.lint.project_walk import walk_project
from pytest_tokenbudget.lint.word_index import build_word_index

CALLEE = ("import anthropic\nclient = anthropic.Anthropic()\n"
          "def summarise(text):\n"
          "    return client.messages.create(model='claude-sonnet-4-5', max_tokens=512,\n"
          "        system='You summarise support tickets in two sentences for the on-call engineer.',\n"
          "        messages=[{'role': 'user', 'content': text}])\n")
RUNNER = "from llm import summarise\nimport csv\ndef main(path):\n    for row in csv.reader(open(path)):\n        print(summarise(row[0]))\n"


def test_a_linked_folder_is_walked_a_loop_is_not_and_names_come_sorted(tmp_path):
    shared = tmp_path / "elsewhere" / "shared"
    shared.mkdir(parents=True)
    (shared / "b.py").write_text("")
    (shared / "a.py").write_text("")
    project = tmp_path / "project"
    (project / "pkg").mkdir(parents=True)
    os.symlink(shared, project / "pkg" / "shared")  # a monorepo linking a shared package in
    os.symlink("..", project / "pkg" / "up")  # a loop
    (project / "pkg" / "node_modules").mkdir()
    (project / ".venv").mkdir()
    walked = {os.path.relpath(folder, project): names for folder, names in walk_project(str(project))}
    assert walked == {".": [], "pkg": [], os.path.join("pkg", "shared"): ["a.py", "b.py"]}


def test_the_word_index_reads_the_files_of_a_linked_folder(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "runner.py").write_text(RUNNER)
    (tmp_path / "project").mkdir()
    os.symlink(shared, tmp_path / "project" / "jobs")
    index = build_word_index(str(tmp_path / "project"))
    assert index["summarise"] == [str(tmp_path / "project" / "jobs" / "runner.py")]


def test_a_folder_of_linked_projects_gets_the_same_findings_serial_and_pooled(tmp_path):
    """A folder whose projects are links (checked-out repositories gathered in one place): the
    loop in the caller module is found with -j 1 and with the process pool, whose word index is
    built by one walk of the whole folder."""
    real = tmp_path / "checkouts" / "tickets"
    real.mkdir(parents=True)
    (real / "requirements.txt").write_text("anthropic\n")
    (real / "llm.py").write_text(CALLEE)
    (real / "batch_job.py").write_text(RUNNER)
    for i in range(8):  # enough candidate files for the process pool
        (real / f"other{i}.py").write_text(CALLEE.replace("summarise", f"f{i}"))
    folder = tmp_path / "all"
    folder.mkdir()
    os.symlink(real, folder / "tickets")
    runs = [lint_paths([folder], LintSettings(root=folder, cache=False, jobs=jobs)) for jobs in (1, 2)]
    serial, pooled = ([f.as_json() for f in run.findings] for run in runs)
    assert pooled == serial
    loops = [f for f in runs[1].findings if f.code == "TB401"]
    assert [(os.path.basename(f.path), "batch_job.py:4" in f.message) for f in loops] == [("llm.py", True)]


def test_a_package_named_build_is_source_and_build_output_is_not(tmp_path):
    """``pipeline/build/`` with an ``__init__.py`` is imported as ``pipeline.build``: its calls are
    linted and its loops seen by the searches; a setuptools ``build/lib/`` copy is left out, and a
    ``build`` the user excludes is not linted."""
    (tmp_path / "llm.py").write_text(CALLEE)
    for folder in ("pipeline/build", "build/lib/pipeline/build"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "__init__.py").write_text("")
        (tmp_path / folder / "publisher.py").write_text(RUNNER)
    (tmp_path / "pipeline" / "__init__.py").write_text("")
    walked = {os.path.relpath(folder, tmp_path) for folder, _ in walk_project(str(tmp_path))}
    assert walked == {".", "pipeline", os.path.join("pipeline", "build")}
    found = lint_paths([tmp_path], LintSettings(root=tmp_path, cache=False, jobs=1)).findings
    loops = [f for f in found if f.code == "TB401"]
    assert [os.path.relpath(f.path, tmp_path) for f in loops] == ["llm.py"]
    assert os.path.join("pipeline", "build", "publisher.py") + ":4" in loops[0].message
    linted = {os.path.relpath(p, tmp_path) for p in discover([tmp_path], root=tmp_path)}
    assert os.path.join("pipeline", "build", "publisher.py") in linted
    assert not any(p.startswith("build") for p in linted)
    mine = {os.path.relpath(p, tmp_path) for p in discover([tmp_path], root=tmp_path, extend_exclude=("build",))}
    assert mine == {"llm.py", os.path.join("pipeline", "__init__.py")}
