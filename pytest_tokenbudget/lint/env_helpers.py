"""A helper that wraps an environment read: ``_env("SONNET_MODEL", cls.sonnet_model)``.

Settings code often names its variables through a small function::

    @classmethod
    def from_env(cls):
        def _env(key, default=""):
            return os.environ.get(f"SOUL_{key}", default)
        return cls(sonnet_model=_env("SONNET_MODEL", cls.sonnet_model), ...)

The linter reads ``os.environ.get(NAME, default)`` as its default (what runs while the variable is
unset: :mod:`.config_values`); through such a wrapper the default is the argument the call gives
the wrapper's ``default`` parameter (its own default when the call leaves it out). The wrapper may
also read first and fall back after (``value = os.getenv(name, "").strip(); return value or
default``): an unset variable reads as empty, and the default is what runs. ``cls.field`` /
``Config.field`` as that argument is the class attribute's declared value. :func:`env_wrapper_value`
gives that value for a call of a function (module-level, or nested in a function of the module,
when its name is defined once) whose body returns an environment read or its fallback; None for
anything else (the caller keeps the index's value).
"""

from __future__ import annotations

import ast
import weakref
from typing import Any

from pytest_tokenbudget.lint.analysis.values import UNKNOWN, Unknown
from pytest_tokenbudget.lint.astwalk import child_nodes, walk
from pytest_tokenbudget.lint.config_values import dotted_name

__all__ = ["env_wrapper_value", "file_default"]

_GETTERS = frozenset({"os.getenv", "os.environ.get", "environ.get", "getenv"})
_TEXT_METHODS = frozenset({"strip", "lower", "upper", "rstrip", "lstrip"})


def env_wrapper_value(project: Any, mod: Any, q: str, node: ast.Call, args: list[Any],
                      keywords: dict[str, Any]) -> Any:
    """The default the environment read inside the wrapper ``q`` falls back to for this call."""
    tree = mod.parse() if mod is not None else None
    if tree is None or "." in q:
        return None
    defs = _index(tree)[0].get(q, [])
    if len(defs) != 1:
        return None
    fn = defs[0]
    param = _default_param(fn, mod)
    if param is None:
        return None
    value, arg = _bound(fn, param, node, args, keywords)
    if isinstance(value, Unknown) and arg is not None:
        value = _class_attribute(project, mod, tree, node, arg)
    return value if isinstance(value, (str, int, float, bool)) else None


def _default_param(fn: ast.FunctionDef | ast.AsyncFunctionDef, mod: Any) -> str | None:
    """The parameter ``fn`` falls back to when the variable is unset: its one ``return
    os.environ.get(..., param)``, or ``return <read> or param`` where the read is an environment read
    (``os.getenv(name, "").strip()``), inline or through one local assigned once just before."""
    body = [st for st in fn.body if not (isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant))]
    params = [a.arg for a in (*fn.args.posonlyargs, *fn.args.args)]
    if not body or not isinstance(body[-1], ast.Return) or body[-1].value is None:
        return None
    returned = body[-1].value
    if len(body) == 1 and isinstance(returned, ast.Call) and _env_read(returned, mod) and len(returned.args) == 2:
        default = returned.args[1]  # return os.environ.get(name, default)
        return default.id if isinstance(default, ast.Name) and default.id in params else None
    if not (isinstance(returned, ast.BoolOp) and isinstance(returned.op, ast.Or) and len(returned.values) == 2):
        return None
    read, default = returned.values
    if len(body) == 2:  # value = os.getenv(name, "").strip(); return value or default
        st = body[0]
        if not (isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name)
                and isinstance(read, ast.Name) and read.id == st.targets[0].id):
            return None
        read = st.value
    elif len(body) != 1:
        return None
    return default.id if isinstance(default, ast.Name) and default.id in params and _env_read(read, mod) else None


def _env_read(node: ast.expr, mod: Any) -> bool:
    """``os.environ.get(...)`` / ``os.getenv(...)``, bare or under text methods (``.strip()``)."""
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _TEXT_METHODS:
        node = node.func.value
    return isinstance(node, ast.Call) and not node.keywords and 1 <= len(node.args) <= 2 \
        and dotted_name(node.func, lambda n: mod.imports.get(n, n)) in _GETTERS


def _bound(fn: ast.FunctionDef | ast.AsyncFunctionDef, param: str, node: ast.Call, args: list[Any],
           keywords: dict[str, Any]) -> tuple[Any, ast.expr | None]:
    """(value, argument node) the call gives ``param``; the parameter's default when it gives none."""
    if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
        return UNKNOWN, None
    names = [a.arg for a in (*fn.args.posonlyargs, *fn.args.args)]
    i = names.index(param)
    if param in keywords:
        return keywords[param], next(k.value for k in node.keywords if k.arg == param)
    if i < len(node.args):
        return args[i], node.args[i]
    defaults = fn.args.defaults
    j = i - (len(names) - len(defaults))
    if 0 <= j < len(defaults) and isinstance(defaults[j], ast.Constant):
        return defaults[j].value, None
    return UNKNOWN, None


def _class_attribute(project: Any, mod: Any, tree: ast.Module, node: ast.Call, arg: ast.expr) -> Any:
    """``cls.field`` (in a method of the class holding ``node``) / ``Class.field``: the value the
    class body declares for ``field``."""
    if not (isinstance(arg, ast.Attribute) and isinstance(arg.value, ast.Name)):
        return UNKNOWN
    owner = arg.value.id
    classes = [c for c in tree.body if isinstance(c, ast.ClassDef)]
    if owner == "cls":
        found = [c for c in classes if any(n is node for n in walk(c))]
    else:
        found = [c for c in classes if c.name == owner]
    if len(found) != 1:
        return UNKNOWN
    for st in found[0].body:
        target = st.target if isinstance(st, ast.AnnAssign) else st.targets[0] if isinstance(st, ast.Assign) \
            and len(st.targets) == 1 else None
        if isinstance(target, ast.Name) and target.id == arg.attr and st.value is not None:
            return project._evaluator(mod, {}).expr(st.value)
    return UNKNOWN


