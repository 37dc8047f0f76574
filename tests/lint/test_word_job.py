"""The word index built in a process of its own while the run reads its files."""

from __future__ import annotations

import os

import pytest

from pytest_tokenbudget.lint.api import LintSettings, lint_paths
from pytest_tokenbudget.lint.word_index import build_word_index
from pytest_tokenbudget.lint.word_job import WordIndexJob


def _boom(arg):
    raise ValueError(f"cannot index {arg}")


def test_the_result_is_what_the_function_returns_in_this_process(tmp_path):
    (tmp_path / "runner.py").write_text("from helper import ask\nfor row in rows:\n    ask(row)\n")
    job = WordIndexJob.start(build_word_index, str(tmp_path))
    assert job.result() == build_word_index(str(tmp_path))


def test_a_failure_in_the_process_is_raised_here_by_computing_it_again():
    job = WordIndexJob.start(_boom, "the root")
    with pytest.raises(ValueError, match="cannot index the root"):
        job.result()


def test_a_cancelled_job_leaves_no_process_behind():
    job = WordIndexJob.start(os.getpid, None)
    job.cancel()
    job.cancel()  # twice is harmless
    assert not [c for c in __import__("multiprocessing").active_children() if c.name == "tokenbudget-word-index"]


def test_a_cold_pooled_run_with_loops_in_callers_finds_them_as_a_serial_run_does(tmp_path):
    """The workers inherit the index built beside the file reading: a loop in another module that
    only the word index leads to is found the same with -j 2 as with -j 1."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "llm.py").write_text(
        "import anthropic\nclient = anthropic.Anthropic()\n"
        "def summarise(text):\n"
        "    return client.messages.create(model='claude-sonnet-4-5', max_tokens=512,\n"
        "        system='You summarise support tickets in two sentences for the on-call engineer.',\n"
        "        messages=[{'role': 'user', 'content': text}])\n")
    (tmp_path / "batch_job.py").write_text(
        "from llm import summarise\nimport csv\n"
        "def main(path):\n    for row in csv.reader(open(path)):\n        print(summarise(row[0]))\n")
    for i in range(8):  # enough candidate files for the process pool
        (tmp_path / f"other{i}.py").write_text((tmp_path / "llm.py").read_text().replace("summarise", f"f{i}"))
    serial = lint_paths([tmp_path], LintSettings(root=tmp_path, cache=False, jobs=1))
    pooled = lint_paths([tmp_path], LintSettings(root=tmp_path, cache=False, jobs=2))
    assert [f.as_json() for f in pooled.findings] == [f.as_json() for f in serial.findings]
    loops = [f for f in serial.findings if f.code == "TB401"]
    assert [(f.path.rsplit("/", 1)[-1], "batch_job.py:4" in f.message) for f in loops] == [("llm.py", True)]


def test_a_folder_of_projects_gets_the_word_index_cut_per_project_by_the_job(tmp_path):
    """The job sends back each project's part (the parent never holds the whole index beside them);
    a project no other file's words reach gets an empty part, not a search of its own later."""
    from pytest_tokenbudget.lint.project_set import ProjectSet

    for name in ("shop", "blog", "quiet"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "requirements.txt").write_text("anthropic\n")
    (tmp_path / "shop" / "run.py").write_text("from llm import summarise\nfor r in rows:\n    summarise(r)\n")
    (tmp_path / "blog" / "run.py").write_text("from llm import summarise\nsummarise(post)\n")
    (tmp_path / "loose.py").write_text("summarise(x)\n")  # outside every project: the root's part
    projects = ProjectSet(tmp_path, named=True)
    files = [str(p) for p in sorted(tmp_path.rglob("*.py"))]
    projects.prepare(files + [str(tmp_path / "quiet" / "main.py")])
    parts = WordIndexJob.start(ProjectSet.word_index_parts, projects).result()
    assert parts == projects.word_index_parts()  # the same computed in the job as here
    assert parts[str(tmp_path / "shop")]["summarise"] == (str(tmp_path / "shop" / "run.py"),)
    assert parts[str(tmp_path / "blog")]["summarise"] == (str(tmp_path / "blog" / "run.py"),)
    assert parts[str(tmp_path)]["summarise"] == (str(tmp_path / "loose.py"),)
    projects.set_word_shelf(projects.shelve_word_index())  # each index reads its part from the run's file
    assert projects.projects[str(tmp_path / "shop")].word_index["summarise"] == (str(tmp_path / "shop" / "run.py"),)
    assert projects.projects[str(tmp_path / "quiet")].word_index == {}
    projects.close()  # (removes the run's word index file)


def test_the_parts_built_per_project_are_the_whole_index_cut_by_project_in_the_same_order(tmp_path):
    from pytest_tokenbudget.lint.project_set import ProjectSet
    from pytest_tokenbudget.lint.word_index import build_word_index_parts

    for name in ("a", "b"):
        (tmp_path / name / "pkg").mkdir(parents=True)
        (tmp_path / name / "setup.py").write_text("")
        for i in range(3):
            (tmp_path / name / "pkg" / f"m{i}.py").write_text(f"from x import ask\nask({i})\nrun(ask, rows)\n")
    (tmp_path / "top.py").write_text("ask(1)\n")
    projects = ProjectSet(tmp_path, named=True)
    parts = build_word_index_parts(str(tmp_path), projects._root_of)
    whole = build_word_index(str(tmp_path))
    roots = {str(tmp_path / "a"), str(tmp_path / "b"), str(tmp_path)}
    assert set(parts) == roots
    for root in roots:
        mine = {w: [f for f in files if projects._root_of(os.path.dirname(f)) == root] for w, files in whole.items()}
        assert parts[root] == {w: files for w, files in mine.items() if files}
    assert len(parts[str(tmp_path / "a")]["ask"]) == 3 and parts[str(tmp_path)]["ask"] == [str(tmp_path / "top.py")]


