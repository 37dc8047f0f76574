"""TB401 through interfaces and re-exports: a loop holding a provider by its base class (found
through the packages that re-export it, however many) runs the Claude subclass's method."""

from __future__ import annotations

import textwrap
from pathlib import Path

from pytest_tokenbudget.lint.api import LintSettings, lint_paths
from pytest_tokenbudget.lint.callnames import base_methods, exporters, tree_of
from pytest_tokenbudget.lint.project import Project

CLAUDE = '''
import anthropic
from {base_import} import Provider


class Claude(Provider):
    def generate(self, prompt):
        return anthropic.Anthropic().messages.create(
            model="claude-haiku-4-5", max_tokens=200, messages=[{{"role": "user", "content": prompt}}])

    def rename(self, title):
        return anthropic.Anthropic().messages.create(
            model="claude-haiku-4-5", max_tokens=20, messages=[{{"role": "user", "content": title}}])
'''

RUN = '''
from {run_import} import Provider


def run(provider: Provider, rows):
    answers = [provider.generate(r) for r in rows]
    for row in rows:
        provider.rename(row)  # not on the interface: the loop never reaches the subclass's rename
    return answers
'''

FACTORY = "from .claude import Claude\n\n\ndef default_provider():\n    return Claude()\n"


def _project(tmp_path: Path, base_import: str, run_import: str, factory: str | None = FACTORY) -> Path:
    files = {
        "pyproject.toml": '[project]\nname = "kit"\n',
        "kit/__init__.py": "from .providers import Provider\n",
        "kit/providers/__init__.py": "from .base import Provider\n",
        "kit/providers/base.py": "class Provider:\n    def generate(self, prompt):\n        raise NotImplementedError\n",
        "kit/claude.py": CLAUDE.format(base_import=base_import),
        "kit/run.py": RUN.format(run_import=run_import),
        **({"kit/factory.py": factory} if factory is not None else {}),
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text))
    return tmp_path


def _tb401(root: Path) -> set[tuple[str, int]]:
    result = lint_paths([root], LintSettings(root=root, select=("TB401",), cache=False))
    assert not result.errors
    return {(Path(f.path).name, f.line) for f in result.findings}


def test_a_base_imported_through_the_package_that_re_exports_it(tmp_path):
    root = _project(tmp_path, "kit.providers", "kit.providers")
    assert _tb401(root) == {("claude.py", 8)}  # generate; rename is not on the interface


def test_re_exported_twice_and_imported_from_the_top_package(tmp_path):
    root = _project(tmp_path, "kit", "kit")
    assert _tb401(root) == {("claude.py", 8)}


def test_the_exporters_and_the_base_method_are_named(tmp_path):
    root = _project(tmp_path, "kit", "kit")
    project = Project(root)
    base = str(root / "kit/providers/base.py")
    assert exporters(project, base, "Provider") == (str(root / "kit/providers/__init__.py"),
                                                    str(root / "kit/__init__.py"))
    assert exporters(project, base, "Missing") == ()
    claude = str(root / "kit/claude.py")
    assert base_methods(project, claude, tree_of(project, claude), "Claude.generate") == [(base, "Provider.generate")]
    assert base_methods(project, claude, tree_of(project, claude), "Claude.rename") == []


def test_without_the_base_the_loop_is_not_claudes(tmp_path):
    root = _project(tmp_path, "kit", "kit")
    (root / "kit/claude.py").write_text((root / "kit/claude.py").read_text().replace("class Claude(Provider)",
                                                                                     "class Claude"))
    assert _tb401(root) == set()


def test_a_subclass_nothing_names_is_never_made_so_the_interface_loop_never_runs_it(tmp_path):
    root = _project(tmp_path, "kit.providers", "kit.providers", factory=None)
    assert _tb401(root) == set()  # a Claude provider written beside the one the code makes


def test_a_subclass_named_only_in_a_registry_dict_is_made_through_it(tmp_path):
    root = _project(tmp_path, "kit.providers", "kit.providers",
                    factory="from .claude import Claude as C\n\nPROVIDERS = {'claude': C}\n")
    assert _tb401(root) == {("claude.py", 8)}


def test_a_decorated_or_self_registering_subclass_counts_as_made(tmp_path):
    root = _project(tmp_path, "kit.providers", "kit.providers", factory=None)
    claude = root / "kit/claude.py"
    claude.write_text("from kit.registry import register\n" + claude.read_text().replace(
        "class Claude(", "@register\nclass Claude("))
    (root / "kit/registry.py").write_text("def register(cls):\n    return cls\n")
    assert _tb401(root) == {("claude.py", 10)}
    claude.write_text(claude.read_text().replace("@register\n", ""))
    (root / "kit/providers/base.py").write_text(
        "class Provider:\n    def generate(self, prompt):\n        raise NotImplementedError\n\n"
        "    def __init_subclass__(cls, **kw):\n        REGISTRY.append(cls)\n\n\nREGISTRY = []\n")
    assert _tb401(root) == {("claude.py", 9)}
