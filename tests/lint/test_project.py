"""The project index: resolution through other modules and prompt files, on partial and warm runs."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from pytest_tokenbudget.lint.api import LintSettings, lint_paths

PROJECT = Path(__file__).parent / "cases" / "project_prompts"


def _tb101_lines(result) -> set[int]:
    return {f.line for f in result.findings if f.code == "TB101"}


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    shutil.copytree(PROJECT, root)
    return root


def test_a_run_on_one_changed_file_still_resolves_through_the_rest_of_the_project(tmp_path):
    root = _copy(tmp_path)
    whole = lint_paths([root], LintSettings(root=root, select=("TB101",), cache=False))
    one = lint_paths([root / "pkg" / "runner.py"], LintSettings(root=root, select=("TB101",), cache=False))
    # 47 / 80: the static guidelines of review.j2 lead a block that ends with the document
    assert _tb101_lines(one) == _tb101_lines(whole) == {18, 23, 28, 33, 40, 47, 60, 73, 80, 97, 106, 112}


def test_warm_run_rechecks_a_file_when_a_prompt_it_resolved_through_changes(tmp_path):
    root = _copy(tmp_path)
    settings = LintSettings(root=root, select=("TB101",), cache=True)
    cold = lint_paths([root], settings)
    warm = lint_paths([root], settings)
    assert warm.cached == 1 and warm.parsed == 0
    assert _tb101_lines(warm) == _tb101_lines(cold)
    prompts = root / "pkg" / "prompts.py"
    prompts.write_text('SYSTEM = "Be brief."\n\ndef build():\n    return "Rules: " + "clause. " * 1500\n')
    changed = lint_paths([root], settings)
    assert changed.parsed == 1
    # SYSTEM's users (18, 23, 73) and GUIDE's (106) are silent now
    assert _tb101_lines(changed) == {28, 33, 40, 47, 60, 80, 97, 112}
    (root / "pkg" / "prompts" / "system.md").write_text("Short.")
    again = lint_paths([root], settings)
    assert _tb101_lines(again) == {33, 47, 60, 80, 97, 112}  # the Markdown file's readers follow it too


def test_findings_point_at_where_the_prompt_text_lives(tmp_path):
    import json

    from pytest_tokenbudget.lint.formats import render
    from pytest_tokenbudget.lint.rules.registry import registry

    root = _copy(tmp_path)
    result = lint_paths([root / "pkg" / "runner.py"], LintSettings(root=root, select=("TB101",), cache=False))
    by_line = {f.line: f for f in result.findings}
    assert by_line[18].message.endswith("prompts.py:1)") and "prompt defined at " in by_line[18].message
    assert "system.md:1)" in by_line[28].message
    assert "library.json:1)" in by_line[60].message
    rows = {r["line"]: r for r in json.loads(render("json", result, registry()))}
    assert rows[33]["related"] == [{"path": str(root / "pkg" / "prompts.py"), "line": 3,
                                    "message": "prompt defined here"}] or \
        rows[33]["related"][0]["path"].endswith("pkg/prompts.py") and rows[33]["related"][0]["line"] == 3
    sarif = json.loads(render("sarif", result, registry()))
    related = [r.get("relatedLocations") for r in sarif["runs"][0]["results"]  # 47 / 80: templates rendered in place
               if r["locations"][0]["physicalLocation"]["region"]["startLine"] not in (47, 80, 112)]  # 112: in the call
    assert all(related) and related[0][0]["physicalLocation"]["region"] == {"startLine": 1}


def test_the_index_adopts_the_linters_tree_only_for_the_same_bytes(tmp_path):
    import ast

    from pytest_tokenbudget.lint.project import Project

    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    prompts = tmp_path / "prompts.py"
    prompts.write_text('SYSTEM = "from the disk"\n')
    runner = str(tmp_path / "runner.py")
    other = Project(tmp_path)
    other.share_tree(str(prompts), b'SYSTEM = "edited since"\n', ast.parse('SYSTEM = "edited since"\n'))
    assert other.value("prompts.SYSTEM", runner)[0] == "from the disk"  # other bytes: read from the file
    same = Project(tmp_path)
    tree = ast.parse('SYSTEM = "the tree handed over"\n')  # the caller vouches it is the tree of these bytes
    same.share_tree(str(prompts), prompts.read_bytes(), tree)
    assert same.value("prompts.SYSTEM", runner)[0] == "the tree handed over"


def test_a_helper_that_imports_its_prompt_inside_its_body_returns_that_prompt(tmp_path):
    root = tmp_path / "proj"
    (root / "pkg").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "p"\n')
    (root / "pkg" / "__init__.py").write_text("")
    rules = " ".join(f"Rule {i}: cite the passage, name the section and state the clause number." for i in range(90))
    (root / "pkg" / "texts.py").write_text(f'SYSTEM = "You review contracts. {rules}"\n')
    (root / "pkg" / "registry.py").write_text(
        "def system_prompt() -> str:\n    from .texts import SYSTEM  # imported here: no cycle at import time\n\n"
        "    return SYSTEM\n")
    (root / "pkg" / "llm.py").write_text(
        "import anthropic\n\nfrom .registry import system_prompt\n\nclient = anthropic.Anthropic()\n\n\n"
        "def review(text):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=1024,\n"
        "                                  system=system_prompt(), messages=[{'role': 'user', 'content': text}])\n")
    result = lint_paths([root], LintSettings(root=root, select=("TB101",), cache=False))
    assert [(Path(f.path).name, f.line) for f in result.findings] == [("llm.py", 10)]  # the system= line


def test_a_copy_of_an_app_kept_inside_the_repository_imports_its_own_modules(tmp_path):
    from pytest_tokenbudget.lint.project import Project

    # the root's app and a reference copy with its own requirements both have src/prompts.py
    for folder, text in (("", "the root's prompt"), ("reference_copy", "the copy's prompt")):
        (tmp_path / folder / "src").mkdir(parents=True, exist_ok=True)
        (tmp_path / folder / "requirements.txt").write_text("anthropic\n")
        (tmp_path / folder / "src" / "prompts.py").write_text(f'SYSTEM = "{text}"\n')
    project = Project(tmp_path)
    assert project.value("src.prompts.SYSTEM", str(tmp_path / "reference_copy" / "src" / "run.py"))[0] == \
        "the copy's prompt"
    assert project.value("src.prompts.SYSTEM", str(tmp_path / "src" / "run.py"))[0] == "the root's prompt"
    # a package folder without a project marker of its own still resolves from the root
    (tmp_path / "tools").mkdir()
    assert project.value("src.prompts.SYSTEM", str(tmp_path / "tools" / "run.py"))[0] == "the root's prompt"


def _project_with_prompt(tmp_path: Path, file: str, text: str) -> Path:
    """A project folder holding ``file``: ``text`` and ninety rules after it (~2,000 tokens)."""
    root = tmp_path / "proj"
    (root / file).parent.mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "p"\n')
    rules = " ".join(f"Rule {i}: cite the source, name the section and state the figure exactly." for i in range(90))
    (root / file).write_text(f"{text} {rules}\n")
    return root


def test_a_prompt_file_read_in_a_try_is_sent_not_the_fallback_of_its_missing_file_handler(tmp_path):
    # AlvLeoAI: try: agent_prompt = load_prompt("analyst") / except FileNotFoundError: a one-line fallback
    root = _project_with_prompt(tmp_path, "prompts/analyst.md", "You analyse annual reports.")
    (root / "loader.py").write_text(
        "from pathlib import Path\n\nPROMPTS = Path(__file__).parent / 'prompts'\n\n\n"
        "def load_prompt(name):\n    return (PROMPTS / f'{name}.md').read_text()\n")
    app = ("import anthropic\n\nfrom loader import load_prompt\n\nclient = anthropic.Anthropic()\n\n\n"
           "def analyse(report):\n    try:\n        prompt = load_prompt('analyst')\n"
           "    except {error}:\n        prompt = 'You analyse annual reports.'\n"
           "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, system=prompt,\n"
           "                                  messages=[{{'role': 'user', 'content': report}}])\n")
    settings = LintSettings(root=root, select=("TB101",), cache=False)
    (root / "app.py").write_text(app.format(error="FileNotFoundError"))
    found = lint_paths([root], settings).findings
    assert [(Path(f.path).name, f.line) for f in found] == [("app.py", 13)]
    assert "static texts" not in found[0].message  # the file's text is what is sent
    (root / "app.py").write_text(app.format(error="KeyError"))  # not a missing file: either text may be sent
    found = lint_paths([root], settings).findings
    assert [(Path(f.path).name, f.line) for f in found] == [("app.py", 13)]
    assert "one of 2 static texts, the longest this long" in found[0].message


def test_a_prompt_file_read_under_its_own_existence_test_is_the_file(tmp_path):
    # AlvLeoAI: skill = skill_path.read_text() if skill_path.exists() else "", returned as a pair and
    # unpacked by the caller: the file is in the project, so the text is what is sent
    root = _project_with_prompt(tmp_path, "skills/SKILL.md", "Technical analysis skill.")
    loader = ("from pathlib import Path\n\n\ndef load_skill():\n    path = Path('skills/SKILL.md')\n"
              "    skill = path.read_text() if path.{test}() else ''\n    return skill, 'No references.'\n")
    (root / "analyst.py").write_text(
        "import anthropic\n\nfrom loader import load_skill\n\nclient = anthropic.Anthropic()\n\n\n"
        "def analyse(data):\n    skill, refs = load_skill()\n    system = f'You are a price analyst.\\n\\n{skill}\\n\\n{refs}'\n"
        "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=2048, system=system,\n"
        "                                  messages=[{'role': 'user', 'content': data}])\n")
    settings = LintSettings(root=root, select=("TB101",), cache=False)
    for test in ("exists", "is_file"):
        (root / "loader.py").write_text(loader.format(test=test))
        found = lint_paths([root], settings).findings
        assert [(Path(f.path).name, f.code) for f in found] == [("analyst.py", "TB101")]
        assert "static texts" not in found[0].message
    (root / "loader.py").write_text(loader.format(test="is_dir"))  # not the file's own existence test
    found = lint_paths([root], settings).findings  # the file's text or '': the longest counts
    assert [(Path(f.path).name, f.code) for f in found] == [("analyst.py", "TB101")]
    assert "one of 2 static texts" in found[0].message


def test_a_module_loaded_by_its_file_path_resolves_like_an_import(tmp_path):
    """importlib.util.spec_from_file_location + module_from_spec (inline or in a helper, in a
    function or at import): module.TOOL_LIBRARY is the loaded file's list; a warm run follows it."""
    root = tmp_path / "proj"
    shutil.copytree(PROJECT.parent / "project_module_files", root)
    settings = LintSettings(root=root, select=("TB101",), cache=True, cache_dir=tmp_path / "cache")
    cold = lint_paths([root], settings)
    found = {(f.path.rsplit("/", 1)[-1], f.line): f for f in cold.findings}
    assert set(found) == {("compare.py", 23), ("compare.py", 36), ("module_level.py", 20)}
    assert all(f.message.endswith("all_tools.py:18)") and "(prompt defined at " in f.message for f in found.values())
    (root / "tools_library.json").write_text('{"tools": [{"name": "noop", "input_schema": {"type": "object"}}]}')
    assert not lint_paths([root], settings).findings  # the library shrank: every reader follows it


