"""A package whose ``__init__.py`` rebinds a submodule's name to an object of that submodule.

``config/__init__.py`` saying ``from .settings import settings`` makes ``config.settings`` the
settings *instance*, not the module ``config/settings.py``: ``from config import settings`` then
``settings.model`` reads the instance's field. A search for the longest module prefix of
``config.settings.model`` finds the submodule and looks for a module-level ``model`` in it; when
the submodule has none and the package rebinds its name that way, the name is looked up in
``__init__.py`` instead, which follows the import to the instance (:mod:`.project`).
"""

from __future__ import annotations

import ast
import os
from typing import Any

__all__ = ["reexported"]


def reexported(project: Any, path: str, rest: list[str]) -> tuple[str, list[str]]:
    """``(file, names)`` to look ``rest`` up in: the package's ``__init__.py`` (with the submodule's
    name first) when it rebinds the submodule's name and the submodule has no ``rest[0]``, else as given."""
    stem = os.path.splitext(os.path.basename(path))[0]
    init_path = os.path.join(os.path.dirname(path), "__init__.py")
    if stem == "__init__" or not os.path.isfile(init_path):
        return path, rest
    own = project._load(path)
    if own is None or rest[0].encode() in own.data and (own.parse() is None or rest[0] in own.names):
        return path, rest  # (no mention of the name: no parse)
    project._file_dep(init_path)
    init = project._load(init_path)
    if init is None or stem.encode() not in init.data or init.parse() is None:
        return path, rest
    bound = init.names.get(stem, [])
    if len(bound) == 1 and isinstance(bound[0], ast.ImportFrom) and (bound[0].module or "").rsplit(".", 1)[-1] == stem:
        return init_path, [stem, *rest]
    return path, rest
