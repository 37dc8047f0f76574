"""astwalk.walk and child_nodes: ast.walk's nodes in ast.walk's order, without the shared leaves."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from pytest_tokenbudget.lint.astwalk import child_nodes, walk

SHARED = (ast.expr_context, ast.operator, ast.boolop, ast.cmpop, ast.unaryop)

SOURCE = '''
import os, sys as system
from .prompts import SYSTEM as S, USER
global_value: int = 1

def ask(client, *, model="claude-haiku-4-5", **kw) -> str:  # type: ignore
    global global_value
    total = global_value + 2 * -len(kw)
    ok = total > 1 and not (total == 3 or total in (4, 5))
    msg = f"{model!r:>10} {total}"
    match kw:
        case {"x": 1, **rest}: pass
        case Point(x=0, y=[1, *others]) | None as p: pass
        case True: pass
    try:
        out = [c for c in client.messages.create(model=model, system=S, messages=[]).content if c]
    except (ValueError, KeyError) as exc:
        raise RuntimeError(msg) from exc
    lambda a, b=1: a @ b
    async def inner():
        async with client as c, open("f") as fh:
            async for item in c:
                yield await item
    return out[0].text[1:-1:2]

class Asker(Base, metaclass=Meta):
    prompt = S + USER
    del prompt
'''


def _trees() -> list[ast.Module]:
    here = Path(__file__).resolve().parents[2] / "pytest_tokenbudget" / "lint"
    return [ast.parse(SOURCE), *(ast.parse(p.read_text()) for p in sorted(here.glob("*.py"))[:12])]


@pytest.mark.parametrize("tree", _trees())
def test_walk_is_ast_walk_without_the_shared_leaves(tree: ast.Module) -> None:
    expected = [n for n in ast.walk(tree) if not isinstance(n, SHARED)]
    got = list(walk(tree))
    assert len(got) == len(expected)
    assert all(a is b for a, b in zip(got, expected))


@pytest.mark.parametrize("tree", _trees()[:3])
def test_a_module_class_or_function_walked_again_gives_the_same_nodes(tree: ast.Module) -> None:
    """The second walk of a module, class or function is the list kept from the first."""
    roots = [n for n in ast.walk(tree) if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef,
                                                         ast.AsyncFunctionDef))]
    assert len(roots) >= 2
    for root in roots:
        expected = [n for n in ast.walk(root) if not isinstance(n, SHARED)]
        for _ in range(2):
            got = list(walk(root))
            assert len(got) == len(expected) and all(a is b for a, b in zip(got, expected)), ast.dump(root)[:80]


def test_the_walk_skips_every_shared_leaf_and_keeps_every_other_kind_of_node() -> None:
    tree = ast.parse(SOURCE)
    kinds = {type(n) for n in walk(tree)}
    assert not any(issubclass(k, SHARED) for k in kinds)
    everything = {type(n) for n in ast.walk(tree) if not isinstance(n, SHARED)}
    assert kinds == everything
    assert {ast.MatchMapping, ast.MatchClass, ast.MatchSingleton, ast.MatchAs, ast.MatchStar, ast.Global,
            ast.FormattedValue, ast.alias, ast.keyword, ast.arg, ast.ExceptHandler, ast.AsyncWith} <= kinds


def test_child_nodes_are_iter_child_nodes_without_the_shared_leaves() -> None:
    for node in ast.walk(ast.parse(SOURCE)):
        expected = [c for c in ast.iter_child_nodes(node) if not isinstance(c, SHARED)]
        got = child_nodes(node)
        assert len(got) == len(expected) and all(a is b for a, b in zip(got, expected)), ast.dump(node)[:80]
