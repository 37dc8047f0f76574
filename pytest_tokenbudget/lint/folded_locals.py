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

``if "{TEXT}" in template: body = template.replace(...)`` / ``else: body = template + tail``, then
``return body``: a local assigned once in each arm of an ``if`` / ``elif`` / ``else`` holds one of
those values (:func:`branch_arms`), as ``x = a if c else b`` would.
"""

from __future__ import annotations

import ast
import copy

from pytest_tokenbudget.lint.astwalk import walk

__all__ = ["branch_arms", "folded_chains", "folded_locals", "grows"]

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


def folded_locals(fn: ast.FunctionDef | ast.AsyncFunctionDef, several: dict[str, list[ast.expr | None]]
                  ) -> dict[str, ast.expr]:
    """The locals of ``fn`` bound more than once (``several``: name -> the values the index saw)
    that fold into one expression: a chain (:func:`folded_chains`) or the arms of an ``if``
    (:func:`branch_arms`)."""
    out = folded_chains(fn, {n for n, v in several.items() if grows(n, v)})
    arms = {n for n, v in several.items() if n not in out and None not in v}
    return {**out, **branch_arms(fn, arms)} if arms else out


def branch_arms(fn: ast.FunctionDef | ast.AsyncFunctionDef, names: set[str]) -> dict[str, ast.expr]:
    """``{name: a if ... else b}`` for each of ``names`` whose every binding in ``fn`` is a plain
    assignment, one in each arm of one ``if`` / ``elif`` / ``else`` (see the module doc)."""
    binds: dict[str, list[ast.stmt]] = {n: [] for n in names}
    spoilt: set[str] = set()
    ifs: list[ast.If] = []
    for node in walk(fn):
        if isinstance(node, ast.If):
            ifs.append(node)
        for target, step in _bindings(node):
            if isinstance(target, ast.Name) and target.id in binds and isinstance(step, ast.Assign):
                binds[target.id].append(step)
            else:
                spoilt.update(n.id for n in walk(target) if isinstance(n, ast.Name))
    out: dict[str, ast.expr] = {}
    for name, found in binds.items():
        if name in spoilt or len(found) < 2:
            continue
        for top in ifs:
            picked = _one_per_arm(top, found)
            if picked is not None:
                value = picked[-1].value
                for st in reversed(picked[:-1]):
                    value = ast.IfExp(test=ast.Constant(None), body=st.value, orelse=value)  # (a choice)
                out[name] = value
                break
    return out


def _one_per_arm(top: ast.If, found: list[ast.stmt]) -> list[ast.Assign] | None:
    """The assignments of ``found``, one a statement of each arm of ``top``'s chain, the last an
    ``else``; None when they are not all there exactly so."""
    arms: list[list[ast.stmt]] = []
    node = top
    while len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If):
        arms.append(node.body)
        node = node.orelse[0]
    arms += [node.body, node.orelse]
    picked = [[st for st in arm if any(st is f for f in found)] for arm in arms]
    if any(len(p) != 1 for p in picked) or sum(len(p) for p in picked) != len(found):
        return None
    return [p[0] for p in picked]  # type: ignore[misc]


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
