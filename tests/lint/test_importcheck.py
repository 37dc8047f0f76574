"""importing: a file is asked through its import lines before it is parsed, whether or not the
project index has read it before (a module whose tree the budget released keeps only its bytes)."""

from __future__ import annotations

import ast

from pytest_tokenbudget.lint.importcheck import importing
from pytest_tokenbudget.lint.project import Project
from pytest_tokenbudget.lint.statements import statements_of
from pytest_tokenbudget.lint.tree_budget import release_old_trees


def _imports_ask(tree: ast.Module) -> str | None:
    """The check the caller searches make: only the import statements decide."""
    names = {a.asname or a.name for n in statements_of(tree).imports if isinstance(n, ast.ImportFrom)
             for a in n.names}
    return "ask" if "ask" in names else None


def _project(tmp_path) -> tuple[Project, str, str]:
    (tmp_path / "client.py").write_text("def ask(q):\n    return q\n")
    caller = tmp_path / "runner.py"
    caller.write_text("from client import ask\n\nfor q in QUESTIONS:\n    ask(q)\n")
    other = tmp_path / "other.py"
    other.write_text("import json\n\nVALUE = json.dumps({'ask': 1})\n" + "X = 1\n" * 200)
    return Project(tmp_path), str(caller), str(other)


def test_a_released_module_that_does_not_import_the_function_is_not_parsed_again(tmp_path):
    project, _, other = _project(tmp_path)
    mod = project._load(other)
    assert mod is not None and mod.parse() is not None  # parsed once (another question asked for it)
    assert release_old_trees(project, budget=0) == 1 and mod.tree is None
    assert importing(project, other, _imports_ask) is None
    assert mod.tree is None  # answered from its import lines: still released


def test_a_module_read_but_never_parsed_is_asked_through_its_import_lines(tmp_path):
    project, _, other = _project(tmp_path)
    mod = project._load(other)  # its bytes read (a digest was asked), no tree yet
    assert mod is not None and mod.tree is None
    assert importing(project, other, _imports_ask) is None
    assert mod.tree is None


def test_a_released_module_that_imports_it_is_parsed_and_answers(tmp_path):
    project, caller, _ = _project(tmp_path)
    mod = project._load(caller)
    mod.parse()
    release_old_trees(project, budget=0)
    got = importing(project, caller, _imports_ask)
    assert got is not None and got[1] == "ask" and got[0] is mod.tree
    assert any(isinstance(n, ast.For) for n in got[0].body)  # the whole file, not its import lines
