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


SPELLING_ROUTER = '''
def get_response(model, prompt):
    if model.startswith("openai/"):
        return openai_response(prompt)
    elif model.startswith(("anthropic/", "claude")):
        return anthropic_response(prompt)
    if "claude" in model.lower() and not model.endswith("-preview"):
        return claude(prompt)
'''


def _spelling_tests(target: str):
    tree = ast.parse(SPELLING_ROUTER)
    fn = tree.body[0]
    parents = {id(c): n for n in ast.walk(tree) for c in ast.iter_child_nodes(n)}
    call = next(n for n in ast.walk(fn) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == target)
    return branch_tests(call, parents, fn)


def test_a_router_by_the_id_s_spelling_is_decided_by_a_caller_s_constant():
    # pelican-arena: gen_prompts passes "openai/gpt-5-...": its JSON prompt never reaches the Anthropic branch
    tests = _spelling_tests("anthropic_response")
    assert compared_names(tests) == {"model"}
    assert not reachable(tests, {"model": "openai/gpt-5-2025-08-07"})
    assert not reachable(tests, {"model": "google/gemini-2.5-pro"})
    assert reachable(tests, {"model": "anthropic/claude-haiku-4-5"})
    assert reachable(tests, {"model": "claude-sonnet-4-6"})
    assert reachable(tests, {"model": object()})  # unknown: reachable
    lowered = _spelling_tests("claude")
    assert reachable(lowered, {"model": "Claude-Sonnet-4-6"})
    assert not reachable(lowered, {"model": "gpt-4o"})
    assert not reachable(lowered, {"model": "claude-x-preview"})
