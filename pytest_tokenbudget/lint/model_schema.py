"""``Result.model_json_schema()``: the JSON schema pydantic (v2) makes for a project model, read from
its class statement.

Agents and structured-output code hand a pydantic model's schema to the API as a tool's
``input_schema`` (``{"name": "screen", "input_schema": Result.model_json_schema()}``); the schema of a
model with nested models and described fields is often thousands of characters, the largest static
part of the request. The evaluator (:mod:`.evaluate`) reads it as the dict pydantic would return, so
TB101, TB102 and the estimate count it: properties with their titles, types and ``Field(...)``
settings, ``required``, the docstring as ``description``, nested project models and enums under
``$defs``. A type it does not know becomes ``{}`` and a default it cannot read is left out, so the
schema is never larger than pydantic's; a class that is not (or not provably) a pydantic model, or one
with a ``model_config`` or custom schema hooks that may change the output, is not read at all.
"""

from __future__ import annotations

import ast
import inspect
from typing import Any

from pytest_tokenbudget.lint.volatile_calls import module_statement

__all__ = ["model_schema"]

_MAX_MODELS = 40  # nested models read for one schema (a cycle or a huge graph stops there)
_SCALARS = {"str": {"type": "string"}, "int": {"type": "integer"}, "float": {"type": "number"},
            "bool": {"type": "boolean"}, "bytes": {"format": "binary", "type": "string"},
            "datetime": {"format": "date-time", "type": "string"}, "date": {"format": "date", "type": "string"},
            "time": {"format": "time", "type": "string"}, "UUID": {"format": "uuid", "type": "string"},
            "Any": {}, "object": {}}
_ARRAYS = frozenset({"list", "List", "Sequence", "MutableSequence", "Iterable", "set", "Set", "frozenset",
                     "FrozenSet"})
_MAPPINGS = frozenset({"dict", "Dict", "Mapping", "MutableMapping"})
_BOUNDS = {"ge": "minimum", "gt": "exclusiveMinimum", "le": "maximum", "lt": "exclusiveMaximum",
           "multiple_of": "multipleOf", "pattern": "pattern"}
_SIZES = {"min_length": "min", "max_length": "max"}
_HOOKS = frozenset({"model_config", "Config", "__get_pydantic_json_schema__", "model_json_schema"})


def model_schema(project: Any, path: str, q: str) -> tuple[dict[str, Any], str, int] | None:
    """``q.model_json_schema()`` for the pydantic model ``q`` names in the module at ``path``, and
    where the class is written (path, line); or None."""
    mod = project._load(path)
    if mod is None:
        return None
    mod.parse()
    reader = _Reader(project)
    found = reader.model(mod, q)
    if found is None:
        return None
    schema = reader.defs.pop(found, None)
    if schema is None or reader.top is None:
        return None
    return ({"$defs": dict(sorted(reader.defs.items())), **schema} if reader.defs else schema, *reader.top)


