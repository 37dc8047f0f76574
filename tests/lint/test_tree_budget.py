"""The project index keeps a bounded set of ast trees between two files' checks."""

from __future__ import annotations

from pytest_tokenbudget.lint.astwalk import walk
from pytest_tokenbudget.lint.api import LintSettings, lint_paths
from pytest_tokenbudget.lint.project import Project
from pytest_tokenbudget.lint.tree_budget import release_old_trees

PROMPTS = 'SYSTEM = "You are a careful assistant. " * 3\nMODEL = "claude-sonnet-4-5"\n'


def _project(tmp_path) -> Project:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.py").write_text(PROMPTS + f"NAME = {name!r}\n")
    return Project(tmp_path)


def _answers(project: Project, tmp_path) -> list:
    runner = str(tmp_path / "runner.py")
    return [project.value(f"{m}.{n}", runner)[0] for m in ("a", "b", "c") for n in ("SYSTEM", "MODEL", "NAME")]


def test_released_trees_are_parsed_again_with_the_same_answers(tmp_path):
    project = _project(tmp_path)
    first = _answers(project, tmp_path)
    parsed = [m for m in project.modules.values() if m is not None and m.tree is not None]
    assert len(parsed) == 3
    assert release_old_trees(project, budget=0) == 3
    assert all(m.tree is None and not m.names for m in parsed)
    fresh = Project(tmp_path)  # no per-run answer cache: every answer comes from a re-parse
    fresh.modules = project.modules
    assert _answers(fresh, tmp_path) == first
    assert all(m.tree is not None for m in parsed)


def test_the_least_recently_asked_trees_go_first_and_held_trees_stay(tmp_path):
    project = _project(tmp_path)
    _answers(project, tmp_path)
    mods = {m.path.rsplit("/", 1)[-1]: m for m in project.modules.values() if m is not None}
    held = mods["a.py"].tree  # something still holds a's tree (a caller found in it, say)
    mods["b.py"].parse()  # b asked most recently
    size = len(mods["b.py"].data)
    assert release_old_trees(project, budget=2 * size) == 1  # c goes; a is held (and counts); b fits
    assert mods["c.py"].tree is None
    assert mods["a.py"].tree is held and mods["b.py"].tree is not None
    assert release_old_trees(project, budget=10 * size) == 0


def test_a_lint_run_gives_the_same_findings_with_every_tree_released(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "prompts.py").write_text('SYSTEM = "Reply in JSON with keys a and b. " * 40\n')
    for i in range(3):
        (tmp_path / f"run{i}.py").write_text(
            "import anthropic\nfrom prompts import SYSTEM\nclient = anthropic.Anthropic()\n"
            "def go(q):\n    return client.messages.create(model='claude-sonnet-4-5', max_tokens=50000,\n"
            "        system=SYSTEM, messages=[{'role': 'user', 'content': q}])\n")
    kept = lint_paths([tmp_path], LintSettings(root=tmp_path, cache=False, jobs=1))
    monkeypatch.setattr(release_old_trees, "__defaults__", (0,))
    released = lint_paths([tmp_path], LintSettings(root=tmp_path, cache=False, jobs=1))
    assert kept.findings and [f.as_json() for f in released.findings] == [f.as_json() for f in kept.findings]


def test_trees_parsed_after_a_release_are_found_for_the_next_one(tmp_path):
    """Between two checks only the modules parsed since the last release are looked at (not every
    module the run has read): a tree parsed after a release must still be released by the next."""
    project = _project(tmp_path)
    assert release_old_trees(project, budget=0) == 0  # nothing parsed yet
    first = _answers(project, tmp_path)
    assert release_old_trees(project, budget=0) == 3
    assert release_old_trees(project, budget=0) == 0
    fresh = Project(tmp_path)
    fresh.modules = project.modules
    assert _answers(fresh, tmp_path) == first  # parsed again: found by a project that never logged them
    assert release_old_trees(fresh, budget=0) == 3


def test_a_tree_a_caller_search_found_calls_in_is_released_with_that_search(tmp_path):
    """The memoised searches hold the trees they found calls in; releasing such a tree drops those
    searches (the next one asks again and finds the same calls), so memory stays bounded."""
    from pytest_tokenbudget.lint.callsearch import find_calls

    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "helper.py").write_text("def ask(q):\n    return q\n")
    (tmp_path / "runner.py").write_text("from helper import ask\n\nfor q in ['a', 'b']:\n    ask(q)\n")
    project = Project(tmp_path)
    callee = str(tmp_path / "helper.py")

    def where() -> list[tuple[str, int]]:
        return [(c.path.rsplit("/", 1)[-1], c.call.lineno) for c in find_calls(project, callee, "ask")]

    first = where()
    assert first == [("runner.py", 4)]
    runner = project.modules[str(tmp_path / "runner.py")]
    assert runner.tree is not None and project.found_calls
    assert release_old_trees(project, budget=0) >= 1
    assert runner.tree is None and not project.found_calls
    assert where() == first


def test_the_per_tree_indexes_let_go_of_a_released_tree_s_functions(tmp_path):
    """The indexes built over a tree (the env-helper index, a caller's function facts) hold its
    function subtrees, never its root: when the budget releases the tree, its functions are freed
    too (held by the module or the run, they outlived the tree: 88 MB on the real-code tree)."""
    import gc
    import weakref

    from pytest_tokenbudget.lint import arguments, env_helpers

    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "helpers.py").write_text("import os\n\ndef model(default='claude-sonnet-4-5'):\n"
                                         "    return os.getenv('MODEL', default)\n")
    project = Project(tmp_path)
    mod = project._load(str(tmp_path / "helpers.py"))
    tree = mod.parse()
    fn = tree.body[1]
    assert env_helpers._index(tree)[0]["model"] == [fn]
    assert arguments._facts_of(fn, tree) is arguments._facts_of(fn, tree)  # once per function
    assert list(walk(tree)) and list(walk(fn))  # the walks kept on the nodes hold nothing back
    gone = weakref.ref(fn)
    del tree, fn
    assert release_old_trees(project, budget=0) == 1
    gc.collect()
    assert gone() is None


def test_leaving_a_project_of_a_folder_frees_the_trees_the_run_wide_memos_held(tmp_path):
    """Linting a folder of projects, the run moves on from each project: the per-tree memos (a tree's
    shared walk, here) must let go of its trees then, or every project's trees stay alive until the
    run ends (on 200 corpus repositories, -j 1: 278 MB peak, 188 MB with them freed)."""
    import gc
    import weakref

    from pytest_tokenbudget.lint.astwalk import facts_of
    from pytest_tokenbudget.lint.project_set import ProjectSet

    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "pyproject.toml").write_text(f"[project]\nname = '{name}'\n")
        (tmp_path / name / "prompts.py").write_text(PROMPTS)
    projects = ProjectSet(tmp_path, named=True)
    first = projects.for_path(str(tmp_path / "one" / "prompts.py"))
    assert first is not projects.top and first is not projects.for_path(str(tmp_path / "two" / "prompts.py"))
    tree = first._load(str(tmp_path / "one" / "prompts.py")).parse()
    assert facts_of(tree).assigns  # the shared walk now holds the tree
    gone = weakref.ref(tree)
    del tree
    projects.leave(first)
    gc.collect()
    assert gone() is None
