"""A request built as a local dict: when does it provably leave ``stream`` out (TB401 then knows the
reply is one whole message)? And which Protocol classes declare a method (the caller search)."""

from __future__ import annotations

import ast
import textwrap

import pytest

from pytest_tokenbudget.lint.protocols import protocols_declaring
from pytest_tokenbudget.lint.requestdict import stream_left_out

BUILT = """
def chat(messages, system=None):
    params = {"model": "claude-sonnet-4-6", "max_tokens": 100, "messages": messages}
    if system:
        params["system"] = system
    {extra}
    response = client.messages.create(**params)
    return response
"""


def _left_out(extra: str) -> bool:
    src = textwrap.dedent(BUILT).replace("{extra}", extra)
    tree = ast.parse(src)
    line = next(i for i, text in enumerate(src.splitlines(), 1) if ".create(" in text)
    return stream_left_out(tree.body[0], line)


@pytest.mark.parametrize("extra", ["pass", "if 'tools' in params: pass", "print(params.get('model'))",
                                   "del params['system']", "other(**params)"])
def test_constant_keys_without_stream_leave_it_out(extra):
    assert _left_out(extra) is True


@pytest.mark.parametrize("extra", [
    "params['stream'] = True",  # the key itself
    "params[key] = value",  # a computed key may be "stream"
    "params.update(extra)",  # merged keys
    "params.setdefault('x', 1)",
    "tweak(params)",  # handed to a function that may add any key
    "params = {'stream': True}",  # bound twice
    "alias = params",
])
def test_any_key_that_may_be_stream_keeps_it_unknown(extra):
    assert _left_out(extra) is False


def test_dict_merged_from_elsewhere_or_call_with_stream_keyword_stays_unknown():
    merged = ast.parse("def f(base):\n    p = {**base, 'model': 'm'}\n    return c.messages.create(**p)\n")
    assert stream_left_out(merged.body[0], 3) is False
    keyword = ast.parse("def f():\n    p = {'model': 'm'}\n    return c.messages.create(stream=False, **p)\n")
    assert stream_left_out(keyword.body[0], 3) is False
    plain = ast.parse("def f():\n    return c.messages.create(model='m', max_tokens=5, messages=[])\n")
    assert stream_left_out(plain.body[0], 2) is False  # no dict: the resolver's own answer counts


def test_protocols_declaring_a_method():
    tree = ast.parse(textwrap.dedent("""
        import typing
        from typing import Protocol, TypeVar
        T = TypeVar("T")

        class Provider(Protocol):
            def complete(self, system, messages): ...

        class Generic(typing.Protocol[T]):
            async def complete(self, system, messages): ...

        class Other(Protocol):
            def stream(self): ...

        class Concrete:
            def complete(self, system, messages): ...
    """))
    assert protocols_declaring(tree, "complete") == ["Provider", "Generic"]
    assert protocols_declaring(tree, "summarise") == []


def test_a_format_set_one_level_down_in_the_request_dict_is_structured_output():
    # params["output_config"]["format"] = ...: the request is structured (no TB501); an effort set
    # the same way leaves the JSON the prompt asks for unconstrained
    from pathlib import Path

    from pytest_tokenbudget.lint.api import LintSettings, lint_paths

    root = Path(__file__).parent / "cases" / "project_request_dicts"
    result = lint_paths([root], LintSettings(root=root, select=("TB501",), cache=False))
    api = (root / "evals" / "api.py").read_text().splitlines()
    assert [(f.path.rsplit("/", 1)[-1], api[f.line - 1].strip()) for f in result.findings] == [
        ("api.py", "return client.messages.create(**params)  # TB501")]