def test_the_job_sends_each_word_and_each_list_of_files_once_however_many_projects_share_them(tmp_path):
    """A folder of many projects repeats the same words (``print``, ``get``) in every part and names
    the same single file for many words: the parts share those objects, so the run's process (and
    every worker it forks) holds one copy of each."""
    from pytest_tokenbudget.lint.project_set import ProjectSet

    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "setup.py").write_text("")
        (tmp_path / name / "run.py").write_text("from llm import summarise, classify\nsummarise(x)\nclassify(y)\n")
    projects = ProjectSet(tmp_path, named=True)
    parts = WordIndexJob.start(ProjectSet.word_index_parts, projects).result()
    a, b = parts[str(tmp_path / "a")], parts[str(tmp_path / "b")]
    [word_in_a] = [w for w in a if w == "summarise"]
    [word_in_b] = [w for w in b if w == "summarise"]
    assert word_in_a is word_in_b
    assert a["summarise"] == (str(tmp_path / "a" / "run.py"),) and a["summarise"] is a["classify"]
    assert b["summarise"] is b["classify"] and a["summarise"] is not b["summarise"]


def test_the_job_shelves_each_projects_part_and_an_index_reads_only_its_own_when_first_asked(tmp_path):
    """The run's process (and so every worker it forks) holds none of the parts: each index reads
    its own from the shelf file on its first question, and an index made again after the run left
    its project reads it there too."""
    from pytest_tokenbudget.lint.project_set import ProjectSet

    for name in ("shop", "blog"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "requirements.txt").write_text("anthropic\n")
        (tmp_path / name / "run.py").write_text("from llm import summarise\nfor r in rows:\n    summarise(r)\n")
    projects = ProjectSet(tmp_path, named=True)
    projects.prepare([str(p) for p in sorted(tmp_path.rglob("*.py"))])
    assert projects.wants_word_index
    projects.reserve_shelf()
    shelf = WordIndexJob.start(ProjectSet.shelve_word_index, projects).result()
    projects.set_word_shelf(shelf)
    assert not projects.wants_word_index
    shop, blog = projects.projects[str(tmp_path / "shop")], projects.projects[str(tmp_path / "blog")]
    assert shop.has_word_index and shop._index is None and blog._index is None  # nothing read yet
    assert shop.word_index["summarise"] == (str(tmp_path / "shop" / "run.py"),)
    assert blog._index is None
    projects.leave(shop)
    again = projects.for_path(str(tmp_path / "shop" / "run.py"))
    assert again is not shop and again.word_index["summarise"] == (str(tmp_path / "shop" / "run.py"),)
    path = projects.shelf_path
    assert os.path.exists(path)
    projects.close()
    assert not os.path.exists(path)


def test_a_shelf_part_cut_short_is_an_error_not_an_empty_index(tmp_path):
    from pytest_tokenbudget.lint.word_shelf import WordShelf

    shelf = WordShelf.write({"/repo": {"ask": ("/repo/a.py",)}, "/other": {}}, str(tmp_path / "words"))
    assert shelf.part("/repo") == {"ask": ("/repo/a.py",)}
    assert shelf.part("/other") == {} and shelf.part("/nowhere") == {}
    (tmp_path / "words").write_bytes((tmp_path / "words").read_bytes()[:10])
    with pytest.raises(OSError, match="cut short"):
        shelf.part("/repo")


def test_a_pooled_run_leaves_no_word_index_file_behind_even_when_it_fails(tmp_path, monkeypatch):
    import tempfile

    from pytest_tokenbudget.lint import engine

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    for i in range(8):
        (tmp_path / "proj" / f"m{i}.py").write_text(
            f"import anthropic\ndef f{i}(t):\n    return anthropic.Anthropic().messages.create("
            "model='claude-sonnet-4-5', max_tokens=64, messages=[{'role': 'user', 'content': t}])\n")
    settings = LintSettings(root=tmp_path / "proj", cache=False, jobs=2)
    during: list[list[str]] = []
    pool = engine._in_processes

    def watched(*args, **kwargs):
        during.append([p.name for p in (tmp_path / "tmp").iterdir()])
        return pool(*args, **kwargs)

    monkeypatch.setattr(engine, "_in_processes", watched)
    assert lint_paths([tmp_path / "proj"], settings).call_sites == 8
    assert [[n.startswith("tokenbudget-words-") for n in names] for names in during] == [[True]]
    assert list((tmp_path / "tmp").iterdir()) == []

    def broken(*args, **kwargs):
        assert list((tmp_path / "tmp").iterdir())
        raise RuntimeError("the pool broke")

    monkeypatch.setattr(engine, "_in_processes", broken)
    with pytest.raises(RuntimeError, match="the pool broke"):
        lint_paths([tmp_path / "proj"], settings)
    assert list((tmp_path / "tmp").iterdir()) == []
