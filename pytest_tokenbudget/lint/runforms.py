"""How a loop runs a function: the forms :mod:`.callers` recognises around a reference to it.

``f(x)`` called in a loop; ``pool.submit(f, x)`` / ``asyncio.to_thread(f, x)`` in a loop;
``pool.map(f, rows)``, ``df.apply(f)``; ``functools.partial(f, ...)`` mapped or bound to a name a
loop calls; joblib's ``Parallel(...)(delayed(f)(x) for x in rows)``; ``threading.Thread(target=f,
args=(x,))`` (or a ``multiprocessing.Process``) made in a loop; and a local ``def`` (often a retry-
decorated ``api``) called by the loop beside it. Each answer is the call that runs the function per
item, a parent map reaching it, and the loop (:class:`.loopjudge.Hit`); whether that loop is batch
work is :mod:`.loopjudge`'s call.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from pytest_tokenbudget.lint.astwalk import child_nodes, facts_of, walk
from pytest_tokenbudget.lint.asyncwork import script_entry
from pytest_tokenbudget.lint.loopjudge import Hit, conversation_turn, enclosing_loop, mapped

__all__ = ["RUNNERS", "delayed_call", "guarded_run", "handed_call", "handed_lambda", "hit_on", "is_partial",
           "local_handoffs", "local_uses", "loops_over", "partial_uses", "returned_by", "returns_name", "run_in_place",
           "runs_in_executor", "runs_param", "submits", "table_loops", "table_uses", "thread_target", "wrapper_calls"]

Use = tuple[ast.Call, dict[int, ast.AST], Hit]


def local_uses(node: ast.AST, parents: dict[int, ast.AST],
               script_job: Callable[[ast.AsyncFunctionDef], bool] | None = None) -> list[Use]:
    """The loops over the local function holding ``node``: a ``def`` inside a function or inside a
    module-level block such as ``if __name__ == "__main__":`` (often a retry-decorated ``api``) has
    no callers elsewhere; the loop calling it sits beside it, after it in its block. Not inside an
    ``async def``: a local helper gathered there is one task's fan-out, awaited on the spot (a
    research request's per-source reads), as a sequential loop in async code is live work, unless
    that ``async def`` is the coroutine its script runs (``asyncio.run(run_parallel(rows))``) or a
    stage that coroutine awaits (``script_job``: :mod:`.script_jobs`)."""
    fdef = _local_def(node, parents, script_job)
    return loops_over(fdef, fdef.name, parents) if fdef is not None else []


def local_handoffs(node: ast.AST, parents: dict[int, ast.AST]) -> tuple[str, list[tuple[ast.Call, dict[int, ast.AST]]]]:
    """The local function holding ``node`` and the calls after it that hand it to another function
    as an argument without running or mapping it in place (``map_with_progress(fn, rows)``: whether
    that function loops over it is the caller search's question), each with a parent map reaching it."""
    fdef = _local_def(node, parents)
    if fdef is None:
        return "", []
    name = fdef.name
    out = []
    for call, around in _calls_after(fdef, name, parents):
        passed = [a for a in [*call.args, *(k.value for k in call.keywords)] if isinstance(a, ast.Name) and a.id == name]
        if passed and not (isinstance(call.func, ast.Name) and call.func.id == name) \
                and hit_on(call, passed[0], around) is None:
            out.append((call, around))
    return name, out


def handed_lambda(node: ast.AST, parents: dict[int, ast.AST]) -> tuple[ast.Lambda, ast.Call] | None:
    """The lambda holding ``node`` and the call it is an argument of, when that call hands it on
    (``process_articles(api_call_func=lambda text, sp: call_llm_api(MODEL, text, sp))``: whether the
    receiver runs it per item is the caller search's question); None when the call maps it in place
    (``map(lambda r: f(r), rows)``, :func:`..loopjudge.mapped`) or ``node`` is in no lambda."""
    lam: ast.AST = node
    while id(lam) in parents and not isinstance(lam, ast.Lambda):
        if isinstance(lam, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return None
        lam = parents[id(lam)]
    up = parents.get(id(lam))
    call = parents.get(id(up)) if isinstance(up, ast.keyword) else up
    if not isinstance(lam, ast.Lambda) or not isinstance(call, ast.Call) or call.func is lam \
            or call.args and call.args[0] is lam and mapped(call) is not None:
        return None
    return lam, call


def run_in_place(node: ast.AST, parents: dict[int, ast.AST]) -> ast.FunctionDef | None:
    """The local ``def`` holding ``node`` when the function around it runs it there: called after it
    (``return make_request()``) or handed to another function (``return self._retry(make_request)``,
    a retry helper, maybe inherited from a base class the search cannot resolve). The request is then
    one per call of the outer function, whose own callers hold the loop (the caller search climbs
    from it when no loop turned up around the local ``def``). None for a ``def`` in a module-level
    block (a script's ``__main__``: no callers) or one the function never uses."""
    fdef = _local_def(node, parents)
    if fdef is None:
        return None
    outer = parents.get(id(fdef))
    while outer is not None and not isinstance(outer, (ast.FunctionDef, ast.AsyncFunctionDef)):
        outer = parents.get(id(outer))
    after = _calls_after(fdef, fdef.name, parents)
    used = any(isinstance(call.func, ast.Name) and call.func.id == fdef.name or any(
        isinstance(a, ast.Name) and a.id == fdef.name for a in [*call.args, *(k.value for k in call.keywords)])
        for call, _ in after)
    return fdef if used and isinstance(outer, (ast.FunctionDef, ast.AsyncFunctionDef)) \
        and not _chained(fdef, after, parents) else None


def _chained(fdef: ast.FunctionDef | ast.AsyncFunctionDef, after: list[tuple[ast.Call, dict[int, ast.AST]]],
             parents: dict[int, ast.AST]) -> bool:
    """The function runs the local ``def`` as turns of a chain: it calls it (or another local ``def``
    that calls it) in a loop whose next request reads this one's reply (``prev_tail = tail(blocks)``).
    Each call of the function is then a chain of dependent requests, not one request."""
    names = {fdef.name}
    defs = [d for st in _later_statements(fdef, parents)[1] for d in walk(st)
            if isinstance(d, (ast.FunctionDef, ast.AsyncFunctionDef))]
    for _ in range(2):  # (_extract_sequential, defined after _call_extractor, calls it)
        names |= {d.name for d in defs if any(isinstance(c, ast.Call) and isinstance(c.func, ast.Name)
                                              and c.func.id in names for c in walk(d))}
    return any(isinstance(call.func, ast.Name) and call.func.id in names and conversation_turn(call, around, None)
               for call, around in after)


def _local_def(node: ast.AST, parents: dict[int, ast.AST],
               script_job: Callable[[ast.AsyncFunctionDef], bool] | None = None) -> ast.FunctionDef | None:
    """The local ``def`` holding ``node`` (in a function, or in a module-level block), not one in an
    ``async def``; None for a module's function or a method."""
    fdef: ast.AST = node
    while id(fdef) in parents and not isinstance(fdef, (ast.FunctionDef, ast.AsyncFunctionDef)):
        if isinstance(fdef, (ast.Lambda, ast.ClassDef)):
            return None
        fdef = parents[id(fdef)]
    holder = parents.get(id(fdef))
    if not isinstance(fdef, (ast.FunctionDef, ast.AsyncFunctionDef)) or holder is None \
            or isinstance(holder, (ast.Module, ast.ClassDef)):
        return None  # a module's function or a method: the caller search finds its callers
    outer: ast.AST = holder
    while id(outer) in parents and not isinstance(outer, (ast.FunctionDef, ast.AsyncFunctionDef)):
        outer = parents[id(outer)]
    if isinstance(outer, ast.AsyncFunctionDef) and not _script_coroutine(outer, parents) \
            and not (script_job is not None and script_job(outer)):
        return None  # one async task's own fan-out (gather over a local helper): awaited there, live work
    return fdef  # type: ignore[return-value]


def _script_coroutine(fn: ast.AsyncFunctionDef, parents: dict[int, ast.AST]) -> bool:
    """``fn`` is the coroutine its script hands to the event loop (``asyncio.run(run_parallel(rows))``):
    a batch job, so the fan-out over its local helper is the job's items."""
    root: ast.AST = fn
    while id(root) in parents:
        root = parents[id(root)]
    return isinstance(root, ast.Module) and script_entry(fn, root)


def is_partial(call: ast.Call) -> bool:
    """``functools.partial(f, ...)`` / ``partial(f, ...)``."""
    func = call.func
    return (isinstance(func, ast.Name) and func.id == "partial") or (
        isinstance(func, ast.Attribute) and func.attr == "partial" and isinstance(func.value, ast.Name)
        and func.value.id == "functools")


def partial_uses(call: ast.Call, parents: dict[int, ast.AST]) -> list[Use]:
    """The loops over ``partial(f, ...)``: mapped where it is made (``pool.map(partial(f, k=v), rows)``)
    or bound to a name the statements after it loop over (``helper = partial(f, ...)``)."""
    parent = parents.get(id(call))
    if isinstance(parent, ast.Call) and parent.args and parent.args[0] is call:
        hit = hit_on(parent, call, parents)
        return [(parent, parents, hit)] if hit is not None else []
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
        return loops_over(parent, parent.targets[0].id, parents)
    return []


# the methods that run the function handed to them first (start_soon: anyio's and trio's task groups)
_RUNS_FIRST_ARG = frozenset({"submit", "apply_async", "to_thread", "run_sync", "start_soon"})


def submits(call: ast.Call) -> bool:
    """``pool.submit(f, x)``, ``pool.apply_async(f, ...)``, ``asyncio.to_thread(f, x)``,
    ``anyio.to_thread.run_sync(f, x)``, ``task_group.start_soon(f, x)``: ``f`` runs once per call,
    one task per iteration of the loop around it (none: the function holding it is a plain caller,
    looked up in turn)."""
    return isinstance(call.func, ast.Attribute) and call.func.attr in _RUNS_FIRST_ARG


RUNNERS = _RUNS_FIRST_ARG | {"run_in_executor"}  # the methods that run a function they are handed
_GUARDS = frozenset({"call", "run", "execute", "invoke"})  # a circuit breaker's or a retrier's entry point


def guarded_run(call: ast.Call, refers: Callable[[ast.expr], bool]) -> bool:
    """``self.circuit_breaker.call(self._request, prompt=p)``, ``retrier.run(fetch, url)``: a method of
    an object the search cannot open, named for running what it is handed, whose first argument is
    the function (``refers``): it runs it once, in place, as a retry helper does."""
    return isinstance(call.func, ast.Attribute) and call.func.attr in _GUARDS and bool(call.args) \
        and not isinstance(call.args[0], ast.Starred) and refers(call.args[0])


def wrapper_calls(call: ast.Call, parents: dict[int, ast.AST], tree: ast.Module) -> list[ast.Call]:
    """``self._ask = retry(stop=...)(self._ask_once)`` (a decorator applied by hand, its result kept on
    the instance or in a name): the calls of ``self._ask(...)`` in ``tree``, each a run of the
    function. Not a cache's wrapper (``lru_cache(...)(f)``: a repeat is free) nor one given more."""
    target = parents.get(id(call))
    wrapper = ast.unparse(call.func.func if isinstance(call.func, ast.Call) else call.func).lower()
    if len(call.args) != 1 or call.keywords or "cache" in wrapper or "memo" in wrapper \
            or not isinstance(target, ast.Assign) or len(target.targets) != 1 \
            or not isinstance(kept := target.targets[0], (ast.Name, ast.Attribute)):
        return []
    name, last = ast.unparse(kept), kept.id if isinstance(kept, ast.Name) else kept.attr
    return [n for n in facts_of(tree).calls if n is not call  # (the file's calls, listed once per tree)
            and (n.func.id if isinstance(n.func, ast.Name) else n.func.attr if isinstance(n.func, ast.Attribute)
                 else None) == last and ast.unparse(n.func) == name]


def handed_call(call: ast.Call) -> ast.Call | None:
    """``pool.submit(f, a, b)``, ``asyncio.to_thread(f, a)``, ``loop.run_in_executor(None, f, a)``: the
    call the runner makes of ``f`` (``f(a, b)``, located at the runner's call), else None (also for
    ``apply_async(f, args)``, whose arguments come as one tuple)."""
    name = call.func.attr if isinstance(call.func, ast.Attribute) else None
    at = 1 if name == "run_in_executor" else 0 if name in _RUNS_FIRST_ARG - {"apply_async"} else None
    if at is None or len(call.args) <= at or any(isinstance(a, ast.Starred) for a in call.args[:at + 1]):
        return None
    return ast.copy_location(ast.Call(func=call.args[at], args=call.args[at + 1:], keywords=call.keywords), call)


def runs_in_executor(call: ast.Call) -> bool:
    """``loop.run_in_executor(executor, f, x)``: ``f`` (the second argument) runs once per call, like
    ``pool.submit(f, x)``."""
    return isinstance(call.func, ast.Attribute) and call.func.attr == "run_in_executor"


def hit_on(call: ast.Call, fn: ast.expr, parents: dict[int, ast.AST], callee: ast.AST | None = None) -> Hit | None:
    """The loop that ``call`` runs ``fn`` in: ``fn(x)`` in a loop, ``pool.submit(fn, x)`` in a loop,
    ``pool.map(fn, rows)`` (``callee``: the function searched for, when the call is in its file)."""
    if call.func is fn:
        return enclosing_loop(call, parents, callee)
    if not call.args or call.args[0] is not fn:
        return None
    return enclosing_loop(call, parents, callee) if submits(call) else mapped(call)


def loops_over(stmt: ast.AST, name: str, parents: dict[int, ast.AST]) -> list[Use]:
    """The loops that call, submit or map ``name`` in the statements after ``stmt`` in its block
    (each with a parent map reaching it); a ``def`` that binds ``name`` again ends the search."""
    uses = []
    for call, around in _calls_after(stmt, name, parents):
        fn = next((f for f in (call.func, *call.args[:1]) if isinstance(f, ast.Name) and f.id == name), None)
        if fn is not None and (hit := hit_on(call, fn, around)) is not None:
            uses.append((call, around, hit))
    return uses


def _calls_after(stmt: ast.AST, name: str, parents: dict[int, ast.AST]) -> list[tuple[ast.Call, dict[int, ast.AST]]]:
    """The calls in the statements after ``stmt`` in its block, up to a ``def`` binding ``name``
    again, with one parent map reaching them all."""
    holder, later = _later_statements(stmt, parents)
    if holder is None:
        return []
    around = dict(parents)
    calls: list[ast.Call] = []
    for st in later:
        if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef)) and st.name == name:
            break
        around[id(st)] = holder
        for parent in walk(st):
            for child in child_nodes(parent):
                around[id(child)] = parent
                if isinstance(child, ast.Call):
                    calls.append(child)
    return [(c, around) for c in calls]


