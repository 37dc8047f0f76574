"""Walking :mod:`ast` trees: a node's children without :func:`ast.iter_child_nodes`' generators,
and one shared walk per tree.

The caller searches walk whole functions and trees breadth first (parent maps, assignments, the
calls naming a function); :func:`child_nodes` gives the same nodes in the same order as
:func:`ast.iter_child_nodes`, as a list read straight from the node's fields (about twice as fast
on the millions of nodes a run visits). :func:`facts_of` walks a tree once and keeps what many
questions about it need (parents, imports, assignments, calls, names) until the tree is released.
"""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from pytest_tokenbudget.lint.tree_budget import on_release

__all__ = ["Facts", "block_of", "child_nodes", "facts_of", "param_defaults", "walk"]


def child_nodes(node: ast.AST) -> list[ast.AST]:
    """``list(ast.iter_child_nodes(node))`` without the leaf singletons (see :func:`walk`)."""
    out: list[ast.AST] = []
    _add_children(node, out.append)
    return out


def block_of(stmt: ast.AST, parents: dict[int, ast.AST]) -> tuple[list[ast.stmt], int] | None:
    """The statement list holding ``stmt`` (its parent's body, ``else`` or ``finally``) and its index
    there; None for a statement in none of those (a handler's, a ``match`` case's)."""
    up = parents.get(id(stmt))
    for field in ("body", "orelse", "finalbody"):
        block = getattr(up, field, None)
        if isinstance(block, list):
            at = next((i for i, s in enumerate(block) if s is stmt), None)
            if at is not None:
                return block, at
    return None


def walk(node: ast.AST) -> Iterator[ast.AST]:
    """:func:`ast.walk`: the same nodes in the same breadth-first order, with the children read
    straight from the fields (no generator per node for ``iter_child_nodes`` and ``iter_fields``),
    except the leaf singletons CPython's parser shares across a tree: the ``ctx`` of a name
    (``Load``, ``Store``) and the operators (``+``, ``==``, ``and``), which the analyses read off
    their parent (``node.op``), never by walking (about a fifth of the nodes; they have no children,
    so the order of the rest is unchanged). The analyses walk functions and trees millions of times
    a run: a cold run of the corpus tree was ~12% faster with this walk than with :func:`ast.walk`
    (benchmarks/lint_speed.py --real), and skipping the leaves took another ~10% off the analysis's
    CPU (benchmarks/lint_stages.py).

    A module, class or function is walked again and again (by each question asked of it), so the
    nodes below it are listed once and kept on the node itself: they go with the tree when the
    project index releases it, and hold no reference back to the node (the release counts a tree's
    references). Nothing rewrites a parsed tree in place (rewrites work on copies of expressions),
    so the list stays true."""
    if type(node) in _LISTED:
        below = node.__dict__.get(_BELOW)
        if below is None:
            below = list(_walk(node))
            del below[0]
            setattr(node, _BELOW, below)
        return chain((node,), below)
    return _walk(node)


def _walk(node: ast.AST) -> Iterator[ast.AST]:
    todo = deque((node,))
    popleft, append = todo.popleft, todo.append
    while todo:
        node = popleft()
        _add_children(node, append)
        yield node


def _add_children(node: ast.AST, append: Callable[[ast.AST], None]) -> None:
    """``append`` each child of ``node`` in :func:`ast.iter_child_nodes`' order (leaf singletons aside)."""
    cls = type(node)
    names = _CHILD_FIELDS.get(cls)
    if names is None:
        names = _CHILD_FIELDS[cls] = _child_fields(cls)
    for name in names:
        child = getattr(node, name, None)
        if isinstance(child, list):
            for item in child:
                if isinstance(item, _AST):
                    append(item)
        elif isinstance(child, _AST):
            append(child)


_AST = ast.AST
_LISTED = frozenset({ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef})  # walked over and over
_BELOW = "_tokenbudget_walk"  # the attribute holding such a node's walk, itself left out
_LEAF_FIELDS = frozenset({"ctx", "op", "ops"})  # Load/Store/Del, operators and comparators: shared leaves
_SCALAR_FIELDS = {  # fields that hold names, numbers or constants, never a node
    "Name": ("id",), "Attribute": ("attr",), "FunctionDef": ("name", "type_comment"),
    "AsyncFunctionDef": ("name", "type_comment"), "ClassDef": ("name",), "ImportFrom": ("module", "level"),
    "alias": ("name", "asname"), "arg": ("arg", "type_comment"), "keyword": ("arg",), "ExceptHandler": ("name",),
    "Global": ("names",), "Nonlocal": ("names",), "Constant": ("value", "kind"), "FormattedValue": ("conversion",),
    "AnnAssign": ("simple",), "comprehension": ("is_async",), "Assign": ("type_comment",),
    "For": ("type_comment",), "AsyncFor": ("type_comment",), "With": ("type_comment",),
    "AsyncWith": ("type_comment",), "MatchAs": ("name",), "MatchStar": ("name",), "MatchMapping": ("rest",),
    "MatchClass": ("kwd_attrs",), "MatchSingleton": ("value",), "TypeIgnore": ("lineno", "tag"),
}
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(cls: type) -> tuple[str, ...]:
    """The fields of ``cls`` that may hold a child node other than a leaf singleton (any class not
    listed, a newer Python's or a subclass, keeps all its fields but ``ctx`` and the operators)."""
    scalar = next((names for c in cls.__mro__ for names in [_SCALAR_FIELDS.get(c.__name__)]
                   if names is not None and getattr(ast, c.__name__, None) is c), ())
    return tuple(f for f in getattr(cls, "_fields", ()) if f not in _LEAF_FIELDS and f not in scalar)


@dataclass
class Facts:
    """One walk of a tree: parents, and the nodes the caller search looks at."""

    parents: dict[int, ast.AST] = field(default_factory=dict)
    imports: list[ast.Import | ast.ImportFrom] = field(default_factory=list)
    assigns: list[ast.Assign] = field(default_factory=list)
    calls: list[ast.Call] = field(default_factory=list)
    names: list[ast.expr] = field(default_factory=list)  # Name and Attribute nodes


_FACTS: dict[int, tuple[ast.Module, Facts]] = {}


@on_release
def _forget_facts(project: Any, trees: set[int]) -> None:
    for key in trees & _FACTS.keys():
        del _FACTS[key]


def facts_of(tree: ast.Module) -> Facts:
    hit = _FACTS.get(id(tree))
    if hit is not None and hit[0] is tree:
        return hit[1]
    f = Facts()
    parents = f.parents
    todo: list[ast.AST] = [tree]
    at = 0
    while at < len(todo):  # ast.walk's breadth-first order
        node = todo[at]
        at += 1
        for child in child_nodes(node):
            parents[id(child)] = node
            todo.append(child)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            f.imports.append(node)
        elif isinstance(node, ast.Assign):
            f.assigns.append(node)
        elif isinstance(node, ast.Call):
            f.calls.append(node)
        elif isinstance(node, (ast.Name, ast.Attribute)):
            f.names.append(node)
    if len(_FACTS) > 256:
        _FACTS.clear()
    _FACTS[id(tree)] = (tree, f)
    return f


def param_defaults(fn: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> dict[str, ast.expr]:
    """``fn``'s parameters that have a default, by name, with the default's expression."""
    a = fn.args
    positional = [*a.posonlyargs, *a.args]
    out = dict(zip([p.arg for p in positional][len(positional) - len(a.defaults):], a.defaults))
    out.update({p.arg: d for p, d in zip(a.kwonlyargs, a.kw_defaults) if d is not None})
    return out
