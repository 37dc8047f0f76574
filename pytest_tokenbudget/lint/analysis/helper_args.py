"""A project helper that picks its prompt by an argument, called with a known argument.

``get_system_prompt(language)`` returns ``SYSTEM_PROMPT_HEBREW`` when ``language == "he"`` and the
English prompt otherwise; the project index alone sees one of two texts (:func:`.values.choice`).
Called as ``get_system_prompt(settings.bot_language)`` with the setting's default ``"he"`` (or a
literal, a constant, an env default: what the resolver pins), the helper's ``if`` chain is decided:
:func:`called_with` walks its body with the parameters bound and returns the value of the
``return`` that runs; a helper with one ``return`` (a template, a request dict built from its
parameters) is evaluated with them filled in. A condition that cannot be decided, a ``return`` inside a loop / ``try`` /
``with``, or an argument that cannot be pinned keeps the index's value (every candidate).
Defaults count as any other setting does for the model rules: the value the code runs with unless
the environment says otherwise.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from pytest_tokenbudget.lint.analysis import crossref
from pytest_tokenbudget.lint.analysis.values import UNKNOWN, Hole, Text, Unknown, is_complete
from pytest_tokenbudget.lint.astwalk import walk
from pytest_tokenbudget.lint.config_values import own_returns
from pytest_tokenbudget.lint.file_values import FilePath

__all__ = ["called_with"]

_UNDECIDED = object()
_NO_RETURN = object()
_MAX_STEPS = 200


def _has_options(value: Any) -> bool:
    return isinstance(value, Text) and any(isinstance(p, Hole) and p.options for p in value.parts)


def _function(target: Any, local: str | None = None) -> tuple[Any, Any, ast.FunctionDef | ast.AsyncFunctionDef] | None:
    """(project, module, def) of the module-level project function ``target`` names (``local``:
    one defined in the file being checked)."""
    from pytest_tokenbudget.lint.project import active

    act = active()
    if act is None:
        return None
    project, path = act
    found = (path, [local]) if local is not None else project._find_module(target.qualname, path)
    if found is None or len(found[1]) != 1:
        return None
    mod = project._load(found[0])
    if mod is None or mod.parse() is None:
        return None
    stmts = mod.names.get(found[1][0], [])
    if len(stmts) != 1 or not isinstance(stmts[0], (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    return project, mod, stmts[0]


def _bind(fn: ast.FunctionDef | ast.AsyncFunctionDef, node: Any, value_of: Callable[[Any], Any]) -> dict[str, Any]:
    """The parameters ``node`` (a libcst call) passes, as pinned constants."""
    names = [a.arg for a in [*fn.args.posonlyargs, *fn.args.args]]
    kwonly = {a.arg for a in fn.args.kwonlyargs}
    out: dict[str, Any] = {}
    for i, arg in enumerate(node.args):
        if arg.star:
            return {}
        name = arg.keyword.value if arg.keyword is not None else (names[i] if i < len(names) else None)
        if name is None or (arg.keyword is not None and name not in names and name not in kwonly):
            return {}
        value = value_of(arg.value)
        if isinstance(value, (str, int, float, bool, Text, FilePath)) or value is None:  # a template, a path
            out[name] = value
    return out


def _defaults_left(fn: ast.FunctionDef | ast.AsyncFunctionDef, node: Any, project: Any, mod: Any) -> dict[str, Any]:
    """The pinned defaults of the parameters ``node`` leaves out: ``load_system_prompt()`` reads
    ``f"{version}.txt"`` with ``version="mitre_analyst_v2"``, the one file the call can read."""
    params = [*fn.args.posonlyargs, *fn.args.args]
    pairs = [*zip(params[len(params) - len(fn.args.defaults):], fn.args.defaults),
             *((p, d) for p, d in zip(fn.args.kwonlyargs, fn.args.kw_defaults) if d is not None)]
    if not pairs or any(arg.star for arg in node.args):
        return {}
    given = {arg.keyword.value for arg in node.args if arg.keyword is not None} | \
        {p.arg for p in params[:sum(1 for arg in node.args if arg.keyword is None)]}
    ev = project._evaluator(mod, {})
    out: dict[str, Any] = {}
    for param, default in pairs:
        if param.arg not in given and isinstance(value := ev.expr(default), (str, int, float, bool, Text, FilePath)):
            out[param.arg] = value
    return out


def _run(stmts: list[ast.stmt], ev: Any, steps: list[int], local: dict[str, Any]) -> Any:
    """The value of the ``return`` that runs, _NO_RETURN when none does, _UNDECIDED when unsure.
    Straight-line assignments rebind ``local`` in order (``prompt = t.replace(...)`` twice), and a
    ``with`` block runs its body (``with open(path) as fh: return fh.read()``)."""
    for st in stmts:
        steps[0] += 1
        if steps[0] > _MAX_STEPS:
            return _UNDECIDED
        if isinstance(st, ast.Return):
            return ev.expr(st.value) if st.value is not None else None
        if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name):
            local[st.targets[0].id] = ev.expr(st.value)
            continue
        if isinstance(st, ast.If):
            test = ev.expr(st.test)
            if not is_complete(test) or isinstance(test, (dict, list)):
                return _UNDECIDED
            got = _run(st.body if test else st.orelse, ev, steps, local)
            if got is not _NO_RETURN:
                return got
        elif isinstance(st, ast.With):
            got = _run(st.body, ev, steps, local)
            if got is not _NO_RETURN:
                return got
        elif any(isinstance(n, ast.Return) for n in walk(st)) and not isinstance(
                st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return _UNDECIDED  # a return inside a loop or try: not followed
        else:
            _forget(st, local)
    return _NO_RETURN


def _forget(st: ast.stmt, local: dict[str, Any]) -> None:
    """Names a statement not followed (a loop, an augmented assignment) may rebind: unknown after it."""
    for n in walk(st):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store) and not isinstance(local.get(n.id), ast.expr):
            local[n.id] = UNKNOWN


def called_with(target: Any, node: Any, value_of: Callable[[Any], Any], local: str | None = None) -> Any:
    """The value of the project function ``target`` (``local``: a module-level function of the file
    being checked) called as ``node`` (its pinned arguments bound, and the defaults of those it
    leaves out); the index's value
    (:func:`.crossref.called`) when the arguments decide nothing."""
    value = crossref.called(target, local)
    if is_complete(value):
        return value
    found = _function(target, local)
    if found is None:
        return value
    project, mod, fn = found
    bound = {**_defaults_left(fn, node, project, mod), **_bind(fn, node, value_of)}
    if not bound:
        return value
    rets = own_returns(fn)
    got = _UNDECIDED
    if _has_options(value) or len(rets) == 1:  # the return the arguments select, run in order
        names = {**project._locals(fn), **bound}
        got = _run(fn.body, project._evaluator(mod, names), [0], names)
    if (got is _UNDECIDED or got is _NO_RETURN) and len(rets) == 1 and rets[0].value is not None:
        names = {**project._locals(fn), **bound}  # one return (a template, a request dict): filled in
        got = project._evaluator(mod, names).expr(rets[0].value)
    if got is _UNDECIDED or got is _NO_RETURN or isinstance(got, Unknown):  # load_prompt("core.md"): the file
        from pytest_tokenbudget.lint.file_loaders import loaded_text

        got = loaded_text(project, mod, fn, bound)
    return value if got is None or got is _UNDECIDED or got is _NO_RETURN or isinstance(got, Unknown) else got