class _Reader:
    def __init__(self, project: Any) -> None:
        self.project = project
        self.defs: dict[str, dict[str, Any]] = {}
        self.reading: set[str] = set()
        self.forbid: dict[str, bool] = {}  # a model whose config says extra="forbid"
        self.top: tuple[str, int] | None = None  # (path, line) of the first model read: the one asked for

    def model(self, mod: Any, q: str) -> str | None:
        """Reads the model ``q`` into :attr:`defs`: its name, or None if it is not one."""
        found = _class(self.project, mod, q)
        if found is None or not self._is_model(*found):
            return None
        fmod, cls = found
        if self.top is None:
            self.top = (fmod.path, cls.lineno)  # where the model asked for is written
        if cls.name in self.defs or cls.name in self.reading:
            return cls.name
        if len(self.defs) + len(self.reading) >= _MAX_MODELS:
            return None
        self.reading.add(cls.name)
        try:
            body = self._model_body(fmod, cls)
        finally:
            self.reading.discard(cls.name)
        if body is None:
            return None
        self.defs[cls.name] = body
        return cls.name

    def _is_model(self, fmod: Any, cls: ast.ClassDef, depth: int = 0) -> bool:
        for base in cls.bases:
            name = ast.unparse(base)
            if name in ("BaseModel", "pydantic.BaseModel"):
                return True
            found = _class(self.project, fmod, name) if depth < 5 else None
            if found is not None and self._is_model(*found, depth + 1):
                return True
        return False

    def _model_body(self, fmod: Any, cls: ast.ClassDef) -> dict[str, Any] | None:
        fields = self._fields(fmod, cls)
        if fields is None:
            return None
        props: dict[str, Any] = {}
        required: list[str] = []
        for name, annotation, default in fields:
            prop = self._field(fmod, name, annotation, default)
            if prop is None:
                return None
            schema, is_required = prop
            props[schema.pop("__name__", name)] = schema
            if is_required:
                required.append(name)
        out: dict[str, Any] = {}
        doc = ast.get_docstring(cls, clean=False)
        if doc:
            out["description"] = inspect.cleandoc(doc)
        out["properties"] = props
        if required:
            out["required"] = required
        out["title"] = cls.name
        out["type"] = "object"
        if self.forbid.get(cls.name):
            out["additionalProperties"] = False
        return out

    def _fields(self, fmod: Any, cls: ast.ClassDef, depth: int = 0) -> list[tuple[str, ast.expr, ast.expr | None]] | None:
        """(name, annotation, default) of every field, a project base's first; None when a setting or
        hook may change the schema."""
        out: list[tuple[str, ast.expr, ast.expr | None]] = []
        for base in cls.bases:
            found = _class(self.project, fmod, ast.unparse(base)) if depth < 5 else None
            if found is not None:
                inherited = self._fields(*found, depth + 1)
                if inherited is None:
                    return None
                out += inherited
        for st in cls.body:
            if isinstance(st, (ast.Assign, ast.AnnAssign)) and _bound_names(st) == {"model_config"} \
                    and (forbid := _plain_config(st.value)) is not None:
                self.forbid[cls.name] = forbid
                continue
            if isinstance(st, (ast.Assign, ast.AnnAssign, ast.ClassDef, ast.FunctionDef)) \
                    and _bound_names(st) & _HOOKS:
                return None
            if isinstance(st, ast.AnnAssign) and isinstance(st.target, ast.Name) and not st.target.id.startswith("_") \
                    and "ClassVar" not in ast.unparse(st.annotation):
                out = [f for f in out if f[0] != st.target.id] + [(st.target.id, st.annotation, st.value)]
        return out

    def _field(self, fmod: Any, name: str, annotation: ast.expr, default: ast.expr | None) -> tuple[dict, bool] | None:
        settings: dict[str, ast.expr] = {}
        if isinstance(default, ast.Call) and ast.unparse(default.func) in ("Field", "pydantic.Field"):
            settings = {k.arg: k.value for k in default.keywords if k.arg}
            if any(k.arg is None for k in default.keywords):
                return None
            default = default.args[0] if default.args else settings.get("default")
            if isinstance(default, ast.Constant) and default.value is Ellipsis:
                default = None
        has_default = default is not None or "default_factory" in settings
        schema = self.type_schema(fmod, annotation)
        if "$ref" in schema and ("description" in settings or default is not None):
            out: dict[str, Any] = dict(schema)
        elif "$ref" in schema:
            return schema, not has_default
        else:
            out = dict(schema)
        for key, setting in _BOUNDS.items():
            if isinstance(v := settings.get(key), ast.Constant) and not isinstance(v.value, bool):
                out[setting] = v.value
        for key, which in _SIZES.items():
            if isinstance(v := settings.get(key), ast.Constant) and isinstance(v.value, int):
                kind = "Items" if out.get("type") == "array" else "Length"
                out[f"{which}{kind}"] = v.value
        if default is not None and isinstance(default, ast.Constant):
            out["default"] = default.value
        elif default is not None:
            try:
                value = ast.literal_eval(default)
                out["default"] = sorted(value) if isinstance(value, (set, frozenset)) else \
                    list(value) if isinstance(value, tuple) else value  # as JSON shows it
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                pass  # a default the schema shows but this cannot read: left out (a lower bound)
        for key in ("description", "title", "examples"):
            v = settings.get(key)
            if v is not None:
                try:
                    out[key] = ast.literal_eval(v)
                except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                    pass
        if not _refers(out):  # pydantic titles a field unless its schema refers to a model
            out.setdefault("title", _title(name))
        if isinstance(alias := settings.get("alias"), ast.Constant) and isinstance(alias.value, str):
            out["__name__"] = alias.value
            if "title" not in settings:
                out["title"] = _title(alias.value)
        return out, not has_default

    def type_schema(self, fmod: Any, node: ast.expr | None, depth: int = 0) -> dict[str, Any]:
        """The schema of an annotation; ``{}`` for one it cannot read."""
        if node is None or depth > 8:
            return {}
        if isinstance(node, ast.Constant) and node.value is None:
            return {"type": "null"}
        if isinstance(node, ast.Constant) and isinstance(node.value, str):  # a forward reference
            try:
                return self.type_schema(fmod, ast.parse(node.value, mode="eval").body, depth + 1)
            except SyntaxError:
                return {}
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):  # X | None
            return _union([self.type_schema(fmod, n, depth + 1) for n in _union_members(node)])
        if isinstance(node, (ast.Name, ast.Attribute)):
            name = ast.unparse(node)
            short = name.rsplit(".", 1)[-1]
            if short in _SCALARS:
                return dict(_SCALARS[short])
            if short in _ARRAYS:
                return _array(short, {})
            if short in _MAPPINGS:
                return {"additionalProperties": True, "type": "object"}
            return self._named(fmod, name)
        if isinstance(node, ast.Subscript):
            base = ast.unparse(node.value).rsplit(".", 1)[-1]
            args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            if base == "Optional" and len(args) == 1:
                return _union([self.type_schema(fmod, args[0], depth + 1), {"type": "null"}])
            if base == "Union":
                return _union([self.type_schema(fmod, a, depth + 1) for a in args])
            if base in _ARRAYS and len(args) == 1:
                return _array(base, self.type_schema(fmod, args[0], depth + 1))
            if base in _MAPPINGS and len(args) == 2:
                value = self.type_schema(fmod, args[1], depth + 1)
                return {"additionalProperties": value if value else True, "type": "object"}
            if base == "Literal":
                return _literal(args)
            if base == "Annotated" and args:
                return self.type_schema(fmod, args[0], depth + 1)
        return {}

    def _named(self, fmod: Any, name: str) -> dict[str, Any]:
        """A project class by name: a nested model or an enum under ``$defs``; else ``{}``."""
        found = _class(self.project, fmod, name)
        if found is None:
            return {}
        emod, cls = found
        if self._is_model(emod, cls):
            read = self.model(fmod, name)
            return {"$ref": f"#/$defs/{cls.name}"} if read is not None else {}
        values = _enum_values(cls)
        if values is None:
            return {}
        entry: dict[str, Any] = {}
        doc = ast.get_docstring(cls, clean=False)
        if doc:
            entry["description"] = inspect.cleandoc(doc)
        entry.update(_literal_values(values))
        entry["title"] = cls.name
        self.defs.setdefault(cls.name, {k: entry[k] for k in sorted(entry, key=_ENUM_ORDER.index)})
        return {"$ref": f"#/$defs/{cls.name}"}


