"""``ToolDef(name=..., description=..., input_schema={...})``: an instance of a project class declared
by its fields, built in place, read as the dict of its fields.

Agents keep their tool definitions as dataclass instances, one per module, and turn them into the
request's dicts with a comprehension (``[{"name": t.name, ...} for t in tools]``). The evaluator reads
such a construction as ``{field: value}``: keywords, positionals in field order, and for a field left
out its default, evaluated in the class's module: a configuration object built with its defaults
(``Classifier(Config())``, ``system_prompt: str = SYSTEM_PROMPT``) carries the prompt. ``t.name``
on that dict is the field (:mod:`.evaluate`). Only a dataclass, an attrs class, a pydantic model, a
pydantic ``BaseSettings`` (its defaults are what runs when the environment sets nothing, as an
``os.getenv`` default is) or a ``NamedTuple`` is read this way, and only without an ``__init__`` of
its own: such a class stores what it is given; any other class may store anything. A field made by
a factory that is a class of the project (``Field(default_factory=ClaudeConfig)``, a nested settings
section) holds that class built with its defaults.
"""

from __future__ import annotations

import ast
from typing import Any

from pytest_tokenbudget.lint.analysis.values import UNKNOWN
from pytest_tokenbudget.lint.volatile_calls import module_statement

__all__ = ["built_fields"]

_FIELD_BASES = frozenset({"BaseModel", "BaseSettings", "NamedTuple"})


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
    fields = [(s.target.id, s.value, s.lineno) for s in cls.body if isinstance(s, ast.AnnAssign)
              and isinstance(s.target, ast.Name) and "ClassVar" not in ast.unparse(s.annotation)]
    if len(args) > len(fields) or any(k not in {f[0] for f in fields} for k in kw):
        return None
    out: dict[str, Any] = {}
    for (name, default, line), value in zip(fields, [*args, *[None] * (len(fields) - len(args))]):
        if name in kw:
            out[name] = kw[name]
        elif value is not None or len(out) < len(args):
            out[name] = value
        else:  # (where the default is written: a finding names it, "stop sequences defined at config.py:11")
            out[name] = index[0]._remember(_default(index[0], fmod, default), fmod.path, line)[0]
    return out


def _default(project: Any, fmod: Any, default: ast.expr | None) -> Any:
    """A left-out field's value: its default expression evaluated where the class is written, which
    reads ``Field(default=X)`` / ``field(default=X)`` as X, ``Field(default_factory=Section)`` as
    ``Section()`` (a nested section of the settings) and ``os.getenv(NAME, X)`` as X
    (:func:`~.config_values.call_default`); a fresh container or no default: unknown."""
    if default is None:
        return UNKNOWN
    if isinstance(default, ast.Constant):
        return default.value
    return project._evaluator(fmod, {}).expr(default)


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
