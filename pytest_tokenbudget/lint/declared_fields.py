"""Template fields a caller fills from its own parameters, bounded by their declarations (ast).

The project evaluator (:mod:`.evaluate`) reads what a caller passes a wrapper
(``client.complete(system=_SYSTEM.format(theme=theme))``); the caller's parameter ``theme`` has no
value there, but ``theme: Theme = "GRID INDEPENDENCE"`` with ``Theme = Literal[...]``, or
``brief.pitch_theme`` with ``brief: LeadBrief`` declaring ``pitch_theme: str = "GRID INDEPENDENCE"``,
bounds what it can hold. :func:`declared_reader` gives the evaluator that bound for a field read
from such a parameter (the same rules as :mod:`.analysis.short_fields`, on the ast the project index
keeps): only inside ``.format`` and f-string fields, so no other value changes.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from pytest_tokenbudget.lint.analysis.values import MAX_OPTIONS, Hole, Text, choice

__all__ = ["LABEL_CHARS", "LABEL_TOKENS", "declared_reader", "declared_text"]

LABEL_CHARS = 60  # a one-line string default at most this long is a label (a theme, a tone, a language)
LABEL_TOKENS = 64  # what such a field holds at most: several times what a 60-character label counts


def declared_text(literal: tuple[str, ...] | None, default: Any, str_or_bare: bool) -> Any:
    """The value a declaration bounds a text field to: one of the ``Literal`` strings, or a label hole
    for a short one-line string default on a ``str`` (or unannotated) declaration; else None.
    Shared with :mod:`.analysis.short_fields` (the same rules on libcst)."""
    if literal:
        return choice(list(literal))
    if str_or_bare and isinstance(default, str) and 0 < len(default) <= LABEL_CHARS and "\n" not in default:
        return Text((Hole(most=LABEL_TOKENS),))
    return None

Fn = ast.FunctionDef | ast.AsyncFunctionDef


def _module_assign(tree: ast.Module, name: str) -> ast.expr | None:
    for st in tree.body:
        if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name) \
                and st.targets[0].id == name:
            return st.value
    return None


def _literal(annotation: ast.expr | None, tree: ast.Module, depth: int = 0) -> tuple[str, ...] | None:
    if isinstance(annotation, ast.Name) and depth < 3:
        return _literal(_module_assign(tree, annotation.id), tree, depth + 1)
    if not isinstance(annotation, ast.Subscript):
        return None
    base = annotation.value
    if (base.attr if isinstance(base, ast.Attribute) else base.id if isinstance(base, ast.Name) else "") != "Literal":
        return None
    items = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else [annotation.slice]
    out = tuple(e.value for e in items if isinstance(e, ast.Constant) and isinstance(e.value, str))
    return out if len(out) == len(items) and 0 < len(out) <= MAX_OPTIONS else None


def _bounded(annotation: ast.expr | None, default: ast.expr | None, tree: ast.Module) -> Any:
    if isinstance(default, ast.Call) and default.args:  # Field("x", ...) / field(default="x")
        default = default.args[0]
    elif isinstance(default, ast.Call):
        default = next((k.value for k in default.keywords if k.arg == "default"), None)
    value = default.value if isinstance(default, ast.Constant) else None
    bare = annotation is None or (isinstance(annotation, ast.Name) and annotation.id == "str")
    return declared_text(_literal(annotation, tree), value, bare)


def _params(fn: Fn) -> dict[str, tuple[ast.expr | None, ast.expr | None]]:
    """name -> (annotation, default) of every parameter of ``fn``."""
    a = fn.args
    positional = [*a.posonlyargs, *a.args]
    defaults = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
    out = {p.arg: (p.annotation, d) for p, d in zip(positional, defaults)}
    out.update({p.arg: (p.annotation, d) for p, d in zip(a.kwonlyargs, a.kw_defaults)})
    return out


def _class_field(tree: ast.Module, cls: str, attr: str) -> Any:
    for st in tree.body:
        if isinstance(st, ast.ClassDef) and st.name == cls:
            for item in st.body:
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name) and item.target.id == attr:
                    return _bounded(item.annotation, item.value, tree)
    return None


def declared_reader(fn: Fn, tree: ast.Module, names: set[str],
                    passed: frozenset[str] = frozenset()) -> Callable[[ast.expr], Any]:
    """For a field expression of ``fn``: the declared bound of a parameter among ``names`` (those with
    no value of their own at the call), or of ``param.attr`` for a parameter annotated with a class
    of ``tree``; None otherwise. A parameter in ``passed`` (its own callers give it a value) keeps
    only a ``Literal`` bound: its label default is not what they send (a class field's default
    still bounds ``param.attr``, as in :mod:`.analysis.short_fields`)."""
    params = {k: v for k, v in _params(fn).items() if k in names}

    def read(node: ast.expr) -> Any:
        if isinstance(node, ast.Name) and node.id in params:
            annotation, default = params[node.id]
            return _bounded(annotation, None if node.id in passed else default, tree)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in params:
            ann = params[node.value.id][0]
            return _class_field(tree, ann.id, node.attr) if isinstance(ann, ast.Name) else None
        return None
    return read
