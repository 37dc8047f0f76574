"""What a ``for`` loop says about its passes (for :mod:`.loopjudge`): whether it ends a search (a
``break`` or ``return`` on what it computed), whether its passes send one identical request
(``for i in range(n)`` whose index never reaches the call: timing or sampling runs), and whether it
goes through one reply's blocks (``for block in response.content:``: the next turn of a tool
conversation, not items).
"""

from __future__ import annotations

import ast

__all__ = ["REPLY_PARTS", "REQUEST_METHODS", "exits", "filled_with_few", "over_a_reply", "repeats"]


def exits(loop: ast.For | ast.AsyncFor) -> bool:
    """A ``return``, or a ``break`` of this loop (not of a nested one), that ends a search: not one
    in an ``except`` handler (``except KeyboardInterrupt: break``, an abort), nor one under an
    ``if`` that tests nothing the loop computes (``if test_first_row: break``, a run-wide switch)."""
    made = {n.id for st in loop.body for n in ast.walk(st) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    made |= {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}
    stack: list[tuple[ast.AST, bool]] = [(s, False) for s in loop.body]
    while stack:
        node, nested = stack.pop()
        if isinstance(node, ast.Return) or (isinstance(node, ast.Break) and not nested):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ExceptHandler)):
            continue
        if isinstance(node, ast.If) and not any(isinstance(n, ast.Name) and n.id in made for n in ast.walk(node.test)) \
                and all(isinstance(st, (ast.Break, ast.Expr, ast.Assign, ast.AugAssign)) for st in node.body):
            stack.extend((c, nested) for c in node.orelse)
            continue
        inner = nested or isinstance(node, (ast.For, ast.AsyncFor, ast.While))
        stack.extend((c, inner) for c in ast.iter_child_nodes(node))
    return False


def repeats(loop: ast.For | ast.AsyncFor, call: ast.Call) -> bool:
    """``for i in range(n)`` (``tqdm(range(n))``, ``trange(n)``) whose index (nor anything the body
    derives from it) never reaches the call."""
    if not _counts(loop.iter):
        return False
    derived = {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}
    for st in ast.walk(ast.Module(body=loop.body, type_ignores=[])):
        if isinstance(st, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and st.value is not None \
                and _names(st.value) & derived:
            targets = st.targets if isinstance(st, ast.Assign) else [st.target]
            derived |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return not _names(call) & derived


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _counts(it: ast.expr) -> bool:
    """``range(n)``, or a progress bar over it (``tqdm(range(n))``, ``trange(n)``)."""
    if not isinstance(it, ast.Call):
        return False
    name = it.func.id if isinstance(it.func, ast.Name) else it.func.attr if isinstance(it.func, ast.Attribute) else ""
    return name in ("range", "trange") or (name == "tqdm" and bool(it.args) and _counts(it.args[0]))


def filled_with_few(scope: ast.AST, name: str, parents: dict[int, ast.AST], most: int) -> bool:
    """The list ``name = []`` of ``scope`` gets at most ``most`` items: every ``name.append(...)``
    runs once, or inside ``for _ in range(k)`` loops of small constant ``k`` (a literal, or a module
    constant: ``POSTS_PER_PERSONA = 2``); an ``extend`` or any unbounded loop: not few."""
    module: ast.AST = scope
    while id(module) in parents:
        module = parents[id(module)]
    made = next((n for n in ast.walk(scope) if isinstance(n, ast.Assign) and any(
        isinstance(t, ast.Name) and t.id == name for t in n.targets)), None)
    around: set[int] = set()  # the loops around ``name = []`` itself: the list is new on each pass
    while made is not None and id(made) in parents:
        made = parents[id(made)]
        around.add(id(made))
    total = 0
    for n in ast.walk(scope):
        if not (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name)
                and n.func.value.id == name and n.func.attr in ("append", "extend", "insert")):
            continue
        if n.func.attr != "append":
            return False
        times, up = 1, parents.get(id(n))
        while up is not None and up is not scope and id(up) not in around:
            if isinstance(up, (ast.For, ast.AsyncFor, ast.While, ast.comprehension)):
                bound = _range_bound(up.iter, module) if isinstance(up, ast.For) else None
                if bound is None:
                    return False
                times *= bound
            up = parents.get(id(up))
        total += times
    return 0 < total <= most


def _range_bound(it: ast.expr, module: ast.AST) -> int | None:
    """``k`` of ``range(k)`` when it is an int literal or a module-level constant, else None."""
    if not (isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "range" and len(it.args) == 1):
        return None
    arg = it.args[0]
    if isinstance(arg, ast.Name) and isinstance(module, ast.Module):
        arg = next((st.value for st in module.body if isinstance(st, ast.Assign) and len(st.targets) == 1
                    and isinstance(st.targets[0], ast.Name) and st.targets[0].id == arg.id), arg)
    return arg.value if isinstance(arg, ast.Constant) and type(arg.value) is int else None


REPLY_PARTS = frozenset({"content", "tool_calls", "choices"})  # a reply's parts a loop can go through
REQUEST_METHODS = frozenset({"create", "parse"})  # the SDK calls that make a reply


def over_a_reply(loop: ast.For | ast.AsyncFor, parents: dict[int, ast.AST]) -> bool:
    """``for block in response.content:`` where the function assigned ``response`` from an SDK request:
    the loop goes through one reply's blocks, a request in it is that conversation's next turn."""
    base: ast.AST = loop.iter
    while isinstance(base, (ast.Attribute, ast.Subscript)):
        if isinstance(base, ast.Attribute) and base.attr in REPLY_PARTS and isinstance(base.value, ast.Name):
            name = base.value.id
            fn: ast.AST = loop
            while id(fn) in parents and not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                fn = parents[id(fn)]
            return any(isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in n.targets)
                       and isinstance(v := (n.value.value if isinstance(n.value, ast.Await) else n.value), ast.Call)
                       and isinstance(v.func, ast.Attribute) and v.func.attr in REQUEST_METHODS
                       for n in ast.walk(fn))
        base = base.value
    return False
