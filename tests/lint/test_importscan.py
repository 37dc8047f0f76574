"""import_stub: a file's import statements read from its import lines, never fewer than a full parse finds."""

from __future__ import annotations

import ast
import textwrap

import pytest

from pytest_tokenbudget.lint.importscan import import_stub
from pytest_tokenbudget.lint.statements import statements_of


def _imports(tree: ast.AST) -> set[str]:
    return {ast.dump(n) for n in statements_of(tree).imports}


SOURCES = {
    "indented and nested": """
        import os
        def f():
            if True:
                from pkg.client import ask as a
            return a
        class C:
            import json
    """,
    "brackets, comments and backslashes": """
        from pkg.client import (  # the client (see docs)
            ask,
            chat,  # ) not a close
        )
        import pkg.a, \\
            pkg.b
        from . import (x,
        y)
    """,
    "docstring lines that parse": '''
        """Usage:

        import this
        """
        from .llm import ask
    ''',
    "no imports": "x = 1\n",
}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_stub_holds_every_import_a_full_parse_finds(name: str) -> None:
    src = textwrap.dedent(SOURCES[name]).encode()
    stub = import_stub(src)
    assert stub is not None
    assert _imports(ast.parse(src)) <= _imports(stub)
    assert all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in stub.body)


def test_stub_reads_bom_and_old_line_ends() -> None:
    stub = import_stub(b"\xef\xbb\xbfimport os\rfrom pkg.client import ask\r\nx = 1\r")
    assert stub is not None
    assert _imports(stub) == _imports(ast.parse("import os\nfrom pkg.client import ask\n"))


@pytest.mark.parametrize("src", [
    b"try: import pkg.client\nexcept ImportError: pass\n",  # after a compound statement's colon
    b"x = 1; from pkg.client import ask\n",  # after a semicolon
    b'"""\nfrom the manual, page 3\n"""\nimport os\n',  # a prose line that does not parse
])
def test_no_stub_when_the_import_lines_cannot_be_told_apart(src: bytes) -> None:
    assert import_stub(src) is None


def test_a_file_with_no_import_line_has_an_empty_stub() -> None:
    stub = import_stub(b"def f():\n    return 1\n")
    assert stub is not None and stub.body == []