def _later_statements(stmt: ast.AST, parents: dict[int, ast.AST]) -> tuple[ast.AST | None, list[ast.stmt]]:
    """The node whose block holds ``stmt``, and the statements after it in that block."""
    holder = parents.get(id(stmt))
    block = next((b for _, b in ast.iter_fields(holder) if isinstance(b, list) and any(x is stmt for x in b)), []) \
        if holder is not None else []
    if not block:
        return None, []
    return holder, block[next(i for i, x in enumerate(block) if x is stmt) + 1:]


def delayed_call(call: ast.Call, parents: dict[int, ast.AST]) -> ast.Call | None:
    """For joblib's ``delayed(f)``, the call it makes (``delayed(f)(x)``, one per item of the
    generator handed to ``Parallel(...)``); None for any other call."""
    func = call.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    outer = parents.get(id(call))
    return outer if name == "delayed" and isinstance(outer, ast.Call) and outer.func is call else None


def runs_param(fn: ast.FunctionDef | ast.AsyncFunctionDef, param: str) -> bool:
    """``fn`` runs its parameter ``param``: calls it (``param(x)``, ``await param(x)``) or hands it
    to a call that runs it once (``asyncio.to_thread(param, x)``): a wrapper such as a semaphore
    or a retry helper."""
    return any(isinstance(n, ast.Call) and (
        (isinstance(n.func, ast.Name) and n.func.id == param)
        or (submits(n) and n.args and isinstance(n.args[0], ast.Name) and n.args[0].id == param))
        for n in walk(fn))


