"""The line-pruned walks of the caller searches (lint/callwalk.py) and the byte test that spares a
parse (lint/callsearch.py): each must find exactly what a full walk of the tree finds."""

from __future__ import annotations

import ast
import textwrap

import pytest

from pytest_tokenbudget.lint.callnames import owner_of
from pytest_tokenbudget.lint.callsearch import find_calls
from pytest_tokenbudget.lint.callwalk import named_calls, naming
from pytest_tokenbudget.lint.project import Project

SOURCE = textwrap.dedent('''\
    import functools

    @functools.lru_cache(maxsize=ask(1))
    def top(x):
        return ask(
            x)

    class Agent:
        limit = ask(0)

        @staticmethod
        @wrap(
            ask)
        def run(self, items):
            rows = [self.ask(i) for i in items]
            note = f"{ask(2)} and {ask(3)}" if False else (
                "")
            return [lambda: ask(4) for _ in rows]

        def nested(self):
            def inner():
                return ask(5)
            return inner

    print(other(ask), ask(6))
    ''')


def _full(tree: ast.Module, words: set[str]) -> list[tuple[int, int]]:
    """(line, column) of every call naming a word, in ast.walk order (the reference)."""
    def named(f: ast.expr) -> bool:
        return (isinstance(f, ast.Name) and f.id in words) or (isinstance(f, ast.Attribute) and f.attr in words)

    return [(n.lineno, n.col_offset) for n in ast.walk(tree) if isinstance(n, ast.Call) and named(n.func)]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_named_calls_finds_what_a_full_walk_finds_in_the_same_order(newline):
    source = SOURCE.replace("\n", newline)
    tree = ast.parse(source)
    got = named_calls(tree, source.encode(), frozenset({"ask"}))
    assert [(c.call.lineno, c.call.col_offset) for c in got] == _full(tree, {"ask"})
    assert len(got) == 9  # wrap(ask) passes it: not a call of it


def test_named_calls_names_the_function_holding_each_call():
    tree = ast.parse(SOURCE)
    got = [(c.call.lineno, c.owner, c.in_function) for c in named_calls(tree, SOURCE.encode(), frozenset({"ask"}))]
    parents = {id(c): p for p in ast.walk(tree) for c in ast.iter_child_nodes(p)}
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and (n.lineno, n.col_offset) in _full(tree, {"ask"})]
    assert got == [(n.lineno, owner_of(n, parents), _in_function(n, parents)) for n in calls]
    assert (3, "top", True) in got  # a decorator's argument belongs to the function it decorates
    assert (9, None, False) in got  # a class attribute
    assert (15, "Agent.run", True) in got  # self.ask in a comprehension
    assert (18, None, True) in got  # in a lambda: no owner, but inside a function
    assert (22, None, True) in got  # a nested function
    assert (25, None, False) in got


def _in_function(node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    while id(node) in parents:
        node = parents[id(node)]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return True
    return False


def test_named_calls_without_the_text_walks_everything():
    tree = ast.parse(SOURCE)
    assert [(c.call.lineno, c.call.col_offset) for c in named_calls(tree, None, frozenset({"ask"}))] == \
        _full(tree, {"ask"})
    assert named_calls(tree, b"no such word here", frozenset({"ask"})) == []


def test_naming_finds_names_and_calls_passing_them_with_their_function_parents():
    tree = ast.parse(SOURCE)
    found = naming(tree, SOURCE.encode(), frozenset({"ask"}))
    full_names = [n for n in ast.walk(tree) if (isinstance(n, ast.Name) and n.id == "ask")
                  or (isinstance(n, ast.Attribute) and n.attr == "ask")]
    assert found.names == full_names
    def passes(c: ast.Call) -> bool:
        return any((isinstance(a, ast.Name) and a.id == "ask") or (isinstance(a, ast.Attribute) and a.attr == "ask")
                   for a in [c.func, *c.args, *(k.value for k in c.keywords)])

    assert found.calls == [n for n in ast.walk(tree) if isinstance(n, ast.Call) and passes(n)]
    assert any(isinstance(c.func, ast.Name) and c.func.id == "other" for c in found.calls)  # other(ask)
    parents = {id(c): p for p in ast.walk(tree) for c in ast.iter_child_nodes(p)}
    run = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "run")
    shared = (ast.expr_context, ast.operator, ast.boolop, ast.cmpop, ast.unaryop)  # one instance per tree: no parent
    for node in ast.walk(run):  # complete inside a function holding a match (a loop's iterable too)
        if node is not run and not isinstance(node, shared):
            assert found.parents[id(node)] is parents[id(node)]
    helper = ast.parse("def quiet():\n    return 1\n\ndef loud():\n    return ask()\n")
    few = naming(helper, b"def quiet():\n    return 1\n\ndef loud():\n    return ask()\n", frozenset({"ask"}))
    assert not any(id(n) in few.parents for n in ast.walk(helper.body[0].body[0]))  # never entered


