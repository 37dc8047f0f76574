"""What ``__init__`` stores on ``self``: the one assignment of an attribute, and its value when no
parameter enters it.

Methods read ``self.prompt_dir`` / ``self.model``; the caller search (:mod:`.self_values`) follows an
attribute set from a parameter to what the constructions pass, and the project index
(:mod:`.self_methods`) reads one set from a fixed expression (``self.prompt_dir =
Path(__file__).parent / "prompts"``) as that expression's value.
"""

from __future__ import annotations

import ast
import weakref
from typing import Any

from pytest_tokenbudget.lint.analysis.values import UNKNOWN
from pytest_tokenbudget.lint.astwalk import walk

__all__ = ["init_assignment", "self_assignments", "static_attribute"]

_SELF_SETS: weakref.WeakKeyDictionary[ast.ClassDef, dict[str, list[Any]]] = weakref.WeakKeyDictionary()


def static_attribute(project: Any, mod: Any, cls: ast.ClassDef, attr: str) -> Any:
    """``self.attr`` that ``__init__`` sets once from an expression none of its parameters enter
    (``self.prompt_dir = Path(__file__).parent / "prompts"``): that expression's value, else UNKNOWN."""
    found = init_assignment(cls, attr)
    if found is None:
        return UNKNOWN
    init, value = found
    a = init.args
    params = {p.arg for p in [*a.posonlyargs, *a.args, *a.kwonlyargs]} | {v.arg for v in (a.vararg, a.kwarg) if v}
    if any(isinstance(n, ast.Name) and n.id in params for n in walk(value)):
        return UNKNOWN
    return project._evaluator(mod, {}).expr(value)


def init_assignment(cls: ast.ClassDef, attr: str) -> tuple[ast.FunctionDef, ast.expr] | None:
    """``__init__`` and the value of ``self.attr = value`` when that is the class's one assignment
    of the attribute and it sits in ``__init__``."""
    init = next((s for s in cls.body if isinstance(s, ast.FunctionDef) and s.name == "__init__"), None)
    if init is None:
        return None
    sets = self_assignments(cls).get(attr, [])
    if len(sets) != 1 or not isinstance(sets[0], ast.Assign) or not any(sets[0] is n for n in walk(init)):
        return None
    return init, sets[0].value


def self_assignments(cls: ast.ClassDef) -> dict[str, list[Any]]:
    """The class's assignments to ``self.<attr>`` by attribute name: one walk per class, not one
    per attribute asked about (the caller search asks about many)."""
    found = _SELF_SETS.get(cls)
    if found is None:
        found = {}
        for n in walk(cls):
            if isinstance(n, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                targets = n.targets if isinstance(n, ast.Assign) else [n.target]
                for attr in dict.fromkeys(t.attr for t in targets if isinstance(t, ast.Attribute)
                                          and isinstance(t.value, ast.Name) and t.value.id == "self"):
                    found.setdefault(attr, []).append(n)
        _SELF_SETS[cls] = found
    return found