_WORKERS = frozenset({"Thread", "Process"})


def thread_target(call: ast.Call) -> ast.expr | None:
    """``f`` of ``threading.Thread(target=f, ...)`` / ``multiprocessing.Process(target=f, ...)``:
    one run of ``f`` per worker made; None for any other call."""
    func = call.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    return next((k.value for k in call.keywords if k.arg == "target"), None) if name in _WORKERS else None


def table_uses(node: ast.AST, parents: dict[int, ast.AST]) -> list[Use]:
    """The loops over a dispatch table holding the function: ``models = {"claude": classify}`` (or
    ``"claude": lambda x: classify(client, x)``) and later ``for name, fn in models.items(): for row
    in rows: fn(row)``: each ``fn(...)`` call in a loop over the table runs the function per item."""
    found = _table_of(node, parents)
    if found is None:
        return []
    name, assign = found
    uses: list[Use] = []
    for call, around in _calls_after(assign, name, parents):
        fn = call.func
        loop = _table_loop(fn, name, around) if isinstance(fn, ast.Name) else None
        hit = enclosing_loop(call, around, None) if loop is not None else None
        if hit is not None and hit.iter_node is not loop.iter:  # (the table's own loop: a sweep over its entries)
            uses.append((call, around, hit))
    return uses


def _table_of(node: ast.AST, parents: dict[int, ast.AST]) -> tuple[str, ast.Assign | ast.AnnAssign] | None:
    """The name and assignment (``DISPATCH: dict[str, Callable] = {...}`` too) of the dispatch table
    ``node`` is a value of (``node`` itself, or a lambda calling it), or None."""
    entry: ast.AST = node
    while id(entry) in parents and not isinstance(parents[id(entry)], ast.Dict):
        entry = parents[id(entry)]
        if not isinstance(entry, (ast.Lambda, ast.Call, ast.Name, ast.Attribute)):
            return None  # only the function itself, or a lambda calling it, is a table's value
    table = parents.get(id(entry))
    assign = parents.get(id(table)) if table is not None else None
    targets = assign.targets if isinstance(assign, ast.Assign) else [assign.target] if isinstance(assign, ast.AnnAssign) else []
    if not isinstance(table, ast.Dict) or not any(v is entry for v in table.values) \
            or len(targets) != 1 or not isinstance(targets[0], ast.Name):
        return None
    return targets[0].id, assign  # type: ignore[return-value]


