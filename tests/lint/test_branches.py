"""Router branches: which callers' values reach a call inside ``if task in (...)``."""

from __future__ import annotations

import ast

from pytest_tokenbudget.lint.branches import branch_tests, reachable
from pytest_tokenbudget.lint.branches import tested_names as compared_names

ROUTER = '''
def route(task, prompt, n=None):
    if task in ["score", "rank"]:
        return other(prompt)
    elif task == "clarify" and n != 0:
        return claude(prompt)
    return claude(prompt) if not task in ("a",) else None
'''


def _tests(target_line: int):
    tree = ast.parse(ROUTER)
    fn = tree.body[0]
    parents = {id(c): n for n in ast.walk(tree) for c in ast.iter_child_nodes(n)}
    call = next(n for n in ast.walk(fn) if isinstance(n, ast.Call) and n.lineno == target_line)
    return branch_tests(call, parents, fn)


def test_elif_branch_needs_the_earlier_test_false_and_its_own_true():
    tests = _tests(6)
    assert compared_names(tests) == {"task", "n"}
    assert reachable(tests, {"task": "clarify", "n": 3})
    assert not reachable(tests, {"task": "score"})
    assert not reachable(tests, {"task": "clarify", "n": 0})
    assert not reachable(tests, {"task": "email"})


def test_unknown_values_keep_the_branch_reachable():
    tests = _tests(6)
    assert reachable(tests, {})
    assert reachable(tests, {"task": object()})


def test_conditional_expression_branch():
    tests = _tests(7)
    assert reachable(tests, {"task": "b"})
    assert not reachable(tests, {"task": "a"})
