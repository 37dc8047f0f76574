"""A project helper that loads a prompt file by name: ``CORE = load_file_content("CORE.md", "...")``.

Prompt loaders take the file name as an argument and hedge: try ``prompts/<name>``, then the bare
name, and return a fallback text when neither exists::

    def load_file_content(filename, default_text=""):
        try:
            path = f"prompts/{filename}"
            if not os.path.exists(path): path = filename
            if os.path.exists(path):
                with open(path, encoding="utf-8") as f:
                    return f.read()
        except Exception: ...
        return default_text

The project index evaluates a call of a project function without its arguments, so the file
(and every token of it) went unseen. :func:`loaded_text` binds the call's pinned arguments and
evaluates each ``return`` under each value a reassigned local may hold (``path``: the first or the
second spelling); the first return that reads a file that exists in the project is the value: the
fallback only runs when the file is missing, and it is not. No file read: None (the caller keeps
the index's value). A helper that loads a Python file as a module by its path
(``load_module_from_file(path, name)``: ``spec_from_file_location`` + ``module_from_spec``) is
read the same way: its value is that module (:class:`.file_values.ModuleFile`).
"""

from __future__ import annotations

import ast
import itertools
from typing import Any

from pytest_tokenbudget.lint.analysis.values import Text
from pytest_tokenbudget.lint.astwalk import walk
from pytest_tokenbudget.lint.config_values import own_returns
from pytest_tokenbudget.lint.file_values import FilePath, ModuleFile

__all__ = ["loaded_text", "loader_call"]

_MAX_NAMES = 3  # reassigned locals tried
_MAX_VALUES = 4  # spellings tried per local


def loaded_text(project: Any, mod: Any, fn: ast.FunctionDef | ast.AsyncFunctionDef, bound: dict[str, Any]) -> Any:
    """The text the file loader ``fn`` of module ``mod`` returns with its parameters ``bound``
    (pinned argument values), or None when no return reads an existing file or loads a module."""
    if not bound or not any(isinstance(n, ast.Name) and n.id in ("open", "module_from_spec")
                            or isinstance(n, ast.Attribute) and n.attr in ("read_text", "module_from_spec")
                            for n in walk(fn)):
        return None
    options = _reassigned(fn)
    names = list(options)[:_MAX_NAMES]
    for combo in itertools.product(*(options[n][:_MAX_VALUES] for n in names)):
        local = {**project._locals(fn), **dict(zip(names, combo)), **bound}
        ev = project._evaluator(mod, local)
        reads: list[str] = []
        keep = ev.deps

        def dep(path: str, keep: Any = keep, reads: list[str] = reads) -> None:
            reads.append(path)
            if keep is not None:
                keep(path)

        ev.deps = dep
        for ret in own_returns(fn):
            reads.clear()
            value = ev.expr(ret.value) if ret.value is not None else None
            if reads and isinstance(value, (str, Text, dict, list)) and value or isinstance(value, ModuleFile):
                return value  # (a JSON / YAML data file: load_tool("search"); a module loaded by its path)
    return None


def _bind(fn: ast.FunctionDef | ast.AsyncFunctionDef, node: ast.Call, args: list[Any],
          keywords: dict[str, Any]) -> dict[str, Any]:
    """Parameter -> pinned text / number the call passes ({} when a ``*`` / ``**`` argument hides them)."""
    if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
        return {}
    names = [a.arg for a in [*fn.args.posonlyargs, *fn.args.args]]
    out: dict[str, Any] = {}
    for name, value in [*zip(names, args), *keywords.items()]:
        if isinstance(value, (str, Text, int, float, bool, FilePath)):
            out[name] = value
    return out


def _reassigned(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, list[ast.expr]]:
    """Locals assigned more than once (plain ``name = value``), with each assigned expression."""
    seen: dict[str, list[ast.expr]] = {}
    for sub in walk(fn):
        if isinstance(sub, ast.Assign) and len(sub.targets) == 1 and isinstance(sub.targets[0], ast.Name):
            seen.setdefault(sub.targets[0].id, []).append(sub.value)
    return {n: v for n, v in seen.items() if len(v) > 1}


def loader_call(project: Any, mod: Any, q: str, node: ast.Call, args: list[Any], keywords: dict[str, Any]) -> Any:
    """:func:`loaded_text` for the project function ``q`` (a name of module ``mod`` or an imported
    dotted name) called as ``node``; None when ``q`` is no single module-level project function."""
    if not node.args and not node.keywords:
        return None
    from pytest_tokenbudget.lint.env_helpers import env_wrapper_value, file_default  # _env("MODEL", cls.model)

    wrapped = env_wrapper_value(project, mod, q, node, args, keywords)
    if wrapped is None:
        wrapped = file_default(project, mod, q, node, args)  # data.get("model", cls.model), data = yaml.safe_load(f)
    if wrapped is not None:
        return wrapped
    if "." not in q and q in mod.names:
        where, name = mod, q
    else:
        found = project._find_module(q, mod.path)
        if found is None or len(found[1]) != 1:
            return None
        where, name = project._load(found[0]), found[1][0]
        if where is None or where.parse() is None:
            return None
    stmts = where.names.get(name, [])
    if len(stmts) != 1 or not isinstance(stmts[0], (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    return loaded_text(project, where, stmts[0], _bind(stmts[0], node, args, keywords))