def table_loops(node: ast.AST, parents: dict[int, ast.AST]) -> list[tuple[ast.AST, str]]:
    """``MODELS = [("claude", ask_claude), ("gpt", ask_gpt)]`` and, after it in its block, ``for name,
    fn in MODELS:`` (or a comprehension over it; for a dict, ``for name, fn in MODELS.items():``): each
    such loop, with the name it binds the function to (the same place in the tuple). What the loop
    does with that name (calls it per row, hands it to a runner that loops) is a use of the function;
    the loop over the table is a sweep over it. The table may be written in the loop itself (``for
    name, fn in [("gpt", ask_gpt), ("claude", ask_claude)]``)."""
    if (keyed := _table_of(node, parents)) is not None:  # models = {"claude": ask_claude}
        return _keyed_loops(*keyed, parents)
    entry, place = parents.get(id(node)), None
    if isinstance(entry, ast.Tuple):
        place = next((i for i, e in enumerate(entry.elts) if e is node), None)
    table = parents.get(id(entry)) if entry is not None else None
    holder = parents.get(id(table)) if table is not None else None  # the assignment, or the loop itself
    if place is None or not isinstance(table, (ast.List, ast.Tuple)):
        return []
    if isinstance(holder, (ast.For, ast.AsyncFor, ast.comprehension)) and holder.iter is table:
        return [found] if (found := _bound_at(holder, place, parents)) else []
    if not isinstance(holder, ast.Assign) or len(holder.targets) != 1 or not isinstance(holder.targets[0], ast.Name):
        return []
    name = holder.targets[0].id
    _, later = _later_statements(holder, parents)
    loops = (n for st in later for n in walk(st) if isinstance(n, (ast.For, ast.AsyncFor, ast.comprehension))
             and isinstance(n.iter, ast.Name) and n.iter.id == name)
    return [found for loop in loops if (found := _bound_at(loop, place, parents))]