_LOADS = frozenset({"json.load", "json.loads", "yaml.safe_load", "yaml.load", "yaml.full_load", "tomllib.load",
                    "tomllib.loads", "toml.load", "toml.loads"})
_CONFIG_SUFFIXES = (".yaml", ".yml", ".json", ".toml", ".ini", ".cfg")
_MAX_CONFIG_FILES = 300


def file_default(project: Any, mod: Any, q: str, node: ast.Call, args: list[Any]) -> Any:
    """``data.get("summary_model", cls.summary_model)`` where ``data`` is only ever ``{}`` or a
    mapping loaded from a file (``yaml.safe_load(f) or {}``, ``json.load(f)``) the linter cannot
    read: the default, what runs unless the file sets the key; None when a configuration file of the
    project names the key (it may set it) or ``data`` can be anything else."""
    tree = mod.parse() if mod is not None else None
    name = q[:-len(".get")] if q.endswith(".get") else ""
    if tree is None or not name.isidentifier() or len(node.args) != 2 or node.keywords \
            or not isinstance(args[0], str):
        return None
    scope = _index(tree)[1].get(id(node), tree)
    values, rebound = _bindings(scope, name)
    kinds = [_loaded(v, mod) for v in values]
    if rebound or not values or None in kinds or "load" not in kinds or _key_in_config_files(project, args[0]):
        return None
    value = args[1]
    if isinstance(value, Unknown):
        value = _class_attribute(project, mod, tree, node, node.args[1])
    return value if isinstance(value, (str, int, float, bool)) else None


def _bindings(scope: ast.AST, name: str) -> tuple[list[ast.expr], bool]:
    """The values ``scope`` assigns to ``name`` (``data = ...``, ``data: dict = {}``), and whether it
    also rebinds it otherwise (``+=``, a loop or ``with`` target, ``:=``): one walk of the scope."""
    values: list[ast.expr] = []
    rebound = False
    for a in walk(scope):
        if isinstance(a, ast.Assign):
            if any(isinstance(t, ast.Name) and t.id == name for t in a.targets):
                values.append(a.value)
        elif isinstance(a, ast.AnnAssign):
            if a.value is not None and isinstance(a.target, ast.Name) and a.target.id == name:
                values.append(a.value)
        elif isinstance(a, (ast.AugAssign, ast.For, ast.withitem, ast.NamedExpr)):
            target = getattr(a, "target", getattr(a, "optional_vars", None))
            rebound = rebound or isinstance(target, ast.Name) and target.id == name
    return values, rebound


_INDEX: weakref.WeakKeyDictionary[ast.Module, tuple[dict[str, list[ast.AST]], dict[int, ast.AST]]] = \
    weakref.WeakKeyDictionary()


def _index(tree: ast.Module) -> tuple[dict[str, list[ast.AST]], dict[int, ast.AST]]:
    """The module's functions by name (nested ones too), and each call's innermost enclosing
    function (module-level calls are left out: their scope is the tree); built once per parsed tree.
    Keyed weakly by the tree, whose node the entry never holds: when the tree budget releases the
    tree, the entry and the function subtrees it holds go with it (held by the module, they
    outlived the tree: 53 MB on the 132-repository tree)."""
    memo = _INDEX.get(tree)
    if memo is not None:
        return memo
    defs: dict[str, list[ast.AST]] = {}
    owner: dict[int, ast.AST] = {}
    stack: list[tuple[ast.AST, ast.AST]] = [(tree, tree)]
    while stack:
        node, fn = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            defs.setdefault(node.name, []).append(node)
            fn = node
        elif isinstance(node, ast.Call) and fn is not tree:
            owner[id(node)] = fn
        stack.extend((child, fn) for child in child_nodes(node))
    _INDEX[tree] = defs, owner
    return defs, owner


def _loaded(value: ast.expr, mod: Any) -> str | None:
    """"empty" for ``{}`` / ``dict()``, "load" for a file load (``load(f) or {}`` too), else None."""
    if isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or) and len(value.values) == 2 \
            and _loaded(value.values[1], mod) == "empty":
        value = value.values[0]
    if isinstance(value, ast.Dict) and not value.keys:
        return "empty"
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict" and not value.args:
        return "empty"
    if isinstance(value, ast.Call) and dotted_name(value.func, lambda n: mod.imports.get(n, n)) in _LOADS:
        return "load"
    return None


def _key_in_config_files(project: Any, key: str) -> bool:
    """Whether a configuration file of the project (YAML, JSON, TOML, INI) names ``key``."""
    import os
    import re

    from pytest_tokenbudget.lint.project_walk import walk_project

    def search() -> bool:
        pattern = re.compile(rb"(^|[\s{,\"'])" + re.escape(key.encode()) + rb"[\"']?\s*[:=]", re.M)
        seen = 0
        for folder, names in walk_project(project.root, project.nested):
            for n in names:
                if not n.endswith(_CONFIG_SUFFIXES):
                    continue
                seen += 1
                if seen > _MAX_CONFIG_FILES:
                    return True  # too many to read: the file may set it
                try:
                    with open(os.path.join(folder, n), "rb") as fh:
                        if pattern.search(fh.read(200_000)):
                            return True
                except OSError:
                    continue
        return False

    return bool(project.remember("_config_file_keys", key, search))