def _write(root, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def test_find_calls_reaches_a_package_init_through_relative_imports_only(tmp_path):
    _write(tmp_path, {
        "pyproject.toml": "[project]\nname = 'x'\n",
        "pkg/__init__.py": "def ask(system):\n    return system\n",
        "pkg/runner.py": "from . import ask\n\ndef go():\n    return ask('be brief')\n",
        "pkg/sub/deep.py": "from .. import *\n\ndef go():\n    return ask('deep')\n",
        "other/elsewhere.py": "def go():\n    return ask('not the same ask')\n",
    })
    project = Project(tmp_path)
    found = find_calls(project, str(tmp_path / "pkg" / "__init__.py"), "ask")
    assert sorted((p.split("/")[-1], c.call.lineno) for c in found for p in [c.path]) == \
        [("deep.py", 4), ("runner.py", 4)]


def test_find_calls_across_a_monorepo_of_packages_with_their_own_pyproject(tmp_path):
    _write(tmp_path, {
        "pyproject.toml": "[project]\nname = 'mono'\n",
        "packages/core/pyproject.toml": "[project]\nname = 'core'\n",
        "packages/core/llmcore/client.py": "class Client:\n    def ask(self, system):\n        return system\n",
        "packages/app/pyproject.toml": "[project]\nname = 'app'\n",
        "packages/app/service/run.py": """\
            from llmcore.client import Client

            def main():
                return Client().ask(system="from the app package")
            """,
        "packages/web/service/views.py": """\
            import llmcore.client as lc

            def handler():
                return lc.Client().ask("from the web package")
            """,
        "packages/cli/tool.py": "def main(bot):\n    return bot.ask('no import of llmcore')\n",
    })
    project = Project(tmp_path)
    found = find_calls(project, str(tmp_path / "packages/core/llmcore/client.py"), "Client.ask")
    assert sorted((c.path.split("/")[-1], c.owner) for c in found) == [("run.py", "main"), ("views.py", "handler")]


def test_a_file_that_does_not_import_the_callee_keeps_only_its_imports(tmp_path):
    from pytest_tokenbudget.lint.importcheck import importing

    _write(tmp_path, {"pyproject.toml": "[project]\nname = 'x'\n",
                      "app/run.py": "import os\nfrom app.llm import ask\n\ndef go():\n    return ask('x')\n"})
    project = Project(tmp_path)
    path = str(tmp_path / "app" / "run.py")
    asked: list[list[str]] = []

    def imports_of(module: str):
        def check(tree: ast.Module):
            names = [ast.unparse(n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
            asked.append(names)
            return names if any(module in n for n in names) else None
        return check

    assert importing(project, path, imports_of("app.other")) is None
    assert path not in project.modules  # the tree is not kept
    assert importing(project, path, imports_of("app.other")) is None  # answered from its imports alone
    assert asked[-1] == ["import os", "from app.llm import ask"]
    tree, names = importing(project, path, imports_of("app.llm"))
    assert names == ["import os", "from app.llm import ask"]
    assert [type(s).__name__ for s in tree.body] == ["Import", "ImportFrom", "FunctionDef"]  # parsed again, whole
    assert project.modules[path].tree is tree


def test_words_inside_longer_identifiers_do_not_count_and_the_calls_match_a_full_walk():
    src = "ask_more(1)\nmask(2)\n_ask(3)\nask(4)\nx.ask (5)\ns = 'ask'\nask2(6)\nf(ask)(7)\n\r\nask(8)\n"
    tree = ast.parse(src)
    words = frozenset({"ask", "ask2"})
    pruned = named_calls(tree, src.encode(), words)
    assert [c.call.lineno for c in pruned] == [4, 5, 7, 10]
    assert [c.call for c in pruned] == [c.call for c in named_calls(tree, None, words)]
