"""A value returned through an interface: ``target: Target`` (a Protocol or an abstract base class)
and ``target.tool_definitions()`` read the project's one implementation (lint.implementations),
through a caller's typed parameter (arguments, self_values.parameter_class)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pytest_tokenbudget.lint.api import LintSettings, lint_paths

TOOL = ('{"name": "search_%d", "description": "Search saved records of kind %d by column filters and return rows.", '
        '"input_schema": {"type": "object", "properties": {"column": {"type": "string", "description": '
        '"The column to filter on, as named in the saved search."}, "value": {"type": "string"}}, '
        '"required": ["column"]}}')

CLIENT = '''
import anthropic


class HarnessClient:
    def __init__(self, client: anthropic.Anthropic | None = None) -> None:
        self._client = client or anthropic.Anthropic()

    def create_message(self, *, messages, tools):
        return self._client.messages.create(model="claude-sonnet-4-6", max_tokens=4096, messages=messages,
                                            tools=tools)
'''
RUNNER = '''
from harness.client import HarnessClient
from harness.target import Target


def run_case(prompt: str, *, target: Target, client: HarnessClient):
    messages = [{"role": "user", "content": prompt}]
    tools = target.tool_definitions()
    for _turn in range(6):
        msg = client.create_message(messages=messages, tools=tools)
        messages.append({"role": "assistant", "content": msg.content})
'''
PROTOCOL = '''
from typing import Protocol


class Target(Protocol):
    name: str

    def tool_definitions(self) -> list[dict]:
        """The tools the model may call."""
        ...
'''
ABSTRACT = '''
from abc import ABC, abstractmethod


class Target(ABC):
    @abstractmethod
    def tool_definitions(self) -> list[dict]:
        raise NotImplementedError
'''


def _implementation(name: str, base: str = "") -> str:
    tools = ", ".join(TOOL % (i, i) for i in range(10))
    head = f"from harness.target import Target\n\n\nclass {name}({base}):" if base else f"class {name}:"
    return f"{head}\n    def tool_definitions(self) -> list[dict]:\n        return [{tools}]\n"


def _project(tmp_path: Path, interface: str, implementations: dict[str, str]) -> list:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'harness'\n")
    pkg = tmp_path / "harness"
    (pkg / "targets").mkdir(parents=True)
    for folder in (pkg, pkg / "targets"):
        (folder / "__init__.py").write_text("")
    (pkg / "client.py").write_text(CLIENT)
    (pkg / "runner.py").write_text(RUNNER)
    (pkg / "target.py").write_text(interface)
    for name, text in implementations.items():
        (pkg / "targets" / name).write_text(textwrap.dedent(text))
    return lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB101",), cache=False)).findings


@pytest.mark.parametrize("interface, base", [(PROTOCOL, ""), (ABSTRACT, "Target")], ids=["protocol", "abc"])
def test_the_one_implementation_of_an_interface_gives_the_tools(tmp_path: Path, interface: str, base: str):
    (finding,) = _project(tmp_path, interface, {"netsuite.py": _implementation("NetsuiteTarget", base)})
    assert finding.path.endswith("client.py") and "(tools, with the 497-token" in finding.message


def test_two_implementations_leave_the_tools_unknown(tmp_path: Path):
    assert _project(tmp_path, PROTOCOL, {"netsuite.py": _implementation("NetsuiteTarget"),
                                         "shopify.py": _implementation("ShopifyTarget")}) == []


def test_a_class_that_does_not_derive_from_the_abstract_base_is_not_its_implementation(tmp_path: Path):
    assert _project(tmp_path, ABSTRACT, {"unrelated.py": _implementation("Catalogue")}) == []


def test_an_implementation_in_a_test_file_does_not_count(tmp_path: Path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "fake_target.py").write_text(_implementation("FakeTarget"))
    assert _project(tmp_path, PROTOCOL, {}) == []
