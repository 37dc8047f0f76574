"""A helper that wraps an environment read: ``_env("SONNET_MODEL", cls.sonnet_model)``.

Settings code often names its variables through a small function::

    @classmethod
    def from_env(cls):
        def _env(key, default=""):
            return os.environ.get(f"SOUL_{key}", default)
        return cls(sonnet_model=_env("SONNET_MODEL", cls.sonnet_model), ...)

The linter reads ``os.environ.get(NAME, default)`` as its default (what runs while the variable is
unset: :mod:`.config_values`); through such a wrapper the default is the argument the call gives
the wrapper's ``default`` parameter (its own default when the call leaves it out). ``cls.field`` /
``Config.field`` as that argument is the class attribute's declared value. :func:`env_wrapper_value`
gives that value for a call of a function (module-level, or nested in a function of the module,
when its name is defined once) whose body is a single ``return`` of an environment read; None for
anything else (the caller keeps the index's value).
"""

from __future__ import annotations

import ast
from typing import Any

from pytest_tokenbudget.lint.analysis.values import UNKNOWN, Unknown
from pytest_tokenbudget.lint.config_values import dotted_name

__all__ = ["env_wrapper_value"]

_GETTERS = frozenset({"os.getenv", "os.environ.get", "environ.get", "getenv"})


def env_wrapper_value(project: Any, mod: Any, q: str, node: ast.Call, args: list[Any],
                      keywords: dict[str, Any]) -> Any:
    """The default the environment read inside the wrapper ``q`` falls back to for this call."""
    tree = mod.parse() if mod is not None else None
    if tree is None or "." in q:
        return None
    defs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == q]
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
    """The parameter ``fn``'s one ``return os.environ.get(..., param)`` falls back to."""
    body = [st for st in fn.body if not (isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant))]
    if len(body) != 1 or not isinstance(body[0], ast.Return) or not isinstance(body[0].value, ast.Call):
        return None
    call = body[0].value
    if dotted_name(call.func, lambda n: mod.imports.get(n, n)) not in _GETTERS or call.keywords or len(call.args) != 2:
        return None
    default = call.args[1]
    params = [a.arg for a in (*fn.args.posonlyargs, *fn.args.args)]
    return default.id if isinstance(default, ast.Name) and default.id in params else None


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
        found = [c for c in classes if any(n is node for n in ast.walk(c))]
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
