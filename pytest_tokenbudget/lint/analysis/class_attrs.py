"""Class attributes a request reads through an object: inherited ones, and a constructed object's defaults.

Eval harnesses and agents keep the prompt on a base class (``class BaseJudge: SYSTEM_PROMPT =
"..."``, often in another module) and send it from a subclass's method (``system=self.SYSTEM_PROMPT``).
:func:`inherited_attribute` looks the attribute up in the bases of the method's class, nearest
first, as Python does for a class attribute: a base defined in this file through its scope (and its
own bases in turn), an imported one through the project index (``Module.Class.ATTR``). A base that
sets the attribute on ``self`` gives what it sets when the subclasses in between define no ``__init__``
(the object is built by the base's, as the base's own methods read it: ``self.config = config or
Config()``); a subclass with an ``__init__`` of its own may pass the base other arguments: unknown.

Configuration objects are also made in place and read at once (``cfg = JudgeConfig()`` or
``self.cfg = JudgeConfig()`` in ``__init__``, then ``system=cfg.system_prompt``): a construction
that leaves the field out (no positional argument, no such keyword, no ``**``) reads the class's
default (:func:`constructed_default`): a dataclass or pydantic field, a class attribute, or the one
value ``__init__`` sets (the project index's class attributes for an imported class).
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from pytest_tokenbudget.lint.analysis import crossref
from pytest_tokenbudget.lint.analysis.scopes import ClassRef, ImportRef, Scope, lookup, method_scope
from pytest_tokenbudget.lint.analysis.values import UNKNOWN

__all__ = ["constructed_default", "inherited_attribute"]

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
            bindings = base.scope.self_attrs[attr]
            if "__init__" in cls.bindings or not all(b.kind == "assign" for b in bindings):
                return UNKNOWN  # set from arguments of an __init__ of its own, or not by assignment
            return resolver._bindings_value(bindings, bindings[0].scope or base.scope, depth + 1)
        elif isinstance(base, ClassRef) and attr in base.scope.bindings:
            value = resolver._bindings_value(base.scope.bindings[attr], base.scope, depth + 1)
        elif isinstance(base, ClassRef):
            value = inherited_attribute(resolver, base.scope, attr, depth + 1, level + 1)
        else:
            continue
        if value is not UNKNOWN:
            return value
    return UNKNOWN


def constructed_default(resolver: Any, obj: cst.BaseExpression, attr: str, scope: Scope, depth: int) -> Any:
    """``obj.attr`` where ``obj`` is a local, module or ``self`` attribute assigned once from a
    project class's construction that leaves ``attr`` to its default, or from ``parser.parse_args()``
    (the option's default: ``args.model``); else UNKNOWN."""
    if (option := crossref.cli_option(obj, attr)) is not UNKNOWN:
        return option
    call, where = _construction(resolver, obj, scope, depth)
    if call is None or where is None or any(a.keyword is None or a.keyword.value == attr for a in call.args):
        return UNKNOWN  # a positional argument or ** may set the field: the default is not known to hold
    cls = resolver.expr(call.func, where, depth + 1)
    if isinstance(cls, ImportRef):
        return crossref.imported(cls.attr(attr))
    if not isinstance(cls, ClassRef) or attr in cls.scope.self_attrs:
        return UNKNOWN
    if attr in cls.scope.bindings:
        return resolver._bindings_value(cls.scope.bindings[attr], cls.scope, depth + 1)
    return inherited_attribute(resolver, cls.scope, attr, depth + 1)


def _construction(resolver: Any, obj: cst.BaseExpression, scope: Scope,
                  depth: int) -> tuple[cst.Call | None, Scope | None]:
    """The call ``obj`` was assigned from, once (``cfg = C()``; ``self.cfg = C()``, also in the
    ``__init__`` of a base the class builds with; the fallback of ``self.cfg = cfg or C()``, read like
    ``row.model or "claude-..."``), and its scope."""
    if isinstance(obj, cst.Name):
        found = lookup(obj.value, scope)
        bindings = found[1] if found is not None else []
        if len(bindings) == 1 and bindings[0].kind == "assign" and (call := _made(bindings[0].node)) is not None:
            return call, found[0]  # type: ignore[index]
    elif isinstance(obj, cst.Attribute) and isinstance(obj.value, cst.Name):
        fn = method_scope(scope)
        if fn is not None and fn.owner_class is not None and obj.value.value == fn.self_name:
            bindings = _self_bindings(resolver, fn.owner_class, obj.attr.value, depth)
            if len(bindings) == 1 and bindings[0].kind == "assign" and (call := _made(bindings[0].node)) is not None:
                return call, bindings[0].scope or fn
    return None, None


def _self_bindings(resolver: Any, cls: Scope, attr: str, depth: int, level: int = 0) -> list[Any]:
    """The assignments of ``self.attr`` in the methods of ``cls``, else in those of the nearest base of
    this file that makes them when no class in between defines ``__init__`` (the base's builds it)."""
    if attr in cls.self_attrs:
        return cls.self_attrs[attr]
    if level >= _MAX_LEVELS or "__init__" in cls.bindings or not isinstance(cls.node, cst.ClassDef) \
            or cls.parent is None:
        return []
    for arg in cls.node.bases:
        base = resolver.expr(arg.value, cls.parent, depth + 1)
        if isinstance(base, ClassRef) and (found := _self_bindings(resolver, base.scope, attr, depth + 1, level + 1)):
            return found
    return []


def _made(value: Any) -> cst.Call | None:
    """``C()``, or the ``C()`` of ``cfg or C()``."""
    if isinstance(value, cst.BooleanOperation) and isinstance(value.operator, cst.Or) \
            and isinstance(value.left, cst.Name) and isinstance(value.right, cst.Call):
        return value.right
    return value if isinstance(value, cst.Call) else None
