"""``ToolDef(name=..., description=..., input_schema={...})``: an instance of a project class declared
by its fields, built in place, read as the dict of its fields.

Agents keep their tool definitions as dataclass instances, one per module, and turn them into the
request's dicts with a comprehension (``[{"name": t.name, ...} for t in tools]``). The evaluator reads
such a construction as ``{field: value}``: keywords, positionals in field order, and for a field left
out its default, evaluated in the class's module: a configuration object built with its defaults
(``Classifier(Config())``, ``system_prompt: str = SYSTEM_PROMPT``) carries the prompt. ``t.name``
on that dict is the field (:mod:`.evaluate`). Only a dataclass, an attrs class, a pydantic model or
a ``NamedTuple`` is read this way (not a pydantic ``BaseSettings``: the environment may override its
defaults), and only without an ``__init__`` of its own: such a class stores what it is given; any
other class may store anything.
"""

from __future__ import annotations

import ast
from typing import Any

from pytest_tokenbudget.lint.analysis.values import UNKNOWN
from pytest_tokenbudget.lint.volatile_calls import module_statement

__all__ = ["built_fields"]

_FIELD_BASES = frozenset({"BaseModel", "NamedTuple"})


def built_fields(index: tuple[Any, Any], q: str, node: ast.Call, args: list[Any], kw: dict[str, Any]) -> dict | None:
    """The fields of ``q(*args, **kw)`` when ``q`` names such a class of the project, else None
    (only a capitalised name is looked up: a class, by its spelling). A field left out holds its
    default, evaluated in the class's module (``system_prompt: str = SYSTEM_PROMPT``)."""
    if not q.rsplit(".", 1)[-1][:1].isupper() \
            or any(isinstance(a, ast.Starred) for a in node.args) \
            or any(k.arg is None for k in node.keywords):
        return None
    found = _field_class(*index, q)
    if found is None:
        return None
    fmod, cls = found
    fields = [(s.target.id, s.value) for s in cls.body if isinstance(s, ast.AnnAssign)
              and isinstance(s.target, ast.Name) and "ClassVar" not in ast.unparse(s.annotation)]
    if len(args) > len(fields) or any(k not in dict(fields) for k in kw):
        return None
    out: dict[str, Any] = {}
    for (name, default), value in zip(fields, [*args, *[None] * (len(fields) - len(args))]):
        if name in kw:
            out[name] = kw[name]
        elif value is not None or len(out) < len(args):
            out[name] = value
        else:
            out[name] = _default(index[0], fmod, default)
    return out


def _default(project: Any, fmod: Any, default: ast.expr | None) -> Any:
    """A left-out field's value: its literal, or its default expression evaluated where the class is
    written (``Field(default=X)`` / ``field(default=X)``: X); a factory or no default: unknown."""
    if default is None or _factory(default):
        return UNKNOWN
    if isinstance(default, ast.Call):  # Field("x"), field(default="x"), Field(default=X, description=...)
        default = default.args[0] if default.args else next(
            (k.value for k in default.keywords if k.arg == "default"), None)
        if default is None:
            return UNKNOWN
    if isinstance(default, ast.Constant):
        return default.value
    return project._evaluator(fmod, {}).expr(default)


def _factory(default: ast.expr) -> bool:
    """``field(default_factory=dict)``: a fresh container per instance, nothing to read."""
    return isinstance(default, ast.Call) and any(k.arg == "default_factory" for k in default.keywords)


def _field_class(project: Any, mod: Any, q: str) -> tuple[Any, ast.ClassDef] | None:
    found = module_statement(project, mod, q)
    cls = found[1] if found is not None and isinstance(found[1], ast.ClassDef) else None
    if cls is None or any(isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == "__init__"
                          for s in cls.body):
        return None
    decorated = any("dataclass" in ast.unparse(d) or ast.unparse(d).endswith(("attr.s", "attrs.define", "define", "frozen"))
                    for d in cls.decorator_list)
    based = any((b.id if isinstance(b, ast.Name) else b.attr if isinstance(b, ast.Attribute) else "") in _FIELD_BASES
                for b in cls.bases)
    return (found[0], cls) if decorated or based else None  # type: ignore[index]
