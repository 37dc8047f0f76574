"""Where a project function is named: the candidate files (the word index, then a byte check for
its module), how each names it (its imports), and every expression naming it, with the parent map
of its ancestors. Shared by the loop search (:mod:`.callers`) and the live-work and batching
questions (:mod:`.livework`).
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from pytest_tokenbudget.lint.callnames import Refs, exporters, module_stem, refs_for, rel_path, same_file, \
    test_or_live_file, tree_of
from pytest_tokenbudget.lint.callwalk import Naming, naming
from pytest_tokenbudget.lint.factory_modules import factory_words
from pytest_tokenbudget.lint.importcheck import file_bytes, importing
from pytest_tokenbudget.lint.plugins import loading_files, plugin_function
from pytest_tokenbudget.lint.tree_budget import on_release
from pytest_tokenbudget.lint.word_index import project_words

if TYPE_CHECKING:
    from pytest_tokenbudget.lint.project import Project

__all__ = ["candidates", "naming_of", "recorded_references", "references", "references_with_parents", "refs_in"]

# the web layer's folders (a route there answers a request) and test files (which never make code live)
_WEB_LAYER = re.compile(r"(^|/)(routes|views|endpoints)/")
_TEST_FILE = re.compile(r"(^|/)(tests?|testing)/|(^|/)(test_[^/]*|[^/]*_test|conftest)\.py$")


def naming_of(project: Project, path: str, tree: ast.Module, refs: Refs) -> Naming:
    """The nodes of ``path`` that may name what ``refs`` names (see :func:`.callwalk.naming`)."""
    called = {r.rpartition(".")[2] for r in refs.receivers} if refs.attr == "__call__" else set()  # sampler(x)
    words = frozenset({*refs.names, refs.attr, *called} - {""})
    memo: dict[tuple[str, frozenset[str]], Naming] = project.__dict__.setdefault("namings", {})
    if (path, words) not in memo:
        mod = project._load(path)
        data = mod.data if mod is not None and mod.tree is tree and not path.endswith(".ipynb") else None
        memo[(path, words)] = naming(tree, data, words)
    return memo[(path, words)]


@on_release
def _forget_namings(project: Project, trees: set[int]) -> None:
    """Drop the memoised walks of trees being released (their parent maps hold the whole tree)."""
    table = project.__dict__.get("namings", {})
    for key in [k for k, v in table.items() if getattr(v.parents, "root", None) in trees]:
        del table[key]


def candidates(project: Project, callee_path: str, function: str, web: bool = False) -> list[str]:
    """The callee's own file, and the project files (test suites aside) whose bytes name the function
    and its module (and its class, for a method): the only ones worth parsing. The web layer's
    folders (``routes/``, ``views/``) count only with ``web``: a loop there is not batch work, but a
    route calling the function makes it live work. Listed once per run and function."""
    return project.remember("loop_candidates", (callee_path, function, web),
                            lambda: _list_candidates(project, callee_path, function, web))


def _list_candidates(project: Project, callee_path: str, function: str, web: bool) -> list[str]:
    modules = [module_stem(p).encode() for p in [callee_path, *exporters(project, callee_path, function.split(".")[0])]]
    words = [w.encode() for w in function.split(".")[:-1]]
    out = [callee_path, *(p for p in loading_files(project, callee_path) if not same_file(p, callee_path))]
    plugin = plugin_function(project, callee_path, function)  # (a parameter may hold the module: no name check)
    parts = function.split(".")
    called = parts[-2] if parts[-1] == "__call__" and len(parts) > 1 else parts[-1]  # an instance called: by its class
    made = factory_words(project, callee_path, parts[0]) if len(parts) == 2 else []  # adapter = create_adapter(...)
    for p in project_words(project).get(called, []):
        p = os.path.normpath(p)
        if p in out or same_file(p, callee_path) or (test_or_live_file(project, p) and not (
                web and _WEB_LAYER.search(rel_path(project, p)) and not _TEST_FILE.search(rel_path(project, p)))):
            continue  # a test suite or a web layer looping: not production batch work
        data = file_bytes(project, p)  # read, not kept: most are never parsed
        if data is not None and (plugin or any(m in data for m in modules) and all(w in data for w in words)
                                 or any(m in data and f in data for m, f in made)):
            out.append(p)
    return out

def refs_in(project: Project, path: str, callee_path: str, function: str,
             own: ast.Module | None) -> tuple[ast.Module | None, Refs | None]:
    """The tree of candidate ``path`` and how it names ``function`` of ``callee_path`` (``own``:
    the callee's tree, when ``path`` is its file); (None, None) when it does not import it."""
    if own is not None:
        return own, refs_for(project, own, path, callee_path, function)
    got = importing(project, path, lambda t: refs_for(project, t, path, callee_path, function))
    return got if got is not None else (None, None)


def references(project: Project, path: str, function: str,
               web: bool = False) -> Iterator[tuple[str, ast.Module, ast.expr]]:
    """Every expression in the project (test files aside; the web layer's files with ``web``) that
    names ``function`` of ``path``."""
    for cpath, ctree, node, _ in references_with_parents(project, path, function, web):
        yield cpath, ctree, node


def references_with_parents(project: Project, path: str, function: str,
                web: bool = False) -> Iterator[tuple[str, ast.Module, ast.expr, dict[int, ast.AST]]]:
    """:func:`references`, each with a parent map that holds the expression's ancestors."""
    tree = tree_of(project, path)
    for cpath in candidates(project, path, function, web):
        same = same_file(cpath, path)
        if same and tree is None:
            continue
        ctree, refs = refs_in(project, cpath, path, function, tree if same else None)
        if ctree is None or refs is None:
            continue
        found = naming_of(project, cpath, ctree, refs)
        for node in found.names:
            if refs.refers(node):
                yield cpath, ctree, node, found.parents


def recorded_references(project: Project, path: str, function: str,
                        web: bool = False) -> list[tuple[str, ast.Module, ast.expr, dict[int, ast.AST]]]:
    """:func:`references_with_parents`, listed, with the files holding them recorded as what a cached
    answer about them depends on (a warm run asks again when one of them changes)."""
    found = list(references_with_parents(project, path, function, web))
    for cpath in {c for c, _, _, _ in found}:
        if (digest := project.digest_of(cpath)) is not None:
            project.deps[cpath] = digest
    return found
