"""Which assignment of a caller's local reaches a call (:mod:`.arguments` evaluates what it assigns).

``model = "a"`` then ``if x: model = "b"``: one of both (``cfg = {}`` then ``if path.exists(): cfg =
yaml.safe_load(...)``: the file, when the linter can read it); ``prompt += f"..."``: the prompt so far plus
that text; an assignment inside a loop around the call: unknown; none: the parameter's own value
(:data:`PARAM`). Statements that always run before the call (:func:`straight_line`) decide which
assignment is the one that reaches it.
"""

from __future__ import annotations

import ast
import copy
from typing import Any

from pytest_tokenbudget.lint.analysis.values import UNKNOWN

__all__ = ["PARAM", "also_written", "exists_test", "loop_ancestors", "opens_a_file", "reaching", "straight_line",
           "with_additions"]

PARAM = object()  # no assignment reaches the call: the parameter's value (or the module's name)
_BLOCKS = ("body", "orelse", "finalbody")


def reaching(found: list[tuple[ast.AST, ast.expr | None]], straight: set[int], loops: list[ast.AST],
              line: int, parents: dict[int, ast.AST]) -> Any:
    """The assigned expression that reaches ``line``; UNKNOWN when it cannot be told; PARAM when none."""
    if len(found) == 1 and isinstance(found[0][0], (ast.For, ast.AsyncFor)) and any(found[0][0] is lp for lp in loops):
        return UNKNOWN if found[0][1] is None else found[0][1]  # the loop's own variable, as the loop sets it
    chosen = max((d for d in found if id(d[0]) in straight), key=lambda d: getattr(d[0], "lineno", 0), default=None)
    start = getattr(chosen[0], "lineno", 0) if chosen is not None else 0
    branches: list[ast.expr | None] = []
    for node, value in found:
        if chosen is not None and node is chosen[0]:
            continue
        n_line = getattr(node, "lineno", 0)
        if any(_contains(loop, node, parents) for loop in loops
               if chosen is None or not _contains(loop, chosen[0], parents)):
            return UNKNOWN  # another assignment may run between the reaching one and the call
        if start <= n_line < line:
            branches.append(value)
    if chosen is None:
        if not branches:
            return PARAM
        arms = _every_arm(found, straight, line, parents)
        return UNKNOWN if arms is None else _one_of(arms)
    guarded = _read_if_exists([(node, value) for node, value in found if value in branches], parents)
    if guarded is not None and chosen[1] is not None:  # cfg = {}; if path.exists(): cfg = yaml.safe_load(...)
        test, value, missing = guarded  # (p = A; if not os.path.exists(p): p = B: A when it is there)
        body, orelse = (chosen[1], value) if missing else (value, chosen[1])
        return ast.copy_location(ast.IfExp(test=test, body=body, orelse=orelse), value)
    if branches:  # model = "a"; if x: model = "b" elif y: model = "c": one of them reaches the call
        return _one_of([chosen[1], *branches])
    return UNKNOWN if chosen[1] is None else chosen[1]


def _every_arm(found: list[tuple[ast.AST, ast.expr | None]], straight: set[int], line: int,
               parents: dict[int, ast.AST]) -> list[ast.expr | None] | None:
    """The values of an ``if`` / ``elif`` / ``else`` that always runs before the call and whose every
    arm assigns the name (or leaves: ``raise``): ``if x: m = "a" elif y: m = "b" else: m = "c"``, one
    of them reaches the call; None when some path leaves the name unassigned."""
    values = {id(node): value for node, value in found}
    ifs: dict[int, ast.If] = {}
    for node, _ in found:
        up = parents.get(id(node))
        while up is not None:
            if isinstance(up, ast.If) and id(up) in straight and up.lineno < line:
                ifs[id(up)] = up
            up = parents.get(id(up))
    return next((got for st in sorted(ifs.values(), key=lambda i: -i.lineno)
                 if (got := _if_values(st, values)) is not None), None)


