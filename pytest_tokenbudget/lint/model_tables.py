"""A model chosen by a helper that looks a table up: ``model = get_model_name(tier)``.

``def get_model_name(tier): return MODELS.get(tier.lower(), MODELS["sonnet"])`` (in this module or
another of the project) returns one id of the table per call; with a key the linter cannot pin,
every id of the table (and the fallback) is a value the request may carry, as for
``MODELS[tier]`` written at the call (:mod:`.analysis.model_sources`). :func:`returned_table`
gives those values when every ``return`` of the helper is such a lookup of a module-level dict of
strings or a constant id (``if kind == "long": return OPUS`` / ``return HAIKU``), else None. A
``return preferred`` under ``if preferred:`` where ``preferred`` is an environment read with an empty
default is not taken: with the environment's defaults the helper returns its fallback.
"""

from __future__ import annotations

import ast
from typing import Any

from pytest_tokenbudget.lint.astwalk import walk
from pytest_tokenbudget.lint.callnames import parents_of, resolve_function, tree_of

__all__ = ["returned_table"]


def returned_table(project: Any, path: str, call_source: str,
                   args: dict[int | str, Any] | None = None) -> list[Any] | None:
    """The values the project function called by ``call_source`` (``f(x)`` / ``mod.f(x)`` written in
    ``path``) may return when it returns a table lookup: every id of the table for a key it cannot
    pin, the one entry (or the fallback) for a key the call's ``args`` pin (position or keyword ->
    the resolved string the caller passes: ``get_model_name("haiku")``, ``tier = "sonnet"``)."""
    try:
        call = ast.parse(call_source, mode="eval").body
    except SyntaxError:
        return None
    tree = tree_of(project, path)
    if not isinstance(call, ast.Call) or tree is None:
        return None
    found = resolve_function(project, path, tree, call.func, parents_of(tree))
    if found is None:
        return None
    fpath, fn, _ = found
    mod = project._load(fpath)
    if mod is None:
        return None
    local = project._locals(fn)  # single-assignment locals as ast nodes, parameters unknown
    ev = project._evaluator(mod, {**local, **_bound_params(fn, args or {})})
    dead = _dead_returns(fn, ev, {k for k, v in local.items() if isinstance(v, ast.expr)})
    every = [n for n in walk(fn) if isinstance(n, ast.Return)]
    returns = [n.value for n in every if id(n) not in dead]
    if not returns or any(r is None for r in returns):
        return None
    out: list[Any] = []
    lookups = 0
    for r in returns:
        values = _lookup(r, ev)
        lookups += values is not None
        if values is None:
            value = ev.expr(r)  # a constant id among the returns (`return "claude-..."`)
            values = [value] if isinstance(value, str) else None
        if values is None:
            return None
        out.extend(values)
    if not lookups and len(every) < 2:
        return None  # one plain return: the index's own value of the call stands
    project._file_dep(fpath)
    return out


def _dead_returns(fn: ast.FunctionDef | ast.AsyncFunctionDef, ev: Any, local: set[str]) -> set[int]:
    """``if preferred: return preferred`` where ``preferred`` is an environment variable read whose
    default is empty: with the environment's defaults the branch is not taken (the env-default
    reading every model rule uses), so the function returns its fallback."""
    dead: set[int] = set()
    for n in walk(fn):
        if isinstance(n, ast.If) and isinstance(n.test, ast.Name) and n.test.id in local:  # not a parameter
            value = ev.expr(n.test)
            if value in ("", None) and not isinstance(value, bool):
                dead.update(id(st) for st in n.body if isinstance(st, ast.Return))
    return dead


def _lookup(node: ast.expr, ev: Any) -> list[Any] | None:
    """``TABLE[key]`` / ``TABLE.get(key[, default])`` on a module dict of strings, ``key`` not a constant."""
    if isinstance(node, ast.Subscript):
        table, key, default = node.value, node.slice, None
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" \
            and 1 <= len(node.args) <= 2 and not node.keywords:
        table, key = node.func.value, node.args[0]
        default = node.args[1] if len(node.args) == 2 else None
    else:
        return None
    if not isinstance(table, ast.Name):
        return None  # a local table
    values = ev.expr(table)
    if type(values) is not dict or not values:
        return None
    pinned = _key(key, ev)
    if isinstance(pinned, (str, int)):  # the caller's key: its entry, else the fallback
        choices = [values[pinned]] if pinned in values else [ev.expr(default)] if default is not None else []
    else:
        choices = [*values.values(), *([ev.expr(default)] if default is not None else [])]
    return choices if choices and all(isinstance(v, str) for v in choices) else None


_CASE = {"lower": str.lower, "upper": str.upper, "strip": str.strip, "casefold": str.casefold}


def _key(node: ast.expr, ev: Any) -> Any:
    """The key's value; ``tier.lower()`` / ``.strip()`` of a known string applied here."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _CASE \
            and not node.args and not node.keywords:
        base = _key(node.func.value, ev)
        return _CASE[node.func.attr](base) if isinstance(base, str) else base
    return ev.expr(node)


def _bound_params(fn: Any, args: dict[int | str, Any]) -> dict[str, Any]:
    """The helper's parameters the call pins to a string (by position, ``self`` skipped, or keyword)."""
    params = [a.arg for a in (*fn.args.posonlyargs, *fn.args.args)]
    if params and params[0] in ("self", "cls"):
        params = params[1:]
    out = {params[k] if isinstance(k, int) and k < len(params) else k: v for k, v in args.items()
           if isinstance(v, str)}
    return {k: v for k, v in out.items() if isinstance(k, str)}