def _keyed_loops(name: str, assign: ast.AST, parents: dict[int, ast.AST]) -> list[tuple[ast.AST, str]]:
    """The loops after a dispatch table's assignment over its entries, ``for key, fn in
    table.items():`` or ``for fn in table.values():``, each with the name bound to the function."""
    _, later = _later_statements(assign, parents)
    out = []
    for loop in (n for st in later for n in walk(st) if isinstance(n, (ast.For, ast.AsyncFor, ast.comprehension))):
        it = loop.iter
        if not (isinstance(it, ast.Call) and not it.args and isinstance(it.func, ast.Attribute)
                and isinstance(it.func.value, ast.Name) and it.func.value.id == name):
            continue
        if it.func.attr == "items" and (found := _bound_at(loop, 1, parents)) is not None:
            out.append(found)
        elif it.func.attr == "values" and isinstance(loop.target, ast.Name):
            out.append(((parents.get(id(loop), loop) if isinstance(loop, ast.comprehension) else loop), loop.target.id))
    return out


def _bound_at(loop: ast.For | ast.AsyncFor | ast.comprehension, place: int,
              parents: dict[int, ast.AST]) -> tuple[ast.AST, str] | None:
    """The loop (a comprehension's expression for its ``for`` clause) and the name its tuple target
    binds at ``place``: ``fn`` of ``for label, fn in MODELS`` for place 1."""
    target = loop.target
    bound = target.elts[place] if isinstance(target, ast.Tuple) and place < len(target.elts) else None
    if not isinstance(bound, ast.Name):
        return None
    return (parents.get(id(loop), loop) if isinstance(loop, ast.comprehension) else loop), bound.id


