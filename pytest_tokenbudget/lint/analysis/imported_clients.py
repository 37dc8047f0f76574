"""An SDK client made in another module of the project and imported: ``from .llm import client``.

``client = Anthropic(api_key=...)`` at module level in one file and ``client.messages.create(...)``
in the files that import it is a common layout; the resolver sees only an import reference there.
:func:`imported_client` looks the name up in the project index (:mod:`..project`): when the other
module binds it once, at module level, to an SDK client constructor (``anthropic.Anthropic(...)``,
``AsyncAnthropic(...)``, ``openai.OpenAI(base_url=...)``), the name is that client, with the same
facts the resolver reads from a local constructor (async, timeout, a local or Claude API
``base_url``). Anything else (a factory, a conditional, a wrapper) stays an import reference.
"""

from __future__ import annotations

import ast
from typing import Any

import libcst as cst

from pytest_tokenbudget.lint.analysis.scopes import (ClientRef, ImportRef, client_class, host_flags, points_local,
                                                     sets_timeout)
from pytest_tokenbudget.lint.config_values import dotted_name

__all__ = ["imported_client"]


def imported_client(project: Any, qualname: str, from_path: str) -> ClientRef | None:
    """The client ``qualname`` (as ``from_path`` imports it) is bound to in its module, or None."""
    found = project._find_module(qualname, from_path)
    if found is None or len(found[1]) != 1:
        return None
    path, (name,) = found
    mod = project._load(path)
    if mod is None or mod.parse() is None:
        return None
    stmts = mod.names.get(name, [])
    value = stmts[0].value if len(stmts) == 1 and isinstance(stmts[0], (ast.Assign, ast.AnnAssign)) else None
    if not isinstance(value, ast.Call):
        return None
    q = dotted_name(value.func, lambda n: mod.imports.get(n, n))
    cc = client_class(ImportRef(q)) if q else None
    if cc is None:
        return None
    try:
        node = cst.parse_expression(ast.unparse(value))
    except Exception:
        return None
    if not isinstance(node, cst.Call):
        return None
    project._file_dep(path)
    return ClientRef(cc[0], cc[1], cc[1].startswith("Async"), sets_timeout(node), points_local(node),
                     **host_flags(node))
