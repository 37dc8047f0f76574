"""A dict a function fills from the files of a folder (lint/folder_values.py): each file the loop's
pattern matches is one item, a warm run sees a file added to the folder, and a dict the function
changes in any other way is not claimed."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from pytest_tokenbudget.lint.api import LintSettings, lint_paths
from pytest_tokenbudget.lint.folder_values import globbed_dicts

LOADER = '''import json
from pathlib import Path

import anthropic

client = anthropic.Anthropic()
TOOL_DIR = Path(__file__).parent / "tools"


def all_tools():
    tools = {}
    for file in sorted(TOOL_DIR.glob("*.json")):
        tools[file.stem] = json.loads(file.read_text())
    return tools


TOOLS = all_tools()


def ask(question):
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=512, tools=[TOOLS["contract"]],
                                  messages=[{"role": "user", "content": question}])
'''


def _tool(name: str, fields: int) -> str:
    props = {f"field_{i}": {"type": "string", "description": f"Field {i} of the contract, as written."}
             for i in range(fields)}
    return json.dumps({"name": name, "description": "Record the contract.",
                       "input_schema": {"type": "object", "properties": props}})


def test_a_tool_added_to_the_folder_is_seen_by_the_next_warm_run(tmp_path: Path):
    root = tmp_path / "proj"
    (root / "tools").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "p"\n')
    (root / "tools" / "lookup.json").write_text(_tool("lookup", 1))
    (root / "app.py").write_text(LOADER)
    settings = LintSettings(root=root, select=("TB101",), cache=True, cache_dir=tmp_path / "cache")
    assert lint_paths([root], settings).findings == []  # TOOLS["contract"]: no such file yet
    (root / "tools" / "contract.json").write_text(_tool("contract", 60))
    [found] = lint_paths([root], settings).findings  # app.py did not change; the folder did
    assert found.code == "TB101" and found.properties["prefix_tokens"] > 1024


def _filled(src: str, tmp_path: Path) -> dict:
    (tmp_path / "d").mkdir()
    for name in ("a", "b"):
        (tmp_path / "d" / f"{name}.md").write_text(name)
    fn = ast.parse(src).body[0]
    assert isinstance(fn, ast.FunctionDef)
    local = {"out": ast.Dict(keys=[], values=[])}

    def evaluate(env: dict, node: ast.expr):
        if isinstance(node, ast.Name) and node.id == "D":
            from pytest_tokenbudget.lint.file_values import FilePath
            return FilePath(str(tmp_path / "d"))
        if isinstance(node, ast.Attribute) and node.attr == "stem":
            return env["f"].part("stem")
        return "text of " + env["f"].part("name")

    return globbed_dicts(fn, local, str(tmp_path), evaluate)


def test_each_matching_file_is_one_item(tmp_path: Path):
    src = "def f():\n    out = {}\n    for f in D.glob('*.md'):\n        out[f.stem] = load(f)\n    return out\n"
    assert _filled(src, tmp_path) == {"out": {"a": "text of a.md", "b": "text of b.md"}}


def test_a_dict_changed_outside_the_loop_is_not_claimed(tmp_path: Path):
    src = ("def f():\n    out = {}\n    for f in D.glob('*.md'):\n        out[f.stem] = load(f)\n"
           "    out.update(extra)\n    return out\n")
    assert _filled(src, tmp_path) == {}
