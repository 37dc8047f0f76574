"""``self.model`` in a caller's argument: what the object was built with.

``class App: def __init__(self, model="claude-..."): self.model = model`` and later, in a method,
``Agent(model=self.model)``: the caller search (:mod:`.arguments`) evaluates the argument in the
calling method, where ``self`` is a parameter. When the class sets that attribute once, in
``__init__``, straight from one of its parameters, the attribute holds what the constructions of
the class pass for that parameter (its default for those that leave it out).
:func:`init_attribute` returns that value when every construction in the project gives the same
string, else UNKNOWN (several values, an unknown one, an attribute set elsewhere).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from pytest_tokenbudget.lint.analysis.values import UNKNOWN

if TYPE_CHECKING:
    from pytest_tokenbudget.lint.project import Project

__all__ = ["init_attribute"]


def init_attribute(project: Project, path: str, tree: ast.Module, owner: str | None, attr: str) -> Any:
    """The one value of ``self.attr`` in method ``owner`` (``Class.method``) of the module ``tree``
    at ``path`` (see the module docstring), or UNKNOWN."""
    if not owner or owner.count(".") != 1:
        return UNKNOWN
    cls = next((s for s in tree.body if isinstance(s, ast.ClassDef) and s.name == owner.split(".")[0]), None)
    if cls is None:
        return UNKNOWN
    param = _init_param(cls, attr)
    if param is None:
        return UNKNOWN
    from pytest_tokenbudget.lint.arguments import parameter_values

    found = parameter_values(project, path, f"{cls.name}.__init__", frozenset({param}))
    values = {a.values.get(param, UNKNOWN) for a in found or ()}
    if len(values) != 1:
        return UNKNOWN
    (value,) = values
    return value if isinstance(value, str) else UNKNOWN


def _init_param(cls: ast.ClassDef, attr: str) -> str | None:
    """The ``__init__`` parameter ``self.attr`` is set from, when that is the class's one
    assignment of the attribute."""
    init = next((s for s in cls.body if isinstance(s, ast.FunctionDef) and s.name == "__init__"), None)
    if init is None:
        return None
    sets = [n for n in ast.walk(cls) if isinstance(n, (ast.Assign, ast.AugAssign, ast.AnnAssign))
            and any(_is_self_attr(t, attr) for t in (n.targets if isinstance(n, ast.Assign) else [n.target]))]
    if len(sets) != 1 or not isinstance(sets[0], ast.Assign) or not isinstance(sets[0].value, ast.Name):
        return None
    if not any(sets[0] is n for n in ast.walk(init)):
        return None
    params = {a.arg for a in (*init.args.posonlyargs, *init.args.args, *init.args.kwonlyargs)}
    return sets[0].value.id if sets[0].value.id in params else None


def _is_self_attr(node: Any, attr: str) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == attr and isinstance(node.value, ast.Name) \
        and node.value.id == "self"
