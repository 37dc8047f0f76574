"""Locals a function grows by re-assigning them, for the project index (:mod:`.project`).

``prompt = BASE`` then ``if editor: prompt = f"{prompt}\\n---\\n{extra}"`` (or ``prompt += tail``,
``prompt = prompt.replace("{x}", x)``) is how a helper returning a system prompt often builds it.
The index keeps one expression per local, so a local assigned twice was unknown and a prompt of
thousands of static tokens looked empty. :func:`folded_chains` folds such a chain into one
expression, each step with the name replaced by the step before it, in source order: the same
chain the libcst resolver folds (:mod:`.analysis.rebinding`), read the same way (a step under a
branch as if it ran: the static parts are what the rules read). Only a plain chain is folded: one
assignment not reading the name, then assignments that read it or ``+=``; any other binding (a loop
target, a ``with``, a tuple target) leaves the name unknown.
"""

from __future__ import annotations

import ast
import copy

from pytest_tokenbudget.lint.astwalk import walk

__all__ = ["folded_chains", "grows"]

_MAX_STEPS = 8


def folded_chains(fn: ast.FunctionDef | ast.AsyncFunctionDef, names: set[str]) -> dict[str, ast.expr]:
    """``{name: expression}`` for each of ``names`` (locals of ``fn`` bound more than once) whose
    bindings form a plain chain (see the module doc)."""
    steps: dict[str, list[ast.stmt]] = {n: [] for n in names}
    spoilt: set[str] = set()
    for node in walk(fn):
        for target, step in _bindings(node):
            if isinstance(target, ast.Name) and target.id in steps and step is not None:
                steps[target.id].append(step)
            else:  # a loop target, a tuple, a `with ... as`, an `x -= 1`: not a chain
                spoilt.update(n.id for n in walk(target) if isinstance(n, ast.Name))
    out: dict[str, ast.expr] = {}
    for name, chain in steps.items():
        chain.sort(key=lambda st: (st.lineno, st.col_offset))
        if name in spoilt or not 2 <= len(chain) <= _MAX_STEPS:
            continue
        first, rest = chain[0], chain[1:]
        if isinstance(first, ast.AugAssign) or _reads(first.value, name) \
                or not all(isinstance(st, ast.AugAssign) or _reads(st.value, name) for st in rest):
            continue
        value: ast.expr = first.value  # type: ignore[assignment]
        for st in rest:
            step = ast.BinOp(left=ast.Name(id=name, ctx=ast.Load()), op=ast.Add(), right=st.value) \
                if isinstance(st, ast.AugAssign) else st.value
            value = _Substitute(name, value).visit(copy.deepcopy(step))
        out[name] = value
    return out


def grows(name: str, values: list[ast.expr | None]) -> bool:
    """A cheap first look, on the values a name is assigned (the index's list of them): some value
    reads the name itself (``x = f"{x}..."``, and ``x += ...``, which the index lists as its value
    twice). Only such names are worth :func:`folded_chains`' walk of the function."""
    return any(v is not None and (values.count(v) > 1 or _reads(v, name)) for v in values)


def _bindings(node: ast.AST) -> list[tuple[ast.AST, ast.stmt | None]]:
    """(target, the statement when it can be a step of a chain) for each name ``node`` binds."""
    if isinstance(node, ast.Assign):
        return [(t, node if len(node.targets) == 1 else None) for t in node.targets]
    if isinstance(node, ast.AnnAssign):
        return [(node.target, node if node.value is not None else None)]
    if isinstance(node, ast.AugAssign):
        return [(node.target, node if isinstance(node.op, ast.Add) else None)]
    if isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension, ast.NamedExpr)):
        return [(node.target, None)]
    if isinstance(node, ast.withitem) and node.optional_vars is not None:
        return [(node.optional_vars, None)]
    return []


def _reads(node: ast.AST | None, name: str) -> bool:
    return node is not None and any(isinstance(n, ast.Name) and n.id == name for n in walk(node))


class _Substitute(ast.NodeTransformer):
    """Every read of ``name`` replaced by ``value`` (the chain's previous step)."""

    def __init__(self, name: str, value: ast.expr) -> None:
        self.name, self.value = name, value

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return self.value if node.id == self.name and isinstance(node.ctx, ast.Load) else node