def table_lookups(node: ast.AST, parents: dict[int, ast.AST]) -> list[tuple[ast.Call, dict[int, ast.AST]]]:
    """The calls of a dispatch table's entry picked by key, each one call of the function it may
    pick: ``DISPATCH[model](prompt)``, or ``fn = DISPATCH.get(model); fn(prompt)`` in one function."""
    found = _table_of(node, parents)
    if found is None:
        return []
    name, assign = found
    out = []
    for call, around in _calls_after(assign, name, parents):
        f = call.func
        if _picked(f, name):
            out.append((call, around))
        elif isinstance(f, ast.Name):
            scope: ast.AST = call
            while id(scope) in around and not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
                scope = around[id(scope)]
            if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                    isinstance(a, ast.Assign) and len(a.targets) == 1 and isinstance(a.targets[0], ast.Name)
                    and a.targets[0].id == f.id and _picked(a.value, name) for a in walk(scope)):
                out.append((call, around))
    return out


def _picked(node: ast.expr, table: str) -> bool:
    """``table[key]`` or ``table.get(key, ...)``."""
    if isinstance(node, ast.Subscript):
        return isinstance(node.value, ast.Name) and node.value.id == table
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" \
        and isinstance(node.func.value, ast.Name) and node.func.value.id == table


def _table_loop(fn: ast.Name, table: str, parents: dict[int, ast.AST]) -> ast.For | None:
    """The ``for`` around ``fn`` that binds it from ``table.items()`` / ``table.values()``."""
    node: ast.AST = fn
    while id(node) in parents:
        node = parents[id(node)]
        if isinstance(node, (ast.For, ast.AsyncFor)) and isinstance(node.iter, ast.Call) \
                and isinstance(node.iter.func, ast.Attribute) and node.iter.func.attr in ("items", "values") \
                and isinstance(node.iter.func.value, ast.Name) and node.iter.func.value.id == table:
            target = node.target
            bound = target.elts[-1] if isinstance(target, ast.Tuple) and node.iter.func.attr == "items" else target
            return node if isinstance(bound, ast.Name) and bound.id == fn.id else None
    return None


def returned_by(name: ast.AST, parents: dict[int, ast.AST]) -> str | None:
    """The module-level function that returns the function ``name`` refers to (``return
    check_complaints`` in a picker's branch): its callers' ``fn = pick(case)`` then ``fn(x)`` in a
    loop run it per item."""
    up = parents.get(id(name))
    if not isinstance(up, ast.Return):
        return None
    while up is not None and not isinstance(up, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        up = parents.get(id(up))
    return up.name if isinstance(up, (ast.FunctionDef, ast.AsyncFunctionDef)) and isinstance(
        parents.get(id(up)), ast.Module) else None


def returns_name(fn: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> bool:
    """``fn`` hands out its local function ``name`` (``return label``): a factory of closures."""
    return any(isinstance(n, ast.Return) and isinstance(n.value, ast.Name) and n.value.id == name for n in walk(fn))
