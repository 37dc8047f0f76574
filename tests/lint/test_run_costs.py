"""What the speed work must not change: the statement walk finds what ``ast.walk`` finds, in its
order, and a lint run leaves the garbage collector as the caller had it."""

from __future__ import annotations

import ast
import gc
import textwrap

from pytest_tokenbudget.lint.api import LintSettings, lint_paths
from pytest_tokenbudget.lint.statements import statements_of

SOURCE = textwrap.dedent("""
    import os
    from . import prompts as p

    x = y = 1

    class C:
        import json
        attr = 2

        def m(self):
            from pkg.mod import f
            self.v = f

    try:
        import anthropic
    except ImportError:
        from openai import OpenAI as anthropic
        fallback = True
    else:
        ok = 1
    finally:
        done = 1

    def outer():
        def inner():
            import re
            return lambda: (z := 3)
        for i in range(3):
            while True:
                with open("f") as fh:
                    import csv
                    a = 1
        async def co():
            async with x as y:
                from .x import q
            async for q in y:
                b = 2

    match x:
        case 1:
            import sys
            c = 3
        case _ if x:
            d = 4
""")


def test_statements_of_finds_every_import_and_assignment_in_ast_walk_order():
    tree = ast.parse(SOURCE)
    walked = list(ast.walk(tree))
    found = statements_of(tree)
    assert found.imports == [n for n in walked if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert found.assigns == [n for n in walked if isinstance(n, ast.Assign)]
    assert len(found.imports) == 10 and len(found.assigns) == 10
    assert statements_of(tree) is found  # kept per tree


def test_lint_run_restores_the_garbage_collector(tmp_path):
    (tmp_path / "app.py").write_text(
        "import anthropic\nclient = anthropic.Anthropic()\n"
        "client.messages.create(model='claude-3-5-sonnet-20240620', max_tokens=10, messages=[])\n")
    before, enabled = gc.get_threshold(), gc.isenabled()
    gc.set_threshold(321, 7, 9)
    try:
        result = lint_paths([tmp_path], LintSettings(root=tmp_path, cache=False))
        assert gc.get_threshold() == (321, 7, 9)
        assert gc.get_freeze_count() == 0
        assert gc.isenabled() == enabled
    finally:
        gc.set_threshold(*before)
    assert result.call_sites == 1
