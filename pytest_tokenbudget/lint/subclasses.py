"""A method called on an instance of a subclass that inherits it.

``class Reviewer(Agent)`` keeps ``Agent.run``; ``reviewer = Reviewer()`` then ``for d in drafts:
reviewer.run(d)`` runs the base's request once per draft. The caller names neither ``Agent`` nor
its module, so the search for ``Agent.run``'s callers would not look there: it also searches the
callers of ``Reviewer.run`` (:func:`inheriting_methods`), for each project subclass (and theirs,
a few levels down) that does not define the method itself. A subclass that overrides the method
sends its own request, which is checked at its own call site.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from pytest_tokenbudget.lint.callnames import class_at, same_file, tree_of
from pytest_tokenbudget.lint.word_index import project_words

if TYPE_CHECKING:
    from pytest_tokenbudget.lint.project import Project

__all__ = ["inheriting_methods"]

_MAX_LEVELS = 3  # subclass generations below the method's class (Agent -> Checker -> Auditor)
_MAX_FILES = 40  # files naming a class read for its subclasses (a name every module passes: left)


def inheriting_methods(project: Project, path: str, function: str) -> list[tuple[str, str]]:
    """``(file, "Sub.m")`` for each project subclass of ``Cls`` (in ``Cls.m``, defined in ``path``)
    that inherits ``m`` as it is; found once per run and method."""
    return project.remember("inheriting", (path, function), lambda: _inheriting(project, path, function))


def _inheriting(project: Project, path: str, function: str) -> list[tuple[str, str]]:
    head, _, meth = function.partition(".")
    if not meth or "." in meth:
        return []
    out: list[tuple[str, str]] = []
    level, seen = [(path, head)], {(path, head)}
    for _ in range(_MAX_LEVELS):
        below: list[tuple[str, str]] = []
        for file, name in level:
            files = project_words(project).get(name) or ()  # ``class Sub(Name):`` reads as passing Name
            for p in files if len(files) <= _MAX_FILES else ():
                tree = tree_of(project, p)
                for cls in _subclasses(project, p, tree, file, name) if tree is not None else ():
                    if (p, cls.name) in seen:
                        continue
                    seen.add((p, cls.name))
                    if any(isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == meth for s in cls.body):
                        continue  # its own method: its own request, and its subclasses inherit that one
                    below.append((p, cls.name))
                    out.append((p, f"{cls.name}.{meth}"))
        level = below
    return out


def _subclasses(project: Project, path: str, tree: ast.Module, base_path: str, base: str) -> list[ast.ClassDef]:
    """The module-level classes of ``tree`` with ``base`` of ``base_path`` among their bases."""
    out = []
    for cls in (s for s in tree.body if isinstance(s, ast.ClassDef)):
        for b in cls.bases:
            found = class_at(project, path, tree, b.id) if isinstance(b, ast.Name) else None
            if found is not None and found[2] == base and same_file(found[0], base_path):
                out.append(cls)
                break
    return out
