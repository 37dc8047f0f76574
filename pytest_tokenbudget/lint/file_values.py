"""The path-like values the evaluator (:mod:`.evaluate`) uses on the way to a file's content.

:class:`FilePath` (``Path(__file__).parent / "prompts"``), :class:`Handle` (``open(p)``),
:class:`JinjaEnv` (``Environment(loader=FileSystemLoader(d))``) and :class:`ModuleFile`: a project
module loaded by its file path, ``importlib.util.spec_from_file_location(name, path)`` then
``module_from_spec(spec)``, as scripts do when the folder's name has a dash in it or each variant
under test is a file. ``module.TOOLS`` is then that file's ``TOOLS``, as an import would give it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pytest_tokenbudget.lint.analysis.values import Text

__all__ = ["FilePath", "Handle", "JinjaEnv", "ModuleFile", "loaded_module", "there"]

_SPEC = "importlib.util.spec_from_file_location"
_FROM_SPEC = "importlib.util.module_from_spec"


@dataclass(frozen=True)
class FilePath:
    path: str

    def part(self, attr: str) -> str | None:
        """``p.name`` / ``p.stem`` / ``p.suffix`` (a file a loop over a folder binds: ``tools[f.stem]``)."""
        name = os.path.basename(self.path)
        return {"name": name, "stem": os.path.splitext(name)[0], "suffix": os.path.splitext(name)[1]}.get(attr)


@dataclass(frozen=True)
class Handle:
    path: str


@dataclass(frozen=True)
class JinjaEnv:
    folder: str | None


@dataclass(frozen=True)
class ModuleFile:
    """A module spec or module made from the Python file at ``path`` (the same thing to the linter)."""

    path: str


def loaded_module(q: str, args: list[Any], as_path: Callable[[Any], FilePath | None]) -> ModuleFile | None:
    """The module ``q(*args)`` makes from a pinned ``.py`` file, else None (a path named on the
    command line or built at run time stays unknown)."""
    if q == _SPEC and len(args) >= 2:
        p = as_path(args[1])
        return ModuleFile(p.path) if p is not None and p.path.endswith(".py") and os.path.isfile(p.path) else None
    if q == _FROM_SPEC and len(args) == 1 and isinstance(args[0], ModuleFile):
        return args[0]
    return None


def there(value: Any) -> bool:
    """What an ``exists()`` test guards holds: text the linter read from the file (so the file is
    there), or a path to a file that is there (``p = A; if not os.path.exists(p): p = B``: A)."""
    if isinstance(value, FilePath):
        return os.path.isfile(value.path)
    return isinstance(value, (str, Text, dict)) and bool(value)
