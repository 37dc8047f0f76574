"""A project class that nothing names is never made.

A loop that calls ``llm.generate_text(row)`` on a provider interface (``BaseLLM``) runs the method of
whichever subclass the code made, so TB401 follows such loops down to every subclass that declares
the method (:func:`.callnames.base_methods`). A subclass whose name no file says besides its own
``class`` line (not imported, not called, not listed in a registry dict) is not one of them: a
Claude provider written beside the OpenAI one the factory returns. Classes that can be made without
their name written are left alone: a decorated class (``@register("claude")``), and any class in a
project that says ``__init_subclass__`` or ``__subclasses__`` (registries that collect subclasses).
A name read only from a non-Python config file (a Hydra ``_target_``) is not seen.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from pytest_tokenbudget.lint.callnames import same_file
from pytest_tokenbudget.lint.project_text import mentions, notebooks, py_files
from pytest_tokenbudget.lint.source import FileError, read_file
from pytest_tokenbudget.lint.word_index import project_words

__all__ = ["never_made"]


def never_made(project: Any, path: str, tree: ast.Module, name: str) -> bool:
    """``class name`` of ``tree`` (the module at ``path``) is named by no project file beyond its
    ``class`` line (see the module); asked once per class and run."""
    return bool(project.remember("never_made", (path, name), lambda: _never_made(project, path, tree, name)))


def _never_made(project: Any, path: str, tree: ast.Module, name: str) -> bool:
    cls = next((s for s in tree.body if isinstance(s, ast.ClassDef) and s.name == name), None)
    if cls is None or cls.decorator_list or not project.searchable or py_files(project) is None:
        return False  # (a tree too large to walk: nothing can be said of it)
    if any(not same_file(p, path) for p in project_words(project).get(name) or ()):
        return False  # called, passed or imported elsewhere (its own ``class Name(`` reads as a call)
    if mentions(project, b"__init_subclass__") or mentions(project, b"__subclasses__"):
        return False
    word = re.compile(rb"(?<!\w)" + re.escape(name.encode()) + rb"(?!\w)")
    header = re.compile(rb"\bclass[ \t]+" + re.escape(name.encode()) + rb"(?!\w)")
    for path in py_files(project) or ():  # (not recorded as a byte search: the word index lookup above
        got = read_file(path)  # is, and a warm run re-checks the file when a changed file says the name)
        if isinstance(got, FileError):
            continue
        if name.encode() in got[0] and len(word.findall(got[0])) > len(header.findall(got[0])):
            return False
    for book in notebooks(project) or ():
        got = read_file(book)
        if isinstance(got, FileError) or name.encode() in got[0]:
            return False
    return True
