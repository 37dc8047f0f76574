"""Whether a candidate file imports a function, without keeping the trees of the files that do not.

The caller searches (:mod:`.callsearch`, :mod:`.callers`) parse every file the word index names
and whose bytes spell the callee's module, then ask its import statements whether it reaches the
function; on a tree of unrelated packages (a monorepo, a folder of checkouts) most answer no, yet
the project index kept each of their :mod:`ast` trees for the run (a third of its memory on the
real-code benchmark tree). A file whose tree the index does not hold (never parsed, or released by
:mod:`.tree_budget`) is first asked through the import lines of its bytes (:mod:`.importscan`), and
parsed only when they may import the function: asking only files never read before parsed 7.2 MB of
non-importing files again per serial run of the corpus tree, 7% of its time. A file parsed
for that question alone, that answers no, is dropped from the index again and only its import
statements are kept: the next search asks those first, and parses the file again only when they
may import its function.
"""

from __future__ import annotations

import ast
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from pytest_tokenbudget.lint.importscan import import_stub
from pytest_tokenbudget.lint.source import FileError, read_file
from pytest_tokenbudget.lint.statements import statements_of

if TYPE_CHECKING:
    from pytest_tokenbudget.lint.project import Project

__all__ = ["file_bytes", "importing"]

T = TypeVar("T")


def importing(project: Project, path: str, check: Callable[[ast.Module], T | None]) -> tuple[ast.Module, T] | None:
    """The tree of ``path`` and ``check``'s answer on it (how the file names the function), or None
    when the file cannot be read or parsed or ``check`` says None. ``check`` must read only the
    file's import statements (:func:`.statements.statements_of`) to decide between None and not."""
    stubs: dict[str, ast.Module | None] = project.__dict__.setdefault("import_stubs", {})
    fresh = path not in project.modules
    held = project.modules.get(path)
    if held is None or held.tree is None:  # not parsed, or its tree released: its import lines first
        if path not in stubs and path.endswith(".py"):  # (see .importscan)
            data = held.data if held is not None else file_bytes(project, path)
            stubs[path] = import_stub(data) if data is not None else None
        stub = stubs.get(path)
        if stub is not None and check(stub) is None:
            return None
    mod = project._load(path)
    if mod is None or mod.parse() is None or mod.tree is None:
        return None
    got = check(mod.tree)
    if got is not None:
        return mod.tree, got
    if fresh:  # parsed for this question only: keep its imports, not its tree
        stubs[path] = ast.Module(body=list(statements_of(mod.tree).imports), type_ignores=[])
        del project.modules[path]
    return None


_BYTES_KEPT = 2 << 20  # bytes of recently read files kept per run (the searches re-read a few hot files)


class _Recent(OrderedDict):  # type: ignore[type-arg]
    """path -> bytes, least recently used first, at most ``_BYTES_KEPT`` bytes in all."""

    size = 0

    def add(self, path: str, data: bytes) -> None:
        if len(data) > _BYTES_KEPT // 16:
            return
        self[path] = data
        self.size += len(data)
        while self.size > _BYTES_KEPT:
            self.size -= len(self.popitem(last=False)[1])


def file_bytes(project: Project, path: str) -> bytes | None:
    """The bytes of ``path``, from the project index when it holds the file (without adding it).
    The caller searches ask for the same candidates again and again (18k reads of 1.2k files on
    the 108-repo tree): the recently read ones are kept, within a small budget."""
    mod = project.modules.get(path)
    if mod is not None:
        return mod.data
    recent: _Recent = project.__dict__.setdefault("recent_bytes", _Recent())
    data = recent.get(path)
    if data is not None:
        recent.move_to_end(path)
        return data
    got = read_file(path)
    if isinstance(got, FileError):
        return None
    recent.add(path, got[0])
    return got[0]
