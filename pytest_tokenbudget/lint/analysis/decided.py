"""``a if flag else b`` decided by a setting: the branch the code runs with.

The resolver keeps what both branches of a conditional expression share, which for
``{"cache_control": {...}} if self.enable_cache else None`` is nothing: the marker went unseen.
When the test resolves to a bool from a setting (an instance attribute set from the constructor's
default, a module constant), :func:`decided_branch` gives the branch that runs, as settings'
defaults count everywhere else in the linter. A prompt file read under an existence test
(``path.read_text() if path.exists() else ""``) is the text the linter read: the file exists. A
parameter of the function itself is a per-call choice (its default is one caller's value, not the
setting), so a test naming one stays undecided.
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from pytest_tokenbudget.lint.analysis.scopes import lookup
from pytest_tokenbudget.lint.analysis.values import Text

__all__ = ["UNDECIDED", "decided_branch", "default_client"]


UNDECIDED = object()  # decided_branch: the test is not a known bool


def decided_branch(resolver: Any, node: cst.IfExp, scope: Any, depth: int) -> Any:
    """``a if flag else b`` where ``flag`` resolves to a bool (``self.enable_cache``, set from a
    constructor parameter defaulting to True; a module constant): the branch that runs;
    :data:`UNDECIDED` otherwise. A parameter of the function itself is a per-call choice (its
    default is one caller's value, not the setting), so a test naming one stays undecided."""
    if _exists_test(node.test) and isinstance(read := resolver.expr(node.body, scope, depth + 1), (str, Text)) and read:
        return read  # ``p.read_text() if p.exists() else ""``: the linter read the file, so it exists
    finder = _Names()
    node.test.visit(finder)
    for name in finder.names:
        found = lookup(name, scope)
        if found is not None and name not in (found[0].self_name, "cls") \
                and any(b.kind == "param" for b in found[1]):
            return UNDECIDED
    test = resolver.expr(node.test, scope, depth + 1)
    if not isinstance(test, bool):
        return UNDECIDED
    return resolver.expr(node.body if test else node.orelse, scope, depth + 1)


_EXISTS = frozenset({"exists", "is_file", "isfile"})


def _exists_test(test: cst.BaseExpression) -> bool:
    """``path.exists()``, ``path.is_file()``, ``os.path.exists(path)`` / ``os.path.isfile(path)``."""
    return isinstance(test, cst.Call) and isinstance(test.func, cst.Attribute) and test.func.attr.value in _EXISTS


class _Names(cst.CSTVisitor):
    def __init__(self) -> None:
        self.names: list[str] = []

    def visit_Name(self, node: cst.Name) -> None:
        self.names.append(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)  # self.flag: the base name only
        return False


def default_client(resolver: Any, node: cst.BooleanOperation, scope: Any, depth: int) -> Any:
    """``client or anthropic.Anthropic()``: a client handed in (a stub in tests), else a new one.
    The default says which SDK the code uses, so the value is that client, unless what is handed
    in is known to be another SDK's client; anything else is ``UNKNOWN``."""
    from pytest_tokenbudget.lint.analysis.scopes import ClientRef
    from pytest_tokenbudget.lint.analysis.values import UNKNOWN

    if not isinstance(node.operator, cst.Or):
        return UNKNOWN
    default = resolver.expr(node.right, scope, depth + 1)
    if not isinstance(default, ClientRef):
        return UNKNOWN
    given = resolver.expr(node.left, scope, depth + 1)
    return UNKNOWN if isinstance(given, ClientRef) and given.sdk != default.sdk else default
