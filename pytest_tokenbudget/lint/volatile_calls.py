"""Per-call values that reach a prompt through a project function's parameter (for TB104).

The project index evaluates a project function's return once, its parameters unknown
(``build_prompt(...)`` is the template with a hole for each parameter). That hides one thing a
cost reviewer reads at once: the caller fills a hole with the current time,
``build_prompt(current_time=self._now())`` where ``_now`` returns ``datetime.now().strftime("%H:%M")``,
and the cached system prompt built from it changes every minute. Two steps close the gap, both
only about per-call values so every other value stays what the index computes:

* ``self.helper()`` with no arguments, ``helper`` a method defined once in the module, is the
  per-call value its returns give (:mod:`.self_methods`, which also reads a method's prompt text);
* ``fn(..., x=<per-call value>)`` of a project function is evaluated again with the per-call
  arguments bound to their parameters; the result counts only when the per-call value shows in it
  (a timestamp passed for logging leaves the prompt alone).

The evaluator asks :func:`through` with the project index and module that made it (``Evaluator.index``).
"""

from __future__ import annotations

import ast
from typing import Any

from pytest_tokenbudget.lint.analysis.values import Unknown, first_volatile
from pytest_tokenbudget.lint.self_methods import bind_arguments, returns, self_method

__all__ = ["through"]

_FN = (ast.FunctionDef, ast.AsyncFunctionDef)


def through(index: tuple[Any, Any], q: str, node: ast.Call, args: list[Any], kw: dict[str, Any]) -> Any:
    """The per-call value ``q(*args, **kw)`` returns (see the module doc), or None."""
    project, mod = index
    parts = q.split(".")
    if len(parts) == 2 and parts[0] == "self":  # self._now(), self.chunk_prompt(i, n): .self_methods
        return self_method(project, mod, parts[1], node, args, kw)
    if not any(_volatile(v) for v in [*args, *kw.values()]) or any(isinstance(a, ast.Starred) for a in node.args):
        return None
    found = _function(project, mod, q)
    if found is None:
        return None
    fmod, fn = found
    bound = _bind(fn, args, kw)
    if bound is None:
        return None
    out = returns(project, fmod, fn, bound)
    return out if first_volatile(out) else None


def _volatile(v: Any) -> bool:
    return isinstance(v, Unknown) and bool(v.volatile)


def _function(project: Any, mod: Any, q: str) -> tuple[Any, ast.FunctionDef | ast.AsyncFunctionDef] | None:
    found = module_statement(project, mod, q)
    return found if found is not None and isinstance(found[1], _FN) else None  # type: ignore[return-value]


def module_statement(project: Any, mod: Any, q: str) -> tuple[Any, ast.stmt] | None:
    """The module and the one statement binding ``q`` (``f``, ``pkg.mod.f``, or a name this module
    imports from another), or None; the module becomes a dependency of the finding."""
    if "." not in q:
        path, name = mod.path, q
    else:
        found = project._find_module(q, mod.path)
        if found is None or len(found[1]) != 1:
            return None
        path, name = found[0], found[1][0]
    fmod = project._load(path)
    if fmod is None:
        return None
    project._file_dep(path)  # the finding depends on that module: the result cache must know
    fmod.parse()
    stmts = fmod.names.get(name, [])
    if len(stmts) != 1:
        return None
    st = stmts[0]
    if isinstance(st, ast.ImportFrom) and fmod is mod and "." not in q and name in fmod.imports:
        return module_statement(project, fmod, fmod.imports[name])  # from .prompts import build_prompt
    return fmod, st


def _bind(fn: ast.FunctionDef | ast.AsyncFunctionDef, args: list[Any], kw: dict[str, Any]) -> dict[str, Any] | None:
    """The per-call arguments by parameter name (None when the call does not fit the signature)."""
    bound = bind_arguments(fn, args, kw, method=False)
    if bound is None:
        return None
    return {k: v for k, v in bound.items() if _volatile(v)} or None
