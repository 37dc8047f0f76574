"""A method called on a plain parameter is the one project class defining that name
(lint/duck_methods.py): found across modules, not guessed when two classes define it, and a file
that does not parse (but says ``def name(``) does not stop the search."""

from __future__ import annotations

from pathlib import Path

from pytest_tokenbudget.lint.api import LintSettings, lint_paths

REGISTRY = '''class Registry:
    def house_rules(self):
        return "Cite the clause and the page for every finding. " * 120
'''
CHAT = '''import anthropic

client = anthropic.Anthropic()


def answer(registry, question):
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=400, system=registry.house_rules(),
                                  messages=[{"role": "user", "content": question}])
'''


def _findings(tmp_path: Path, extra: dict[str, str]) -> list[tuple[str, int, str]]:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    for name, text in {"registry.py": REGISTRY, "chat.py": CHAT, **extra}.items():
        (root / name).write_text(text)
    result = lint_paths([root], LintSettings(root=root, select=("TB101",), cache=False))
    assert not [e for e in result.errors if "chat.py" in str(e)]
    return [(Path(f.path).name, f.line, f.code) for f in result.findings]


def test_the_one_class_defining_the_method_gives_the_prompt(tmp_path: Path):
    assert _findings(tmp_path, {}) == [("chat.py", 7, "TB101")]


def test_a_second_definition_leaves_it_unknown(tmp_path: Path):
    other = "class Other:\n    def house_rules(self):\n        return 'Be brief.'\n"
    assert _findings(tmp_path, {"other.py": other}) == []


def test_a_file_that_does_not_parse_is_passed_over(tmp_path: Path):
    broken = "def house_rules(:\n    return 'x'\n"
    assert _findings(tmp_path, {"broken.py": broken}) == [("chat.py", 7, "TB101")]
