"""The tool definition the SDK builds from a function decorated with ``@beta_tool`` (for the tool runner).

``client.beta.messages.tool_runner(tools=[get_weather], ...)`` sends each such function as the
definition the SDK builds from it: its name, the docstring's description (the ``Args:`` /
``Returns:`` sections taken out) and an ``input_schema`` made from the signature (pydantic's JSON
schema, with each parameter's docstring description). :func:`definition` rebuilds that dict from
the source, so the tool list has a size the caching rules can count: the name and description
exactly (``@beta_tool(name=..., description=...)`` win), the schema as pydantic writes it for plain
annotations (a title per field, the JSON type of ``str`` / ``int`` / ``list`` ..., a literal
default; a model or an enum type is left untyped: a lower bound). :func:`indexed_function_tool`
reads it from the :mod:`ast` tree of another module (the project index);
:mod:`.analysis.function_tools` from the file being checked.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import Any

from pytest_tokenbudget.lint.analysis.values import UNKNOWN
from pytest_tokenbudget.lint.astwalk import param_defaults

__all__ = ["DECORATORS", "annotation_schema", "definition", "indexed_function_tool"]

DECORATORS = frozenset({"beta_tool", "beta_async_tool"})
_JSON_TYPES = {"str": "string", "int": "integer", "float": "number", "bool": "boolean", "list": "array",
               "dict": "object", "tuple": "array", "List": "array", "Dict": "object", "Sequence": "array"}
_SECTION = re.compile(r"^\s*(Args|Arguments|Parameters|Params|Returns?|Raises|Yields|Examples?|Notes?):\s*$",
                      re.M)
_PARAM_LINE = re.compile(r"^\s+(\w+)(?:\s*\([^)]*\))?:\s*(.+)$")
_LITERALS = (str, int, float, bool, type(None))


def _doc(doc: str) -> tuple[str, dict[str, str]]:
    """The description (the docstring before its first section) and the ``Args:`` descriptions."""
    m = _SECTION.search(doc)
    description = (doc[: m.start()] if m else doc).strip()
    params: dict[str, str] = {}
    args = re.search(r"^\s*(?:Args|Arguments|Parameters|Params):\s*$", doc, re.M)
    if args:
        for line in doc[args.end():].splitlines()[1:]:
            if _SECTION.match(line):
                break
            if (p := _PARAM_LINE.match(line)) is not None:
                params[p.group(1)] = p.group(2).strip()
    return description, params


def _schema(node: ast.expr | None) -> dict[str, Any]:
    """An annotation's JSON schema as pydantic writes it (``{}`` for a type it cannot name)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        sides = [_schema(node.left), _schema(node.right)]
        return {"anyOf": sides} if all(sides) else {}
    if isinstance(node, ast.Constant) and node.value is None:
        return {"type": "null"}
    if isinstance(node, ast.Subscript):
        base = node.value.attr if isinstance(node.value, ast.Attribute) else getattr(node.value, "id", "")
        inner = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        items = [_schema(e) for e in inner]
        if base == "Optional" and len(items) == 1 and items[0]:
            return {"anyOf": [items[0], {"type": "null"}]}
        if _JSON_TYPES.get(base) == "array" and len(items) == 1 and base != "tuple":
            return {"items": items[0], "type": "array"}
        if _JSON_TYPES.get(base) == "object" and len(items) == 2:
            return {"additionalProperties": items[1], "type": "object"}
        return {}
    name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""
    return {"type": _JSON_TYPES[name]} if name in _JSON_TYPES else {}


def annotation_schema(source: str | None) -> dict[str, Any]:
    """:func:`_schema` of an annotation's source text (``{}`` when it does not parse)."""
    try:
        return _schema(ast.parse(source, mode="eval").body) if source else {}
    except (SyntaxError, ValueError):
        return {}


def definition(name: str, doc: str, given: dict[str, Any], params: list[tuple[str, bool, Any, dict[str, Any]]]) -> dict:
    """The definition from its parts: ``given`` the decorator's keywords, ``params`` as (name,
    required, default value, schema of its annotation)."""
    description, docs = _doc(doc)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for pname, needed, default, schema in params:
        field: dict[str, Any] = {"description": docs[pname]} if pname in docs else {}
        if needed:
            required.append(pname)
        elif isinstance(default, _LITERALS):
            field["default"] = default
        properties[pname] = {**field, "title": pname.replace("_", " ").title(), **schema}
    schema = given.get("input_schema")
    if not isinstance(schema, dict):
        schema = {"additionalProperties": False, "properties": properties, "required": required, "type": "object"}
    return {"name": given["name"] if isinstance(given.get("name"), str) else name,
            "description": given["description"] if isinstance(given.get("description"), str) else description,
            "input_schema": schema}


def indexed_function_tool(fn: ast.FunctionDef | ast.AsyncFunctionDef, qualname: Callable[[ast.expr], str | None],
                          evaluate: Callable[[ast.expr], Any]) -> Any:
    """The definition of an :mod:`ast` ``def`` of another module (``qualname`` spells a decorator
    as imported there, ``evaluate`` gives a value), else ``UNKNOWN``."""
    deco = next((d for d in fn.decorator_list if (q := qualname(d.func if isinstance(d, ast.Call) else d))
                 and q.split(".")[0] == "anthropic" and q.rsplit(".", 1)[-1] in DECORATORS), None)
    if deco is None:
        return UNKNOWN
    given = {k.arg: evaluate(k.value) for k in deco.keywords if k.arg} if isinstance(deco, ast.Call) else {}
    a = fn.args
    positional = [*a.posonlyargs, *a.args]
    defaults = param_defaults(fn)
    params = [(p.arg, p.arg not in defaults, evaluate(defaults[p.arg]) if p.arg in defaults else None,
               _schema(p.annotation)) for p in [*positional, *a.kwonlyargs] if p.arg not in ("self", "cls")]
    return definition(fn.name, ast.get_docstring(fn) or "", given, params)
