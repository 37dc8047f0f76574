"""The Claude models a project's model registry lists, for a request whose model comes from callers.

Multi-provider code often keeps one table of model records::

    MODEL_MAP = {"claude-4.5-sonnet": ModelSpec(PROVIDER_ANTHROPIC, "claude-sonnet-4-20250514"), ...}
    _REGISTRY = {"claude-sonnet-4-6": ModelInfo(provider="anthropic", model_id="claude-sonnet-4-6", ...)}

and an Anthropic wrapper whose ``model`` is a parameter (``def _stream(messages, model)``,
``self._model = model``) filled with the ``api_model`` / ``model_id`` of the record the router or
the factory picked. The caller search cannot pin such a value (a lookup at run time), but the
registry says which Claude models the project can send: those of its records whose provider field
names Anthropic. :func:`registry_models` returns them for such a call, or None.

It answers only when all of this holds: the call is an Anthropic request (not Bedrock or Vertex);
its model is a parameter of the function holding the call (or ``self.attr`` set from one in
``__init__``), without a default, that project callers pass but whose values the linter cannot pin; the project has exactly one table
(a dict literal at module or class level) whose values are all constructions of one class with a
``provider`` field, every record's provider is known, and at least one record is an Anthropic
one; and each Anthropic record names its model in a field holding a ``claude-`` id. The model
rules then judge every id of those records: they fire only when every one fails.
"""

from __future__ import annotations

import ast
from typing import Any

__all__ = ["registry_models"]

_PROVIDERS = ("anthropic", "claude")
_MAX_FILES = 400


def registry_models(call: Any) -> tuple[str, list[str]] | None:
    """(the registry's file as shown, the ``claude-`` ids of its Anthropic records), when ``call``'s
    model is a parameter the callers do not pin (see the module docstring)."""
    if call.sdk != "anthropic":
        return None
    if any(c in (call.client.variant or "") for c in ("Bedrock", "Vertex", "Foundry", "AWS", "Google")):
        return None
    if not _from_parameter(call):
        return None
    from pytest_tokenbudget.lint.project import active

    act = active()
    if act is None or not act[0].searchable:
        return None
    project = act[0]
    found = project.remember("_model_registry", None, lambda: _scan(project))
    if found is None:
        return None
    path, ids = found
    project._file_dep(path)
    from pytest_tokenbudget.lint.arguments import shown

    return shown(path), list(ids)


def _from_parameter(call: Any) -> bool:
    """The call's ``model=`` is a parameter of its function, or ``self.x`` set from an ``__init__``
    parameter."""
    import libcst as cst

    from pytest_tokenbudget.lint.analysis.scopes import lookup, method_scope

    node, scope = call.arg_nodes.get("model"), call.scope
    if node is None or scope is None:
        return False
    if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name):
        fn = method_scope(scope)
        if fn is None or fn.owner_class is None or node.value.value != fn.self_name:
            return False
        bindings = fn.owner_class.self_attrs.get(node.attr.value, [])
        if len(bindings) != 1 or bindings[0].kind != "assign" or bindings[0].scope is None:
            return False
        node, scope = bindings[0].node, bindings[0].scope
    if not isinstance(node, cst.Name):
        return False
    found = lookup(node.value, scope)
    if found is None or [b.kind for b in found[1]] != ["param"] or found[1][0].node.default is not None:
        return False
    from pytest_tokenbudget.lint.analysis import crossref
    from pytest_tokenbudget.lint.analysis.model_sources import function_name

    function = function_name(found[0])
    return function is not None and bool(crossref.passed(function, node.value))  # project callers pass it


def _scan(project: Any) -> tuple[str, tuple[str, ...]] | None:
    """(file, Anthropic model ids) of the project's one model registry, else None."""
    from pytest_tokenbudget.lint.project_text import py_files
    from pytest_tokenbudget.lint.source import FileError, read_file

    files = py_files(project)
    if files is None:
        return None
    found: list[tuple[str, tuple[str, ...]]] = []
    for path in files[:_MAX_FILES]:
        got = read_file(path)
        if isinstance(got, FileError) or b"provider" not in got[0] or b"claude-" not in got[0]:
            continue
        mod = project._load(path)
        tree = mod.parse() if mod is not None else None
        if tree is None:
            continue
        for table in _tables(tree):
            ids = _anthropic_ids(project, mod, tree, table)
            if ids is None:
                continue
            found.append((path, ids))
    return found[0] if len(found) == 1 else None


def _tables(tree: ast.Module) -> list[ast.Dict]:
    """Dict literals assigned at module level or in a class body."""
    out: list[ast.Dict] = []
    bodies = [tree.body] + [s.body for s in tree.body if isinstance(s, ast.ClassDef)]
    for body in bodies:
        for st in body:
            value = st.value if isinstance(st, (ast.Assign, ast.AnnAssign)) else None
            if isinstance(value, ast.Dict) and len(value.values) >= 2:
                out.append(value)
    return out


def _anthropic_ids(project: Any, mod: Any, tree: ast.Module, table: ast.Dict) -> tuple[str, ...] | None:
    calls = table.values
    if not all(isinstance(c, ast.Call) and isinstance(c.func, ast.Name) for c in calls):
        return None
    names = {c.func.id for c in calls}  # type: ignore[attr-defined]
    if len(names) != 1:
        return None
    fields = _fields(tree, next(iter(names)))
    ev = project._evaluator(mod, {})
    ids: list[str] = []
    anthropic = 0
    for c in calls:
        record = _record(c, fields, ev)  # type: ignore[arg-type]
        provider = next((v for k, v in record.items() if "provider" in k.lower()), None)
        if not isinstance(provider, str):
            return None  # a record whose provider is unknown (or no provider field): not a registry
        if not any(p in provider.lower() for p in _PROVIDERS):
            continue
        anthropic += 1
        named = [v for k, v in record.items() if isinstance(v, str) and v.startswith("claude-") and " " not in v]
        if not named:
            return None
        ids.extend(named)
    return tuple(dict.fromkeys(ids)) if anthropic else None


def _fields(tree: ast.Module, name: str) -> list[str]:
    """The declared fields (annotated class attributes, in order) of class ``name`` of the module."""
    cls = next((s for s in tree.body if isinstance(s, ast.ClassDef) and s.name == name), None)
    if cls is None:
        return []
    return [st.target.id for st in cls.body if isinstance(st, ast.AnnAssign) and isinstance(st.target, ast.Name)]


def _record(call: ast.Call, fields: list[str], ev: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for i, a in enumerate(call.args):
        if i < len(fields) and not isinstance(a, ast.Starred):
            out[fields[i]] = ev.expr(a)
    for k in call.keywords:
        if k.arg is not None:
            out[k.arg] = ev.expr(k.value)
    return out