SETTINGS = '''from functools import lru_cache

from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    labeling_model: str = "claude-sonnet-4-5"
    rewrite_model: str = "claude-sonnet-4-5"


@lru_cache
def get_settings():
    return Settings()
'''
USER = '''import anthropic

from app.config import get_settings

client = anthropic.Anthropic()


def run(text):
    return client.messages.create(model=get_settings().{field}, max_tokens=300,
                                  messages=[{{"role": "user", "content": text}}])
'''


def test_each_file_names_where_its_field_of_a_shared_settings_object_is_defined(tmp_path):
    # The index keeps get_settings()'s answer for the run (and in its cache); a file that read it back
    # used to lose where its fields are written, so only the first file checked named its model's line.
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "config.py").write_text(SETTINGS)
    (app / "labeler.py").write_text(USER.format(field="labeling_model"))
    (app / "rewriter.py").write_text(USER.format(field="rewrite_model"))
    expected = {"labeler.py": "app/config.py:7)", "rewriter.py": "app/config.py:8)"}  # (shown from the cwd)
    for cache in (False, True, True):  # cold, then a warm run reading the index back from its cache
        result = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB302",), cache=cache, jobs=1))
        found = {Path(f.path).name: f.message for f in result.findings}
        assert found.keys() == expected.keys()
        for name, origin in expected.items():
            assert re.search(r"\(model defined at \S*" + re.escape(origin), found[name]), found[name]
