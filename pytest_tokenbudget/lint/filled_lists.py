"""Lists a function fills item by item, for the project index (:mod:`.project`).

``parts = []`` followed by ``parts.append(base)``, ``parts.append(f"Now: {datetime.now()}")`` and
``return "\\n".join(parts)`` is how prompts are commonly assembled. The list's single assignment is
``[]``; what the function returns is what the appends put in. :func:`filled_lists` gives such a
local as one list expression of its items in source order: an append that always runs (in the
function's straight-line body or a ``with``) contributes its value; a ``for`` loop there whose body
only appends to the list contributes one item per append and pass, in order (few-shot turns from a
list of examples: known when the examples are); an append under a branch or a ``try`` may or may not
run, so it becomes a ``*`` item (zero or more unknown items). A list used in
any other way (passed to a call, another method, an item assignment, a nested function) is not
modelled: it stays unknown rather than looking empty.

A module-level list the module fills afterwards (``FEWSHOT = []`` then ``FEWSHOT.append(...)`` in a
loop over examples, or in a function) is not its ``[]``: :func:`filled_later` tells the project
index so (a few-shot history seen as empty would make a cached prefix look below the minimum), and
:func:`module_list` reads it only in the one shape whose items are known: ``X = []`` followed by
module-level ``for`` loops over known lists whose bodies only append to ``X`` (few-shot turns built
from a data file), with no other change to ``X`` anywhere in the module; else unknown.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from pytest_tokenbudget.lint.astwalk import child_nodes, walk

__all__ = ["filled_later", "filled_lists", "module_list"]

_FILL = frozenset({"append", "extend"})
_READS = frozenset({"len", "list", "tuple", "sorted", "str", "bool", "any", "all"})
_CERTAIN = (ast.With, ast.AsyncWith, ast.Expr)
_REQUESTS = frozenset({"create", "stream", "parse", "count_tokens"})


def filled_lists(fn: ast.FunctionDef | ast.AsyncFunctionDef, single: dict[str, ast.expr | None]) -> dict[str, object]:
    """``{name: ast.List}`` for each local list ``fn`` fills with appends (see the module doc);
    ``{name: None}`` for one it changes in ways not modelled. ``single`` maps each local with one
    assignment to its value."""
    lists = {n for n, v in single.items() if isinstance(v, ast.List) and not any(
        isinstance(e, ast.Starred) for e in v.elts)}
    if not lists:
        return {}
    parents: dict[int, ast.AST] = {}
    for node in walk(fn):
        for child in child_nodes(node):
            parents[id(child)] = node
    items: dict[str, list[tuple[tuple[int, int], list[ast.expr]]]] = {n: [] for n in lists}
    broken: set[str] = set()
    sent: dict[str, tuple[int, int]] = {}  # the first request sending the list
    for node in walk(fn):
        if not (isinstance(node, ast.Name) and node.id in lists):
            continue
        use = _use(node, parents, fn)
        if use is None:
            broken.add(node.id)
        elif use:
            items[node.id].append(use)
        elif isinstance(up := parents.get(id(node)), ast.keyword) and _request(parents.get(id(up))):
            sent[node.id] = min(sent.get(node.id, (node.lineno, node.col_offset)), (node.lineno, node.col_offset))
    broken |= {n for n, at in sent.items() if any(pos > at for pos, _ in items[n])}  # (a conversation)
    out: dict[str, object] = {}
    for name in lists:
        if name in broken:
            out[name] = None
        elif items[name]:
            elts = list(single[name].elts)  # type: ignore[union-attr]
            for _, add in sorted(items[name], key=lambda t: t[0]):
                elts.extend(add)
            out[name] = ast.List(elts=elts, ctx=ast.Load())
    return out


def _use(node: ast.Name, parents: dict[int, ast.AST], fn: ast.AST) -> tuple | None | bool:
    """How the function uses the list at ``node``: its added items ((position, items)), a plain
    read (False), or an unmodelled change (None)."""
    if isinstance(node.ctx, ast.Store):
        return False  # the single assignment itself
    up = parents.get(id(node))
    if isinstance(up, ast.Attribute) and up.value is node:
        call = parents.get(id(up))
        if isinstance(call, ast.Call) and call.func is up and up.attr in _FILL and len(call.args) == 1 \
                and not call.keywords and isinstance(parents.get(id(call)), ast.Expr):
            if (loop := _fill_loop(call, parents, fn, node.id)) is not None:  # few-shot turns appended in a loop
                return ((loop.lineno, loop.col_offset), [_unrolled(loop)]) if loop.body[0] is parents[id(call)] else False
            return (call.lineno, call.col_offset), _added(up.attr, call.args[0], _always(call, parents, fn))
        return None if isinstance(call, ast.Call) and call.func is up else False
    if isinstance(up, ast.Call) and node in up.args:
        f = up.func
        reads = (isinstance(f, ast.Name) and f.id in _READS) or (isinstance(f, ast.Attribute) and f.attr == "join")
        return False if reads else None
    if isinstance(up, (ast.Subscript, ast.Starred)) and not isinstance(getattr(up, "ctx", None), ast.Load):
        return None
    if isinstance(up, ast.keyword) and _request(parents.get(id(up))):
        return False  # messages=messages in the request: sent, not filled (unless appended to after it)
    if isinstance(up, ast.keyword) or (isinstance(up, (ast.Assign, ast.AnnAssign, ast.NamedExpr)) and up.value is node):
        return None  # passed by keyword, or an alias that may be filled under another name
    if _nested(node, parents, fn):
        return None
    return False


def _request(call: ast.AST | None) -> bool:
    """``client.messages.create(...)`` / ``.stream(...)`` / ``.parse(...)``: an SDK request reads the list."""
    return isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr in _REQUESTS


def _fill_loop(call: ast.Call, parents: dict[int, ast.AST], fn: ast.AST, name: str) -> ast.For | None:
    """The ``for`` loop that always runs (in the function's straight-line body) and whose body only
    appends to ``name`` (``for q, a in EXAMPLES: msgs.append(user(q)); msgs.append(assistant(a))``)
    holding ``call``; None otherwise."""
    loop = parents.get(id(parents.get(id(call))))
    if not isinstance(loop, ast.For) or loop.orelse or not _always(loop, parents, fn):
        return None
    for st in loop.body:
        c = st.value if isinstance(st, ast.Expr) else None
        if not (isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute) and c.func.attr == "append"
                and isinstance(c.func.value, ast.Name) and c.func.value.id == name and len(c.args) == 1 and not c.keywords):
            return None
    return loop


def _unrolled(loop: ast.For) -> ast.expr:
    """The loop's appends as one comprehension over its iterable, in order: ``*[v for q, a in
    EXAMPLES for v in (user(q), assistant(a))]`` (known when the iterable is; else any number of
    unknown items)."""
    args = [st.value.args[0] for st in loop.body]  # type: ignore[attr-defined]
    inner = ast.comprehension(target=ast.Name("_item", ast.Store()), iter=ast.Tuple(args, ast.Load()), ifs=[], is_async=0)
    outer = ast.comprehension(target=loop.target, iter=loop.iter, ifs=[], is_async=0)
    return ast.Starred(ast.ListComp(ast.Name("_item", ast.Load()), [outer, inner]), ast.Load())


def _added(how: str, arg: ast.expr, always: bool) -> list[ast.expr]:
    if not always:
        return [ast.Starred(value=arg, ctx=ast.Load())]
    if how == "append":
        return [arg]
    if isinstance(arg, (ast.List, ast.Tuple)) and not any(isinstance(e, ast.Starred) for e in arg.elts):
        return list(arg.elts)
    return [ast.Starred(value=arg, ctx=ast.Load())]


def _always(node: ast.AST, parents: dict[int, ast.AST], fn: ast.AST) -> bool:
    """Whether the statement holding ``node`` runs on every pass through ``fn``."""
    cur = parents.get(id(node))
    while cur is not None and cur is not fn:
        if not isinstance(cur, _CERTAIN):
            return False
        cur = parents.get(id(cur))
    return cur is fn


def _nested(node: ast.AST, parents: dict[int, ast.AST], fn: ast.AST) -> bool:
    cur = parents.get(id(node))
    while cur is not None and cur is not fn:
        if isinstance(cur, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return True
        cur = parents.get(id(cur))
    return False


def filled_later(data: bytes, name: str, value: ast.expr) -> bool:
    """``name``, assigned the list ``value`` at module level, is also extended somewhere in the
    module's bytes (``name.append(`` / ``extend(`` / ``insert(``, ``name +=``), or, assigned a
    dict, given items (``name[key] =``, ``name.update(`` / ``setdefault(``): its value at call
    time is not that list or dict."""
    if not name.isidentifier() or not name.isascii():
        return False
    if isinstance(value, ast.Dict) or isinstance(value, ast.Call) and isinstance(value.func, ast.Name) \
            and value.func.id == "dict":
        return re.search(rb"(?<![\w.])" + name.encode() + rb"\s*(?:\[[^\]\n]*\]\s*=(?!=)|\.\s*(?:update|setdefault)\s*\()",
                         data) is not None
    if not isinstance(value, (ast.List, ast.ListComp)):
        return False
    return re.search(rb"(?<![\w.])" + name.encode() + rb"\s*(?:\.\s*(?:append|extend|insert)\s*\(|\+=)", data) is not None


MAX_UNROLLED = 200  # items module-level loops may append (few-shot turns, not a corpus)


def module_list(ev: Any, tree: ast.Module | None, name: str, st: ast.stmt) -> tuple[Any, int]:
    """The value of the module-level list ``name`` (assigned by ``st``) that loops fill, for the
    project index (see the module doc): ``(items, line)``, or ``(UNKNOWN, 0)``."""
    from pytest_tokenbudget.lint.analysis.values import UNKNOWN, Unknown

    start = ev.expr(st.value) if isinstance(st, (ast.Assign, ast.AnnAssign)) and tree is not None else UNKNOWN
    if not isinstance(start, list) or tree is None:
        return UNKNOWN, 0
    looped = [(lp, [_append(s, name) for s in lp.body]) for lp in tree.body
              if isinstance(lp, ast.For) and not lp.orelse and isinstance(lp.target, ast.Name)]
    looped = [(lp, calls) for lp, calls in looped if calls and all(calls)]
    changes = sum(1 for n in walk(tree) if _changes(n, name))
    if not looped or changes != sum(len(calls) for _, calls in looped):
        return UNKNOWN, 0  # changed elsewhere too (a function, a branch, extend, +=): not modelled
    items = list(start)
    for lp, calls in looped:
        seq = ev.expr(lp.iter)
        if not isinstance(seq, (list, tuple)) or any(isinstance(v, Unknown) for v in seq):  # (maybe any number)
            return UNKNOWN, 0
        outer, var = ev.lookup, lp.target.id  # type: ignore[attr-defined]
        try:
            for item in seq:
                ev.lookup = lambda n, v=item: v if n == var else outer(n)
                items += [ev.expr(call.args[0]) for call in calls if call is not None]
                if len(items) > MAX_UNROLLED:
                    return UNKNOWN, 0
        finally:
            ev.lookup = outer
    return items, st.lineno


def _append(stmt: ast.stmt, name: str) -> ast.Call | None:
    """``name.append(x)`` as a statement, else None."""
    call = stmt.value if isinstance(stmt, ast.Expr) else None
    return call if isinstance(call, ast.Call) and _changes(call, name) and call.func.attr == "append" \
        and len(call.args) == 1 and not call.keywords else None  # type: ignore[attr-defined]


def _changes(node: ast.AST, name: str) -> bool:
    """``name.append/extend/insert(...)`` or ``name += ...`` anywhere."""
    if isinstance(node, ast.AugAssign):
        return isinstance(node.target, ast.Name) and node.target.id == name
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _FILL | {"insert"} \
        and isinstance(node.func.value, ast.Name) and node.func.value.id == name
