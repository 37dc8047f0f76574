"""Constructor calls a class receives through its subclasses, for the caller search.

An agent's base class sets ``self.system = system`` in ``__init__`` and sends it; each subclass
hands its own prompt up: ``class Reviewer(Agent): def __init__(self): super().__init__(system=
REVIEWER)``. Those ``super().__init__(...)`` calls are calls of the base class's constructor as much
as ``Agent(system=...)`` is, and so are the constructions of a subclass that defines no ``__init__``
(``Reviewer(system=...)`` runs ``Agent.__init__``). :func:`subclasses_of` finds the module-level
classes of a file naming the base among their bases; :func:`super_init_calls` the calls in a
subclass's ``__init__`` that run the base's.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from pytest_tokenbudget.lint.astwalk import walk

__all__ = ["defines_init", "inherits_init", "subclasses_of", "super_init_calls"]


def subclasses_of(tree: ast.Module, names_base: Callable[[ast.expr], bool]) -> list[ast.ClassDef]:
    """The module-level classes of ``tree`` with a base that ``names_base`` recognises."""
    return [st for st in tree.body if isinstance(st, ast.ClassDef) and any(names_base(b) for b in st.bases)]


def defines_init(cls: ast.ClassDef) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The class's own ``__init__`` (None: it inherits its base's)."""
    return next((s for s in cls.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
                 and s.name == "__init__"), None)


def inherits_init(tree: ast.Module, function: str) -> bool:
    """``function`` is ``Cls.__init__`` of a module-level class of ``tree`` that has bases and no
    ``__init__`` of its own: its constructions run a base's."""
    head, _, rest = function.partition(".")
    cls = next((s for s in tree.body if isinstance(s, ast.ClassDef) and s.name == head), None)
    return rest == "__init__" and cls is not None and bool(cls.bases) and defines_init(cls) is None


def super_init_calls(cls: ast.ClassDef) -> list[ast.Call]:
    """The calls in ``cls.__init__`` that run the base's constructor: ``super().__init__(...)``,
    ``super(Cls, self).__init__(...)``. (``Base.__init__(self, ...)`` passes ``self`` by hand, and
    with several bases ``super()`` may reach another one first: those are left out.)"""
    init = defines_init(cls)
    if init is None or len(cls.bases) != 1:
        return []
    return [n for n in walk(init) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
            and n.func.attr == "__init__" and _is_super(n.func.value, cls.name)]


def _is_super(node: ast.expr, cls: str) -> bool:
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"):
        return False
    return not node.args or (len(node.args) == 2 and isinstance(node.args[0], ast.Name) and node.args[0].id == cls)
