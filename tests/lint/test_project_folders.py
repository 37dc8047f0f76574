"""A folder of projects (``tokenbudget lint ~/src``): each project is indexed apart, so a caller
search, a module lookup or a project-wide byte search never crosses from one repository into another."""

from __future__ import annotations

from pathlib import Path

from pytest_tokenbudget.lint.api import LintSettings, lint_paths

HELPER = '''import anthropic

client = anthropic.Anthropic()


def label(item):
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=64,
                                  messages=[{"role": "user", "content": item}])
'''
ONCE = "from helpers import label\n\nprint(label('one question'))\n"
LOOP = "from helpers import label\n\n\ndef run(items):\n    for item in items:\n        print(label(item))\n"


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def _found(root: Path, **settings) -> set[tuple[str, int, str]]:
    result = lint_paths([root], LintSettings(root=root, select=("TB401",), **{"cache": False, **settings}))
    return {(Path(f.path).resolve().relative_to(root.resolve()).as_posix(), f.line, f.code) for f in result.findings}


def test_a_loop_in_one_repository_is_not_a_caller_of_a_same_named_module_in_another(tmp_path):
    # a/ sends one request; b/ loops over `helpers.label` of a package it installs, not a/helpers.py
    _write(tmp_path, {"a/.gitignore": "", "a/helpers.py": HELPER, "a/app.py": ONCE,
                      "b/requirements.txt": "anthropic\n", "b/main.py": LOOP})
    assert _found(tmp_path) == set()


def test_each_repository_still_finds_its_own_callers(tmp_path):
    _write(tmp_path, {"a/.gitignore": "", "a/helpers.py": HELPER, "a/app.py": ONCE,
                      "b/pyproject.toml": "[project]\nname = 'b'\n", "b/helpers.py": HELPER, "b/main.py": LOOP})
    assert _found(tmp_path) == {("b/helpers.py", 7, "TB401")}
    assert _found(tmp_path / "b") == {("helpers.py", 7, "TB401")}  # the same as linting b/ alone


def test_a_project_folder_inside_a_project_stays_part_of_it(tmp_path):
    # a monorepo: the root is a project, so its package with a pyproject of its own is not split off
    _write(tmp_path, {"pyproject.toml": "[project]\nname = 'mono'\n", "lib/pyproject.toml": "[project]\nname = 'lib'\n",
                      "lib/helpers.py": HELPER, "scripts/batch.py": LOOP.replace("from helpers", "from lib.helpers")})
    assert _found(tmp_path) == {("lib/helpers.py", 7, "TB401")}


def test_processes_see_the_same_projects_as_one_process(tmp_path):
    # enough candidate files for the process pool, whose workers inherit the word index cut per project
    files = {"a/.gitignore": "", "a/helpers.py": HELPER, "a/app.py": ONCE,
             "b/.gitignore": "", "b/helpers.py": HELPER, "b/main.py": LOOP}
    for n in range(8):
        files[f"a/tool{n}.py"] = HELPER.replace("def label", f"def tool{n}")
        files[f"b/tool{n}.py"] = HELPER.replace("def label", f"def tool{n}")
    _write(tmp_path, files)
    serial = _found(tmp_path, jobs=1)
    assert serial == _found(tmp_path, jobs=2) == {("b/helpers.py", 7, "TB401")}


def test_processes_keep_a_project_folder_inside_a_project_in_its_index(tmp_path):
    # the root is a project and scripts/ has a requirements.txt of its own: one index, also in the
    # pool, whose word index must not drop the words of the inner folder's files (it did: they were
    # handed to an index for scripts/ that a project not split never makes)
    files = {"requirements.txt": "anthropic\n", "scripts/requirements.txt": "anthropic\n",
             "scripts/helpers.py": HELPER, "scripts/main.py": LOOP}
    for n in range(8):
        files[f"scripts/tool{n}.py"] = HELPER.replace("def label", f"def tool{n}")
    _write(tmp_path, files)
    assert _found(tmp_path, jobs=1) == _found(tmp_path, jobs=2) == {("scripts/helpers.py", 7, "TB401")}


def test_a_warm_run_sees_a_new_caller_in_the_same_repository(tmp_path):
    _write(tmp_path, {"a/.gitignore": "", "a/helpers.py": HELPER, "a/app.py": ONCE,
                      "b/.gitignore": "", "b/main.py": LOOP})
    cache = {"cache": True, "cache_dir": tmp_path / ".cache"}
    assert _found(tmp_path, **cache) == set()
    assert _found(tmp_path, **cache) == set()  # served from the cache
    _write(tmp_path, {"a/batch.py": LOOP})
    assert _found(tmp_path, **cache) == {("a/helpers.py", 7, "TB401")}


def test_a_repository_met_again_after_another_is_indexed_afresh(tmp_path, monkeypatch):
    # files named in this order: a run leaves a/ for b/ (dropping a/'s index), then comes back to a/
    monkeypatch.chdir(tmp_path)  # (files named one by one: the folder searched is the one linted in)
    _write(tmp_path, {"a/.gitignore": "", "a/first.py": HELPER.replace("def label", "def first"),
                      "a/helpers.py": HELPER, "a/batch.py": LOOP, "b/.gitignore": "", "b/helpers.py": HELPER})
    named = [tmp_path / "a" / "first.py", tmp_path / "b" / "helpers.py", tmp_path / "a" / "helpers.py"]
    result = lint_paths(named, LintSettings(root=tmp_path, select=("TB401",), cache=False, jobs=1))
    assert [(Path(f.path).name, f.line) for f in result.findings] == [("helpers.py", 7)]
    assert Path(result.findings[0].path).parent.name == "a"
