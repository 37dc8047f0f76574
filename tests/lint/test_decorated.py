"""Registries a decorator factory fills (``@tool(name=..., ...)`` across tool modules), read by the
project index (lint.decorated), and module-level dicts filled later that are never read as ``{}``."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest

from pytest_tokenbudget.lint.analysis.values import Unknown
from pytest_tokenbudget.lint.api import LintSettings, lint_paths
from pytest_tokenbudget.lint.project import Project

CASE = Path(__file__).parent / "cases" / "project_tool_registry"


@pytest.fixture
def deskbot(tmp_path: Path) -> Path:
    shutil.copytree(CASE, tmp_path / "p", ignore=shutil.ignore_patterns(".tokenbudget_cache"))
    return tmp_path / "p"


def _value(root: Path, dotted: str, *, call: bool = False, cache: Path | None = None) -> object:
    project = Project(root, cache, named=True)
    found = project.value(dotted, str(root / "deskbot" / "brain.py"), call=call)
    project.save()
    return found[0] if found else None


def test_the_registry_holds_one_entry_per_decoration_in_path_and_line_order(deskbot: Path):
    registry = _value(deskbot, "deskbot.tools.REGISTRY")
    assert list(registry) == ["read_file", "write_file", "list_folder", "search_files",  # files.py
                              "web_search", "open_page", "download_file"]  # web.py (absolute import)
    write = registry["write_file"]
    assert write["dangerous"] is True and isinstance(write["fn"], Unknown)  # a default, the decorated function
    assert write["input_schema"]["properties"]["path"]["type"] == "string"  # a module constant of files.py
    assert registry["read_file"]["dangerous"] is False  # the factory's default
    schemas = _value(deskbot, "deskbot.tools.claude_schemas", call=True)
    assert [s["name"] for s in schemas] == list(registry) and set(schemas[0]) == {"name", "description", "input_schema"}


def test_decorations_in_test_files_are_left_out(deskbot: Path):
    (deskbot / "tests").mkdir()
    (deskbot / "tests" / "test_tools.py").write_text(textwrap.dedent('''
        from deskbot.tools import tool

        @tool(name="fake", description="A stub for the tests.", input_schema={"type": "object"})
        async def fake(): ...
    '''))
    assert "fake" not in _value(deskbot, "deskbot.tools.REGISTRY")


@pytest.mark.parametrize("elsewhere", [
    "\ndef forget(name):\n    REGISTRY.pop(name)\n",
    "\ndef add(name, schema):\n    REGISTRY[name] = schema\n",
    "\nREGISTRY.update(EXTRA := {})\n",
])
def test_a_registry_changed_anywhere_else_is_unknown_never_empty(deskbot: Path, elsewhere: str):
    init = deskbot / "deskbot" / "tools" / "__init__.py"
    init.write_text(init.read_text() + elsewhere)
    assert isinstance(_value(deskbot, "deskbot.tools.REGISTRY"), Unknown)


def test_a_dict_a_function_fills_is_unknown_not_its_empty_start(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (tmp_path / "registry.py").write_text("PROMPTS = {}\n\n\ndef register(kind, text):\n    PROMPTS[kind] = text\n"
                                          "\n\nFIXED = {'a': 'b'}\n")
    project = Project(tmp_path, named=True)
    here = str(tmp_path / "app.py")
    assert isinstance(project.value("registry.PROMPTS", here)[0], Unknown)
    assert project.value("registry.FIXED", here)[0] == {"a": "b"}


def test_a_name_defined_in_the_package_init_resolves_through_from_dot_import(deskbot: Path):
    project = Project(deskbot, named=True)
    found = project.value(".tool", str(deskbot / "deskbot" / "tools" / "files.py"))
    assert found is not None and found[1] == os.path.normpath(deskbot / "deskbot" / "tools" / "__init__.py")


def test_the_registry_is_not_kept_in_the_index_cache(deskbot: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    assert len(_value(deskbot, "deskbot.tools.REGISTRY", cache=cache)) == 7
    assert "REGISTRY" not in (cache / "index.json").read_text()  # it depends on files that do not import it


def _prefix(deskbot: Path, cache: Path) -> tuple[int, int]:
    """The TB101 finding's prefix tokens, and how many files the run served from its cache."""
    result = lint_paths([deskbot], LintSettings(root=deskbot, select=("TB101",), cache=True, cache_dir=cache))
    (finding,) = result.findings
    return finding.properties["prefix_tokens"], result.cached


def test_a_warm_run_sees_a_tool_module_added_since(deskbot: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    before, _ = _prefix(deskbot, cache)
    assert _prefix(deskbot, cache) == (before, 1)  # warm, nothing changed: brain.py served from the cache
    (deskbot / "deskbot" / "tools" / "clock.py").write_text(textwrap.dedent('''
        from deskbot.tools import tool

        @tool(name="set_timer", description="Start a countdown timer and say when it rings. " * 8,
              input_schema={"type": "object", "properties": {"seconds": {"type": "integer"}}})
        async def set_timer(seconds): ...
    '''))
    after, cached = _prefix(deskbot, cache)
    assert cached == 0 and after > before + 50
