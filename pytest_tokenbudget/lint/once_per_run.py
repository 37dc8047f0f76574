"""A function a script runs once per process: its request's prefix is never sent twice (TB101).

tychase/prevostgo's ``claude_helper.py`` reads a context file into the prompt, then its main block
asks one question: ``get_claude_help()`` is called once, under ``if __name__ == "__main__":``. The
prefix goes out once per run, and a cache written by one run has expired long before the next
one; a cost reviewer does not count a single-shot script as a caching candidate, and neither does
TB101.

A module-level function runs once per process when no other project file may call it (none that
calls, passes or imports its name, by the word index, also says its module's name, but a copy of
the script defining its own), its own file's code names it once, in a call (not handed to
anything), and that call is module-level code outside any loop (a script's main block), or sits
outside any loop in a function that itself runs once per process (``main()`` called once by the
main block; up to six levels) or in what one command-line invocation runs once (a Django
management command's ``handle``, a click / typer command: natea/world-cup-watch-parties'
``extractwithclaude``). When other modules may call it, the whole project must name it once, in
such a call (JJgithu/faceless-video-network: main block -> ``main`` -> ``run_pipeline`` -> a
stage -> ``generate_hybrid_script`` -> the Claude helper, once a day). A retry loop around a call
does not repeat it (the request goes again only when it failed). A decorated function (a framework
calls it), a file that imports Streamlit (which re-runs the module's code on every interaction) and
a notebook (cells are re-run) never count, nor does anything in a project whose files cannot be
listed.
"""

from __future__ import annotations

import ast
import os
import re
from typing import Any

from pytest_tokenbudget.lint.astwalk import walk
from pytest_tokenbudget.lint.callnames import parents_of, tree_of
from pytest_tokenbudget.lint.importcheck import file_bytes
from pytest_tokenbudget.lint.loopjudge import cli_command
from pytest_tokenbudget.lint.retries import RETRY
from pytest_tokenbudget.lint.word_index import project_words

__all__ = ["runs_once"]

_MAX_LEVELS = 6  # functions above the request: script block -> main -> run_pipeline -> stage -> helper -> wrapper
_REPEATS = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.Lambda,
            ast.ClassDef)
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)


def runs_once(project: Any, path: str, function: str | None, level: int = 0) -> bool:
    """``function`` (a module-level function of ``path``) is called once per process (module docs)."""
    if not function or "." in function or level > _MAX_LEVELS or path.endswith(".ipynb"):
        return False
    if not project.searchable:
        return False  # a lone file: who else calls it cannot be known
    name, here = function.encode(), os.path.normpath(path)
    stem = re.compile(rb"\b" + re.escape(os.path.splitext(os.path.basename(path))[0].encode()) + rb"\b")
    naming = [os.path.normpath(p) for p in project_words(project).get(function, [])]
    data = file_bytes(project, path)
    if data is None or b"streamlit" in data:
        return False
    tree = tree_of(project, path)
    fn = next((s for s in tree.body if isinstance(s, _DEFS) and s.name == function), None) if tree else None
    if fn is None or fn.decorator_list:
        return False
    if any(p != here and _calls_another(project, p, stem, name) for p in naming):
        return _once_in_the_project(project, path, function, level)
    names = [n for n in walk(tree) if isinstance(n, ast.Name) and n.id == function]
    return len(names) == 1 and _called_once(project, path, tree, names[0], parents_of(tree), level)


def _once_in_the_project(project: Any, path: str, function: str, level: int) -> bool:
    """Other modules may call ``function``: once per process when the whole project names it once,
    in a call made once per process (``main.py`` runs ``generate_script(topic)`` once a day)."""
    from pytest_tokenbudget.lint.callrefs import references_with_parents

    found = list(references_with_parents(project, path, function))
    if len(found) != 1 or found[0][0].endswith(".ipynb"):
        return False
    cpath, ctree, node, parents = found[0]
    data = file_bytes(project, cpath)
    return data is not None and b"streamlit" not in data and _called_once(project, cpath, ctree, node, parents, level)


def _called_once(project: Any, path: str, tree: ast.Module, named: ast.expr, parents: dict[int, ast.AST],
                 level: int) -> bool:
    """``named`` is called, outside any loop (a retry loop aside: it repeats one request only when
    it failed), at module level or in a function that runs once per process."""
    node = parents.get(id(named))
    if not (isinstance(node, ast.Call) and node.func is named):
        return False  # (said once, but not as a call: handed to something)
    while id(node) in parents:
        node = parents[id(node)]
        if isinstance(node, _REPEATS) and not _retries(node):
            return False
        if isinstance(node, _DEFS):  # called once in a function: once per process if that function is
            return _command(node, tree) or node in tree.body and runs_once(project, path, node.name, level + 1)
    return True


def _retries(loop: ast.AST) -> bool:
    """``for attempt in range(3)``, ``while retries < n``: the same request again after a failure."""
    if isinstance(loop, (ast.For, ast.AsyncFor)):
        return bool(RETRY.search(ast.unparse(loop.target) + " " + ast.unparse(loop.iter)))
    return isinstance(loop, ast.While) and bool(RETRY.search(ast.unparse(loop.test)))  # (not while True: a REPL)


def _command(fn: ast.FunctionDef | ast.AsyncFunctionDef, tree: ast.Module) -> bool:
    """``fn`` is what one command-line invocation runs once: a Django management command's
    ``handle`` (``class Command(BaseCommand)``), or a click / typer command."""
    if fn.name == "handle":
        cls = next((c for c in tree.body if isinstance(c, ast.ClassDef) and fn in c.body), None)
        bases = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in cls.bases} if cls else set()
        return "BaseCommand" in bases
    return fn in tree.body and cli_command(fn, tree)


def _calls_another(project: Any, path: str, stem: re.Pattern[bytes], name: bytes) -> bool:
    """``path`` (which calls, passes or imports the name) may call the function: it says its
    module's name too (it may import it) and defines no function of that name itself (a copy of the
    script calls its own)."""
    data = file_bytes(project, path)
    return data is None or stem.search(data) is not None and re.search(
        rb"^(?:async\s+)?def\s+" + re.escape(name) + rb"\s*\(", data, re.M) is None