def _arm_values(arm: list[ast.stmt], values: dict[int, ast.expr | None]) -> list[ast.expr | None] | None:
    got: list[ast.expr | None] | None = None
    for st in arm:
        if id(st) in values:
            got = [values[id(st)]]
        elif isinstance(st, ast.If) and (inner := _if_values(st, values)) is not None:
            got = inner
    if got is None and arm and isinstance(arm[-1], _EXITS):
        return []  # the arm leaves: the call sees none of its values
    return got


def _if_values(st: ast.If, values: dict[int, ast.expr | None]) -> list[ast.expr | None] | None:
    body, orelse = _arm_values(st.body, values), _arm_values(st.orelse, values)
    return None if body is None or orelse is None or not body + orelse else body + orelse


def _read_if_exists(branches: list[tuple[ast.AST, ast.expr | None]],
                    parents: dict[int, ast.AST]) -> tuple[ast.expr, ast.expr, bool] | None:
    """``(test, value, missing)`` when the one other assignment sits straight in an ``if
    path.exists():`` body (a configuration read when its file is there, a default before it: the
    evaluator reads it as ``value if path.exists() else default`` and takes the file when the linter
    could read it), or in an ``if not path.exists():`` body (``missing``: a fallback path for a file
    that is not there, read as ``default if path.exists() else value``)."""
    if len(branches) != 1 or branches[0][1] is None:
        return None
    node, value = branches[0]
    test = parents.get(id(node))
    while isinstance(test, (ast.With, ast.AsyncWith)):  # if path.exists(): with open(path) as f: x = f.read()
        value = _opened_in(value, test)
        node, test = test, parents.get(id(test))
    if not (isinstance(test, ast.If) and any(st is node for st in test.body)):
        return None
    if exists_test(test.test):
        return test.test, value, False
    negated = test.test.operand if isinstance(test.test, ast.UnaryOp) and isinstance(test.test.op, ast.Not) else None
    return (negated, value, True) if negated is not None and exists_test(negated) else None


def _opened_in(value: ast.expr, block: ast.With | ast.AsyncWith) -> ast.expr:
    """``value`` with the names the ``with`` binds to ``open(...)`` replaced by that call
    (``f.read()`` under ``with open(path) as f:`` is ``open(path).read()``): read where the block
    is conditional, ``f`` itself is not bound at the call."""
    opened = {i.optional_vars.id: i.context_expr for i in block.items
              if isinstance(i.optional_vars, ast.Name) and opens_a_file(i.context_expr)}

    class _Swap(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.AST:
            return opened.get(node.id, node)

    return _Swap().visit(copy.deepcopy(value)) if opened else value


def opens_a_file(expr: ast.expr) -> bool:
    """``open(path)``, ``path.open()``, ``io.open(path)``: a ``with`` statement's ``as`` name is the file
    (any other context manager's ``__enter__`` may return anything)."""
    func = expr.func if isinstance(expr, ast.Call) else None
    return (func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else "") == "open"


def also_written(fn: ast.AST, opened: ast.expr) -> bool:
    """``fn`` opens the file ``opened`` reads for writing too (``open(path, "a")``, the same path
    spelled the same way): its text is what the code wrote last, not a prompt file (a document the
    script continues, an agent's notes)."""
    path = ast.dump(opened.args[0]) if isinstance(opened, ast.Call) and opened.args else None
    for call in (n for n in ast.walk(fn) if path is not None and isinstance(n, ast.Call) and opens_a_file(n)):
        mode = call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords if k.arg == "mode"), None)
        if call.args and ast.dump(call.args[0]) == path and isinstance(mode, ast.Constant) \
                and isinstance(mode.value, str) and any(c in mode.value for c in "wax+"):
            return True
    return False


def exists_test(test: ast.expr) -> bool:
    """``path.exists()``, ``path.is_file()``, ``os.path.exists(path)`` / ``os.path.isfile(path)``."""
    return isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute) \
        and test.func.attr in ("exists", "is_file", "isfile")


