"""Functions registered as graph nodes: each run of the graph is one call of each node.

Agent pipelines built with LangGraph never call their node functions by name::

    def build_pipeline():                       # graph/pipeline.py
        workflow = StateGraph(TriageState)
        workflow.add_node("intake", intake_agent)
        ...
        return workflow.compile()

    pipeline = build_pipeline()

    def run_triage(text):
        return pipeline.invoke({"raw_input": text})

and the per-item loop is in an eval runner that calls ``run_triage`` (or ``build_graph().invoke``)
once per case. :func:`graph_runs` gives, for an ``add_node(..., f)`` call, the calls that run the
graph (``.invoke`` / ``.ainvoke`` / ``.stream`` / ``.astream``): on the compiled graph bound in the
same function or module (``app = workflow.compile()``), or on what the builder function returns,
wherever the project calls it (``pipeline = build_pipeline()``; ``build_graph().invoke(x)``).
The loop search (:mod:`.callers`) treats each such run as a call of ``f``.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, NamedTuple

from pytest_tokenbudget.lint.astwalk import walk
from pytest_tokenbudget.lint.callnames import find_def, owner_of, parents_of
from pytest_tokenbudget.lint.callsearch import find_calls

if TYPE_CHECKING:
    from pytest_tokenbudget.lint.project import Project

__all__ = ["GraphRun", "graph_runs", "registers_node"]

_RUNS = frozenset({"invoke", "ainvoke", "stream", "astream"})


class GraphRun(NamedTuple):
    """A call that runs a graph: its file, tree, the call, and the tree's parent map."""

    path: str
    tree: ast.Module
    call: ast.Call
    parents: dict[int, ast.AST]


def registers_node(call: ast.Call) -> bool:
    """``graph.add_node("name", f)`` / ``graph.add_node(f)``."""
    return isinstance(call.func, ast.Attribute) and call.func.attr == "add_node" and 1 <= len(call.args) <= 2


def graph_runs(project: Project, path: str, tree: ast.Module, add_node: ast.Call,
               parents: dict[int, ast.AST]) -> list[GraphRun]:
    """The calls that run the graph ``add_node`` registers a node of (see the module docstring)."""
    graph = add_node.func.value if isinstance(add_node.func, ast.Attribute) else None
    if not isinstance(graph, ast.Name):
        return []
    builder = owner_of(add_node, parents)
    scope: ast.AST = tree
    if builder is not None:
        scope = find_def(tree, builder) or tree
    compiled = _compiled_names(scope, graph.id)
    full = parents_of(tree)  # (``parents`` may map only the functions that name the node)
    runs = [GraphRun(path, tree, c, full) for c in _runs_on(scope, compiled)]
    if builder is not None and "." not in builder and _returns_compiled(scope, graph.id, compiled):
        for found in find_calls(project, path, builder):
            around = parents_of(found.tree)
            runs += [GraphRun(found.path, found.tree, c, around) for c in _runs_of_built(found.call, around)]
    return runs


def _compiled_names(scope: ast.AST, graph: str) -> set[str]:
    """Names bound to ``graph.compile(...)`` in ``scope``."""
    return {t.id for n in walk(scope) if isinstance(n, ast.Assign) and _compiles(n.value, graph)
            for t in n.targets if isinstance(t, ast.Name)}


def _compiles(node: ast.AST | None, graph: str) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "compile" \
        and isinstance(node.func.value, ast.Name) and node.func.value.id == graph


def _returns_compiled(fn: ast.AST, graph: str, compiled: set[str]) -> bool:
    return any(isinstance(n, ast.Return) and (_compiles(n.value, graph) or isinstance(n.value, ast.Name)
                                               and n.value.id in compiled) for n in walk(fn))


def _runs_on(scope: ast.AST, names: set[str]) -> list[ast.Call]:
    """``name.invoke(...)`` and the like in ``scope``, for ``name`` in ``names``."""
    return [n for n in walk(scope) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
            and n.func.attr in _RUNS and isinstance(n.func.value, ast.Name) and n.func.value.id in names]


def _runs_of_built(build: ast.Call, parents: dict[int, ast.AST]) -> list[ast.Call]:
    """The runs of the graph a builder call returns: ``build().invoke(x)`` in place, or the runs on
    the name it is bound to, in the function (or the module) that binds it."""
    up = parents.get(id(build))
    if isinstance(up, ast.Attribute) and up.attr in _RUNS and isinstance(parents.get(id(up)), ast.Call):
        return [parents[id(up)]]  # type: ignore[list-item]
    if not (isinstance(up, ast.Assign) and len(up.targets) == 1 and isinstance(up.targets[0], ast.Name)):
        return []
    scope: ast.AST = up
    while id(scope) in parents and not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
        scope = parents[id(scope)]
    return _runs_on(scope, {up.targets[0].id})
