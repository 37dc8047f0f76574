"""Python 3.12 f-strings (PEP 701) linted by any supported interpreter: the file is checked, not
reported as E999, and the project index reads its other names (on 3.10/3.11 through the masked tree)."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from pytest_tokenbudget.lint.api import LintSettings, lint_paths
from pytest_tokenbudget.lint.newsyntax import masked_tree

# a backslash and the f-string's own quotes inside its expressions: Python 3.12 syntax
NEW_FSTRINGS = textwrap.dedent('''
    import anthropic

    ROW = {"name": "x"}
    TITLE = f"{ROW["name"]}: {'\\n'.join(ROW)}"


    def ask(text):
        return anthropic.Anthropic().messages.create(
            model="claude-3-haiku-20240307", max_tokens=100,
            messages=[{"role": "user", "content": f"{TITLE}\\n{text.replace('\\n', ' ')}"}])
    ''')


def test_the_masked_tree_keeps_every_other_node_where_it_was():
    tree = masked_tree(NEW_FSTRINGS)
    assert tree is not None
    title = next(n for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "TITLE")
    assert isinstance(title.value, ast.Name) and title.value.id == "ƒ"  # unknown, not a constant
    call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                and n.func.attr == "create")
    assert (call.lineno, call.end_lineno) == (9, 11)
    assert [k.arg for k in call.keywords] == ["model", "max_tokens", "messages"]


def test_columns_after_a_masked_f_string_count_the_same_bytes():
    line = 'PAIR = (f"{ROW["é"]} ü", 12, f"", F"""\n{ROW["a"]}\n""", "end")\n'
    tree = masked_tree('ROW = {"é": 1, "a": 2}\n\f\n' + line)
    assert tree is not None
    pair = tree.body[1].value
    twelve, empty, end = pair.elts[1], pair.elts[2], pair.elts[4]
    assert twelve.value == 12 and twelve.col_offset == len(line[:line.index("12")].encode())
    assert isinstance(empty, ast.JoinedStr) and empty.values == []  # f"" parses here: not masked
    assert end.value == "end" and end.lineno == 5 and end.col_offset == len('{ROW["a"]}\n""", '.split("\n")[-1])


def test_a_real_syntax_error_is_not_masked():
    assert masked_tree("def f(:\n    return f'{x}'\n") is None
    assert masked_tree("x = (1,\n") is None


def _lint(root: Path) -> tuple[set[tuple[str, int, str]], list]:
    result = lint_paths([root], LintSettings(root=root, select=("TB302",), cache=False))
    return {(Path(f.path).name, f.line, f.code) for f in result.findings}, result.errors


def test_a_file_in_the_new_syntax_is_checked(tmp_path):
    (tmp_path / "ask.py").write_text(NEW_FSTRINGS)
    found, errors = _lint(tmp_path)
    assert not errors  # no E999: the file is valid Python
    assert found == {("ask.py", 10, "TB302")}


def test_the_index_reads_a_module_in_the_new_syntax(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (tmp_path / "settings.py").write_text(
        'ROW = {"name": "x"}\nLABEL = f"{ROW["name"]}"\nMODEL = "claude-3-haiku-20240307"\n')
    (tmp_path / "ask.py").write_text(textwrap.dedent('''
        import anthropic
        from settings import MODEL


        def ask(text):
            return anthropic.Anthropic().messages.create(
                model=MODEL, max_tokens=100, messages=[{"role": "user", "content": text}])
        '''))
    found, errors = _lint(tmp_path)
    assert not errors
    assert found == {("ask.py", 8, "TB302")}


def test_only_the_f_strings_in_the_new_syntax_are_masked():
    """lxndrbukin/Task-Manager-CLI: one f-string nests the f-string's own quotes, the prompt beside it
    is plain 3.11 syntax; masking every f-string hid the prompt's JSON request (TB501) too."""
    text = textwrap.dedent('''
        CONFIG = {"ai": {"provider": "anthropic"}}
        LABEL = f"{CONFIG["ai"]["provider"]}"
        PROMPT = f"Return ONLY valid JSON with the fields {', '.join(['title', 'due'])}."
        ''')
    tree = masked_tree(text)
    assert tree is not None
    label, prompt = (n.value for n in tree.body[1:])
    assert isinstance(label, ast.Name) and label.id == "ƒ"
    assert isinstance(prompt, ast.JoinedStr) and prompt.values[0].value.startswith("Return ONLY valid JSON")