def with_additions(found: list[tuple[ast.AST, ast.expr | None]], straight: set[int],
                    line: int) -> list[tuple[ast.AST, ast.expr | None]]:
    """``prompt += f"..."`` as ``prompt + f"..."`` of the assignment that always runs before it; under an
    ``if`` (Janus), that assignment followed by unknown text. Other augmented assignments: unknown."""
    if not any(isinstance(d, ast.AugAssign) for d, _ in found):
        return found
    out: list[tuple[ast.AST, ast.expr | None]] = []
    last = -1  # the latest assignment that always runs (its index in out)
    for node, value in sorted(found, key=lambda d: getattr(d[0], "lineno", 0)):
        if isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add) and last >= 0 \
                and (base := out[last][1]) is not None and node.lineno < line:
            if id(node) not in straight:  # added only sometimes: what reaches the call starts with the base
                out[last] = (out[last][0], ast.BinOp(left=base, op=ast.Add(), right=ast.Name(id="\0more", ctx=ast.Load())))
                continue
            value = ast.copy_location(ast.BinOp(left=base, op=ast.Add(), right=node.value), node)
        if id(node) in straight:
            last = len(out)
        out.append((node, value))
    return out


def _one_of(values: list[ast.expr | None]) -> Any:
    """``a if _ else b if _ else c``: the evaluator's choice of the candidate values."""
    if any(v is None for v in values):
        return UNKNOWN
    out = values[-1]
    for v in reversed(values[:-1]):
        out = ast.copy_location(ast.IfExp(test=ast.Constant(None), body=v, orelse=out), v)  # type: ignore[arg-type]
    return out


def _contains(outer: ast.AST, node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    """``node`` is ``outer`` or inside it (walking up the function's parent map)."""
    x: ast.AST | None = node
    while x is not None:
        if x is outer:
            return True
        x = parents.get(id(x))
    return False


def straight_line(call: ast.Call, parents: dict[int, ast.AST], fn: ast.AST) -> set[int]:
    """The statements that always run before the call: the earlier siblings of each statement on the
    way from the call up to the function body."""
    out: set[int] = set()
    node: ast.AST = call
    while id(node) in parents and node is not fn:
        parent = parents[id(node)]
        for field in _BLOCKS:
            block = getattr(parent, field, None)
            if isinstance(block, list) and any(s is node for s in block):
                for s in block:
                    if s is node:
                        break
                    _always_runs(s, out)
        node = parent
    return out


_EXITS = (ast.Raise, ast.Return, ast.Continue, ast.Break)
_TRIES = tuple(getattr(ast, n) for n in ("Try", "TryStar") if hasattr(ast, n))


def _always_runs(stmt: ast.stmt, out: set[int]) -> None:
    """Add ``stmt`` and, for an ``if`` whose other branch always leaves (``raise``/``return`` ...),
    the statements of the branch that runs on; a ``with`` block's body (it runs, or nothing after it does)."""
    out.add(id(stmt))
    if isinstance(stmt, ast.If):
        for runs, leaves in ((stmt.orelse, stmt.body), (stmt.body, stmt.orelse)):
            if leaves and isinstance(leaves[-1], _EXITS):
                for s in runs:
                    _always_runs(s, out)
    if isinstance(stmt, (ast.With, ast.AsyncWith)):  # with open(path) as f: system = f.read()
        for s in stmt.body:
            _always_runs(s, out)
    if isinstance(stmt, _TRIES):  # try: x = load() / except ...: raise: past it, the body ran
        leave = all(h.body and isinstance(h.body[-1], _EXITS) for h in stmt.handlers)
        for s in [*(stmt.body + stmt.orelse if leave else []), *stmt.finalbody]:
            _always_runs(s, out)


def loop_ancestors(call: ast.Call, parents: dict[int, ast.AST]) -> list[ast.AST]:
    out = []
    node: ast.AST = call
    while id(node) in parents:
        node = parents[id(node)]
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            out.append(node)
    return out
