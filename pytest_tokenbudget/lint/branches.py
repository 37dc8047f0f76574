"""Which branch of a router a caller's arguments take (for values passed through a wrapper).

A router sends each kind of task to its own provider::

    def route_llm_call(task_type, prompt, max_tokens=None):
        if task_type in ["pitch_block", "score"]:
            return call_openai(prompt, max_tokens=max_tokens)
        elif task_type in ["clarify_question", "generate_email"]:
            return call_claude(prompt, max_tokens=max_tokens)

Only the callers passing ``"clarify_question"`` or ``"generate_email"`` reach ``call_claude``; a
JSON prompt sent with ``"pitch_block"`` goes to the other provider and says nothing about the
Claude request. :func:`branch_tests` lists the ``if`` tests on the way from a call up to its
function (with the truth value the call needs: ``elif`` means the earlier tests were false), and
:func:`reachable` tells whether one caller's values can take that way: False only when a test over
the function's parameters is decided by a known constant (``x == "a"``, ``x in ("a", "b")``,
``x != ...``, ``not in``, ``not``, ``and`` / ``or`` of those; a router by the id's spelling:
``model.startswith("anthropic/")``, ``"claude" in model.lower()``) and goes the other way; anything
it cannot decide counts as reachable.
"""

from __future__ import annotations

import ast
from typing import Any

from pytest_tokenbudget.lint.astwalk import walk

__all__ = ["branch_tests", "reachable", "tested_names"]

Test = tuple[ast.expr, bool]


def branch_tests(call: ast.AST, parents: dict[int, ast.AST], fn: ast.AST) -> list[Test]:
    """The ``if`` / conditional-expression tests on the way from ``call`` up to ``fn``, each with
    the value it must have for the call to run."""
    out: list[Test] = []
    node: ast.AST = call
    while id(node) in parents and node is not fn:
        parent = parents[id(node)]
        if isinstance(parent, ast.If):
            if any(s is node for s in parent.body):
                out.append((parent.test, True))
            elif any(s is node for s in parent.orelse):
                out.append((parent.test, False))
        elif isinstance(parent, ast.IfExp) and node is not parent.test:
            out.append((parent.test, node is parent.body))
        node = parent
    return out


def tested_names(tests: list[Test]) -> set[str]:
    """The plain names the decidable tests compare with constants."""
    out: set[str] = set()
    for test, _ in tests:
        for n in walk(test):
            if isinstance(n, ast.Compare) and isinstance(n.left, ast.Name) and _constants(n.comparators[0]):
                out.add(n.left.id)
            elif (spelled := _spelling_test(n)) is not None:
                out.add(spelled[0])
    return out


_SPELLING = frozenset({"startswith", "endswith"})


def _text_name(node: ast.expr) -> tuple[str, bool] | None:
    """``x`` or ``x.lower()`` / ``x.casefold()``: the parameter's name, and whether it is lowered."""
    if isinstance(node, ast.Name):
        return node.id, False
    if isinstance(node, ast.Call) and not node.args and isinstance(node.func, ast.Attribute) \
            and node.func.attr in ("lower", "casefold") and isinstance(node.func.value, ast.Name):
        return node.func.value.id, True
    return None


def _spelling_test(node: ast.AST) -> tuple[str, bool, str, tuple[str, ...]] | None:
    """``x.startswith(("a", "b"))`` / ``x.endswith("a")`` / ``"a" in x`` (also on ``x.lower()``):
    (name, lowered, how, constants)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _SPELLING \
            and len(node.args) == 1 and not node.keywords and (named := _text_name(node.func.value)) is not None:
        consts = _constants(node.args[0])
        if consts and all(isinstance(c, str) for c in consts):
            return named[0], named[1], node.func.attr, tuple(consts)
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.In, ast.NotIn)) \
            and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str) \
            and (named := _text_name(node.comparators[0])) is not None:
        return named[0], named[1], "in" if isinstance(node.ops[0], ast.In) else "not in", (node.left.value,)
    return None


def reachable(tests: list[Test], values: dict[str, Any]) -> bool:
    """False when a caller's known values (parameter -> value) make some test go the other way."""
    return all(_decide(test, values) is not (not want) for test, want in tests)


def _constants(node: ast.expr) -> list[Any] | None:
    if isinstance(node, ast.Constant):
        return [node.value]
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)) and node.elts and all(
            isinstance(e, ast.Constant) for e in node.elts):
        return [e.value for e in node.elts if isinstance(e, ast.Constant)]
    return None


def _plain(value: Any) -> Any:
    """A caller's value as a Python constant (a complete static text as its string), else None."""
    if isinstance(value, (str, int, float, bool)):
        return str(value) if isinstance(value, str) else value
    from pytest_tokenbudget.lint.analysis.values import is_complete, static_text

    try:
        if is_complete(value):
            text = static_text(value)
            return text if text else None
    except Exception:  # an odd value: undecided
        return None
    return None


def _decide(test: ast.expr, values: dict[str, Any]) -> bool | None:
    """The test's truth for these values, or None when it cannot be told."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = _decide(test.operand, values)
        return None if inner is None else not inner
    if isinstance(test, ast.BoolOp):
        parts = [_decide(v, values) for v in test.values]
        if isinstance(test.op, ast.And):
            return False if False in parts else None if None in parts else True
        return True if True in parts else None if None in parts else False
    if (spelled := _spelling_test(test)) is not None:
        name, lowered, how, consts = spelled
        value = _plain(values.get(name)) if name in values else None
        if not isinstance(value, str):
            return None
        value = value.lower() if lowered else value
        if how in ("in", "not in"):
            return (consts[0] in value) is (how == "in")
        return value.startswith(consts) if how == "startswith" else value.endswith(consts)
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.left, ast.Name)):
        return None
    consts = _constants(test.comparators[0])
    if consts is None or test.left.id not in values:
        return None
    value = _plain(values[test.left.id])
    if value is None:
        return None
    op = test.ops[0]
    if isinstance(op, (ast.In, ast.NotIn)) and not isinstance(test.comparators[0], ast.Constant):
        inside = value in consts
        return inside if isinstance(op, ast.In) else not inside
    if isinstance(op, (ast.Eq, ast.NotEq)) and isinstance(test.comparators[0], ast.Constant):
        same = value == consts[0]
        return same if isinstance(op, ast.Eq) else not same
    return None
