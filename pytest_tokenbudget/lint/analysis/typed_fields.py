"""A field of a configuration object received as a typed parameter: every value it is built with.

``def __init__(self, config: Config): self.config = config`` and later
``create(model=self.config.claude_model)``: the resolver knows nothing of ``config`` (a parameter),
but its annotation names a class of the project declared by its fields (a dataclass, a pydantic
model or settings class). Every object of that class is made by a construction somewhere in the
project (``Config(claude_model=...)``, ``cls(claude_model=os.getenv("MODEL", "claude-..."))`` in a
``from_env`` classmethod); what those constructions give the field (the field's default when they
leave it out) is every value the request can carry. :func:`typed_field` returns those values
(:func:`..constructions.field_values`), or None when the object's class cannot be told, is not such a
class, or is never constructed in the project. A method of the field class itself reads its own
fields the same way (``self.model`` in ``ClaudeService.send_message``, a dataclass built by its
callers with ``ClaudeService(model=settings.claude_model)``).
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from pytest_tokenbudget.lint.analysis.resolve import Resolver
from pytest_tokenbudget.lint.analysis.scopes import ClassRef, ImportRef, Scope, lookup, method_scope

__all__ = ["typed_field"]


def typed_field(node: cst.Attribute, scope: Scope, resolver: Resolver) -> tuple[Any, ...] | None:
    """The values of ``obj.field`` / ``self.obj.field`` when ``obj`` is a parameter annotated with a
    field class of the project (see the module docstring)."""
    cls = _annotated_class(node.value, scope, resolver)
    if cls is None:
        return None
    from pytest_tokenbudget.lint.arguments import parameter_values
    from pytest_tokenbudget.lint.constructions import field_values
    from pytest_tokenbudget.lint.project import active

    act = active()
    if act is None:
        return None
    values = field_values(act[0], act[1], cls, node.attr.value, parameter_values)
    return tuple(values) if values else None


def _annotated_class(value: Any, scope: Scope, resolver: Resolver) -> str | None:
    """The class ``value`` is annotated with, as a dotted import name or a class of this file."""
    where: Scope | None = scope
    if isinstance(value, cst.Name) and (own := _own_class(value, scope)) is not None:
        return own  # self.model in a method of the field class itself
    if isinstance(value, cst.Attribute) and isinstance(value.value, cst.Name):  # self.config
        fn = method_scope(scope)
        if fn is None or fn.owner_class is None or value.value.value != fn.self_name:
            return None
        bindings = fn.owner_class.self_attrs.get(value.attr.value, [])
        if len(bindings) != 1 or bindings[0].kind != "assign":
            return None
        value, where = bindings[0].node, bindings[0].scope
    built = None
    if isinstance(value, cst.BooleanOperation) and isinstance(value.operator, cst.Or) \
            and isinstance(value.right, cst.Call):  # config or Config(): the default is one more construction
        value, built = value.left, value.right.func
    if not isinstance(value, cst.Name) or where is None:
        return None
    found = lookup(value.value, where)
    if found is None or [b.kind for b in found[1]] != ["param"]:
        return None
    param: cst.Param = found[1][0].node
    annotation = _optional_of(param.annotation.annotation) if param.annotation is not None else None
    if not isinstance(annotation, (cst.Name, cst.Attribute)) or \
            (built is not None and not built.deep_equals(annotation)):
        return None  # not annotated, or the fallback builds another class than the annotation names
    ref = resolver.expr(annotation, found[0].parent or found[0])
    if isinstance(ref, ImportRef):
        return ref.qualname
    if isinstance(ref, ClassRef) and ref.scope.parent is not None and ref.scope.parent.kind == "module":
        return ref.scope.name
    return None


def _own_class(value: cst.Name, scope: Scope) -> str | None:
    """The name of the module-level class whose method reads ``self`` (``value``), when it sets no
    attributes on ``self``: a dataclass's ``self.model`` is what its constructions give the field."""
    fn = method_scope(scope)
    cls = fn.owner_class if fn is not None else None
    if cls is None or value.value != fn.self_name or cls.self_attrs or cls.parent is None \
            or cls.parent.kind != "module":
        return None
    return cls.name


def _optional_of(node: Any) -> Any:
    """``Config`` for ``Optional[Config]`` / ``Config | None`` (None only fails at the attribute)."""
    if isinstance(node, cst.Subscript) and isinstance(node.value, cst.Name) and node.value.value == "Optional" \
            and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
        return node.slice[0].slice.value
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        sides = [n for n in (node.left, node.right) if not (isinstance(n, cst.Name) and n.value == "None")]
        return sides[0] if len(sides) == 1 else None
    return node
