"""The project functions, in a class's own module or another, that hand out its instances.

Provider-switching code makes its client in a factory module (``adapters/factory.py``:
``def create_adapter(provider) -> ModelAdapter: ... return AnthropicAdapter(model_name)``) and the
callers import only the factory: ``adapter = create_adapter(...)`` then ``adapter.generate(...)``
per item. Such a caller spells neither the class nor its module, so the caller searches
(:mod:`.callsearch` for the values passed, :mod:`.callrefs` for the loops) would never parse it.
:func:`factory_functions` lists the factories (a module-level function with ``return Cls(...)``, or
a method of a factory class, ``ClientFactory.create_client``, found through the word index's callers
of ``Cls``), or one annotated to return the class or a base
class the project defines (``-> VisionProvider``, in a module that names the class: it picks it from a
registry); the searches then also read the files that name a factory's module and the factory, and
:func:`.callnames.imported_factories` makes the variable it fills a receiver of the class's methods.
"""

from __future__ import annotations

import ast
import os
from typing import TYPE_CHECKING

from pytest_tokenbudget.lint.callnames import exporters, module_stem, test_file, tree_of
from pytest_tokenbudget.lint.project_text import files_saying
from pytest_tokenbudget.lint.receivers import annotated_factories, factories, registry_factories
from pytest_tokenbudget.lint.word_index import project_words

if TYPE_CHECKING:
    from pytest_tokenbudget.lint.project import Project

__all__ = ["factory_files", "factory_functions", "factory_words", "project_bases"]

_MAX_FACTORY_FILES = 20  # a class made in more files than this is a value type, not a client


def factory_functions(project: Project, callee_path: str, cls: str) -> tuple[tuple[str, str], ...]:
    """``(path, function)`` for each module-level function (or ``Factory.method`` of a module-level
    class) of another (non-test) project file that returns ``cls(...)``. Listed once per run and class."""
    return project.remember("factory_functions", (callee_path, cls), lambda: _find(project, callee_path, cls))


def factory_files(project: Project, callee_path: str, cls: str) -> list[str]:
    """The factories' modules and the packages that re-export a factory (``adapters/__init__.py``)."""
    made = factory_functions(project, callee_path, cls)
    return list(dict.fromkeys([*(p for p, _ in made), *(w for p, fn in made
                                                        for w in exporters(project, p, fn.split(".")[0]))]))


def factory_words(project: Project, callee_path: str, cls: str) -> list[tuple[bytes, bytes]]:
    """``(module stem, function name)`` of each factory, by its module or a package re-exporting it:
    what a caller's bytes spell when it imports one."""
    return [(module_stem(w).encode(), fn.encode()) for p, fn in factory_functions(project, callee_path, cls)
            for w in [p, *exporters(project, p, fn.split(".")[0])]]


def project_bases(project: Project, callee_path: str, cls: str) -> frozenset[str]:
    """The base classes of ``cls`` that the project itself defines (``class VisionProvider:``, not
    ``BaseModel`` or ``ABC``): a function annotated to return one may hand out ``cls``."""
    return project.remember("project_bases", (callee_path, cls), lambda: _bases(project, callee_path, cls))


def _bases(project: Project, callee_path: str, cls: str) -> frozenset[str]:
    tree = tree_of(project, callee_path)
    node = next((s for s in tree.body if isinstance(s, ast.ClassDef) and s.name == cls), None) if tree else None
    names = {b.id if isinstance(b, ast.Name) else b.attr for b in node.bases
             if isinstance(b, (ast.Name, ast.Attribute))} if node is not None else set()
    return frozenset(b for b in names if files_saying(project, f"class {b}(".encode())
                     or files_saying(project, f"class {b}:".encode()))


def _find(project: Project, callee_path: str, cls: str) -> tuple[tuple[str, str], ...]:
    makers = [os.path.normpath(p) for p in project_words(project).get(cls, [])]
    if os.path.normpath(callee_path) not in makers:  # a registry beside the class: {"a": Cls} names no call
        makers.append(os.path.normpath(callee_path))
    kinds = {cls, *project_bases(project, callee_path, cls)}
    out: list[tuple[str, str]] = []
    for path in makers if len(makers) <= _MAX_FACTORY_FILES else ():
        if test_file(project, path) or path.endswith(".ipynb"):
            continue  # (the class's own module too: ``@lru_cache def get_router() -> Router`` beside it)
        tree = tree_of(project, path)
        if tree is not None:
            out += [(path, fn) for fn in sorted(factories(tree, {cls}) | annotated_factories(tree, kinds))]
    for name in _decorators(project, callee_path, cls):  # @register("claude"): a registry's factories
        for path in files_saying(project, f"def {name}(".encode())[:_MAX_FACTORY_FILES]:
            tree = tree_of(project, path) if not test_file(project, path) else None
            if tree is not None:
                out += [(path, fn) for fn in sorted(registry_factories(tree, name, cls)) if (path, fn) not in out]
    return tuple(out)


def _decorators(project: Project, callee_path: str, cls: str) -> list[str]:
    """The names of the decorators on ``class cls`` (``@register("claude")``, ``@registry.add``)."""
    tree = tree_of(project, callee_path)
    node = next((s for s in tree.body if isinstance(s, ast.ClassDef) and s.name == cls), None) if tree else None
    calls = [d.func if isinstance(d, ast.Call) else d for d in node.decorator_list] if node is not None else []
    return [d.id if isinstance(d, ast.Name) else d.attr for d in calls if isinstance(d, (ast.Name, ast.Attribute))]
