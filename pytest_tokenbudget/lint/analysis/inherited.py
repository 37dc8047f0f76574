"""``self.SYSTEM_PROMPT`` that a base class binds: the attribute found up the class's bases.

Eval harnesses and agents keep the prompt on a base class (``class BaseJudge: SYSTEM_PROMPT =
"..."``, often in another module) and send it from a subclass's method (``system=self.SYSTEM_PROMPT``).
:func:`inherited_attribute` looks the attribute up in the bases of the method's class, nearest
first, as Python does for a class attribute: a base defined in this file through its scope (and its
own bases in turn), an imported one through the project index (``Module.Class.ATTR``). A base that
sets the attribute on ``self`` (from ``__init__`` arguments, say) keeps it unknown.
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from pytest_tokenbudget.lint.analysis import crossref
from pytest_tokenbudget.lint.analysis.scopes import ClassRef, ImportRef, Scope
from pytest_tokenbudget.lint.analysis.values import UNKNOWN

__all__ = ["inherited_attribute"]

_MAX_LEVELS = 4  # classes up the bases


def inherited_attribute(resolver: Any, cls: Scope, attr: str, depth: int, level: int = 0) -> Any:
    """The value of ``attr`` that only a base class's body of ``cls`` binds, else UNKNOWN."""
    if level >= _MAX_LEVELS or not isinstance(cls.node, cst.ClassDef) or cls.parent is None:
        return UNKNOWN
    for arg in cls.node.bases:
        base = resolver.expr(arg.value, cls.parent, depth + 1)
        if isinstance(base, ImportRef):
            value = crossref.imported(base.attr(attr))
        elif isinstance(base, ClassRef) and attr in base.scope.self_attrs:
            return UNKNOWN
        elif isinstance(base, ClassRef) and attr in base.scope.bindings:
            value = resolver._bindings_value(base.scope.bindings[attr], base.scope, depth + 1)
        elif isinstance(base, ClassRef):
            value = inherited_attribute(resolver, base.scope, attr, depth + 1, level + 1)
        else:
            continue
        if value is not UNKNOWN:
            return value
    return UNKNOWN