_ENUM_ORDER = ["description", "enum", "title", "type"]


def _class(project: Any, mod: Any, name: str) -> tuple[Any, ast.ClassDef] | None:
    found = module_statement(project, mod, name)
    if found is None or not isinstance(found[1], ast.ClassDef):
        return None
    return found  # type: ignore[return-value]


_PLAIN_SETTINGS = frozenset({"extra", "frozen", "str_strip_whitespace", "validate_assignment", "populate_by_name",
                             "arbitrary_types_allowed", "use_enum_values", "from_attributes", "validate_default",
                             "protected_namespaces", "strict"})


def _plain_config(value: ast.expr | None) -> bool | None:
    """``model_config = ConfigDict(extra="forbid", ...)`` with settings that leave the schema as it is
    (but ``extra="forbid"``: whether it adds ``additionalProperties: false``); None for any other."""
    if isinstance(value, ast.Call) and ast.unparse(value.func).rsplit(".", 1)[-1] == "ConfigDict" and not value.args:
        items = [(k.arg, k.value) for k in value.keywords]
    elif isinstance(value, ast.Dict) and all(isinstance(k, ast.Constant) for k in value.keys):
        items = [(k.value, v) for k, v in zip(value.keys, value.values)]  # type: ignore[union-attr]
    else:
        return None
    if not all(k in _PLAIN_SETTINGS for k, _ in items):
        return None
    extra = dict(items).get("extra")
    return isinstance(extra, ast.Constant) and extra.value == "forbid"


def _bound_names(st: ast.stmt) -> set[str]:
    if isinstance(st, (ast.ClassDef, ast.FunctionDef)):
        return {st.name}
    targets = st.targets if isinstance(st, ast.Assign) else [st.target]  # type: ignore[attr-defined]
    return {t.id for t in targets if isinstance(t, ast.Name)}


def _title(name: str) -> str:
    return name.title().replace("_", " ")  # pydantic's default field title


def _array(kind: str, items: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"items": items, "type": "array"}
    if kind in ("set", "Set", "frozenset", "FrozenSet"):
        out["uniqueItems"] = True
    return out


def _refers(schema: dict[str, Any]) -> bool:
    return "$ref" in schema or any("$ref" in m for m in schema.get("anyOf", ()))


def _union_members(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _union_members(node.left) + _union_members(node.right)
    return [node]


def _union(members: list[dict[str, Any]]) -> dict[str, Any]:
    if any(not m for m in members):
        return {}  # Union[X, Any]: any value
    return {"anyOf": members}


def _enum_values(cls: ast.ClassDef) -> list[Any] | None:
    if not any(ast.unparse(b).rsplit(".", 1)[-1] in ("Enum", "StrEnum", "IntEnum") for b in cls.bases):
        return None
    values = [st.value.value for st in cls.body if isinstance(st, ast.Assign) and isinstance(st.value, ast.Constant)]
    return values or None


def _literal(args: list[ast.expr]) -> dict[str, Any]:
    if not all(isinstance(a, ast.Constant) for a in args):
        return {}
    return _literal_values([a.value for a in args])  # type: ignore[attr-defined]


def _literal_values(values: list[Any]) -> dict[str, Any]:
    if len(values) == 1:
        out: dict[str, Any] = {"const": values[0]}
    else:
        out = {"enum": values}
    kinds = {type(v) for v in values}
    if kinds == {str}:
        out["type"] = "string"
    elif kinds == {int}:
        out["type"] = "integer"
    elif kinds == {bool}:
        out["type"] = "boolean"
    return out
