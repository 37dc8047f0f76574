"""Async code that is batch work after all: a gathered fan-out, and a script's coroutine.

:mod:`.loopjudge` reads a sequential ``for`` loop in ``async`` code as live work (someone awaits each
answer). Two shapes are not: a loop that only makes the coroutines and hands them on to run
together (:func:`fanned_out`: ``tasks.append(ask(row))`` then ``asyncio.gather(*tasks)``, like the
comprehension ``gather(*[ask(r) for r in rows])``), and the coroutine a command-line script runs
(:func:`script_entry`: ``asyncio.run(main(path))``), whose loop is a batch job.
"""

from __future__ import annotations

import ast

from pytest_tokenbudget.lint.astwalk import facts_of, walk

__all__ = ["after_response", "fanned_out", "handed_to_event_loop", "let_go", "script_entry", "starts_jobs"]


_EVENT_LOOP_RUNS = frozenset({"run", "run_until_complete"})


def script_entry(fn: ast.AsyncFunctionDef, tree: ast.Module) -> bool:
    """``fn`` is the coroutine a script hands to the event loop (``asyncio.run(main(path))``,
    ``anyio.run(main)``, ``loop.run_until_complete(main())``): a batch job run from the command
    line, not a request someone waits on, so its sequential loop is batch work."""
    for node in facts_of(tree).calls:  # (the file's calls, listed once per tree: asked per async def)
        if _runs_event_loop(node):
            arg = node.args[0]
            target = arg.func if isinstance(arg, ast.Call) else arg
            if isinstance(target, ast.Name) and target.id == fn.name:
                return True
    return False


def starts_jobs(loop: ast.While) -> bool:
    """``while True: asyncio.run(run_full(cfg)); time.sleep(interval)``: a scheduler that starts a
    whole job (a script's own event loop) each cycle: the job's items are batch work, not a service's.
    Only ``asyncio`` / ``anyio`` / ``trio`` ``.run``: any ``x.run(y)`` (:func:`_runs_event_loop`) would
    take ``subprocess.run(cmd)`` for one."""
    return any(isinstance(n, ast.Call) and n.args and isinstance(f := n.func, ast.Attribute) and f.attr == "run"
               and isinstance(f.value, ast.Name) and f.value.id in _EVENT_LOOP_MODULES
               for n in walk(ast.Module(body=loop.body, type_ignores=[])))


_EVENT_LOOP_MODULES = frozenset({"asyncio", "anyio", "trio"})


def handed_to_event_loop(ref: ast.expr, parents: dict[int, ast.AST]) -> bool:
    """``ref`` (a name of a coroutine function) is called right inside ``asyncio.run(...)`` /
    ``loop.run_until_complete(...)``: ``asyncio.run(ref(...))``."""
    call = parents.get(id(ref))
    runner = parents.get(id(call)) if isinstance(call, ast.Call) and call.func is ref else None
    return isinstance(runner, ast.Call) and _runs_event_loop(runner) and runner.args[0] is call


def _runs_event_loop(call: ast.Call) -> bool:
    """``asyncio.run(x)``, ``loop.run_until_complete(x)``, ``anyio.run(x)``: hands ``x`` to an event loop."""
    return isinstance(call.func, ast.Attribute) and call.func.attr in _EVENT_LOOP_RUNS and bool(call.args)


_SPAWN = frozenset({"create_task", "ensure_future", "start_soon"})  # each takes a coroutine: a task
_AWAIT_ALL = frozenset({"gather", "wait", "as_completed"})


def let_go(ref: ast.expr, parents: dict[int, ast.AST]) -> bool:
    """``asyncio.create_task(ref(...))`` as a statement of its own (a route's "start the run in the
    background"): the task is let go and nobody awaits its answers. (A task kept in a name or a list
    is awaited later: a fan-out, :func:`fanned_out`.)"""
    call = parents.get(id(ref))
    spawn = parents.get(id(call)) if isinstance(call, ast.Call) and call.func is ref else None
    return isinstance(spawn, ast.Call) and _called(spawn) in _SPAWN and spawn.args[:1] == [call] \
        and isinstance(parents.get(id(spawn)), ast.Expr)


def after_response(ref: ast.expr, parents: dict[int, ast.AST]) -> bool:
    """``background_tasks.add_task(ref, ...)``: FastAPI / Starlette run ``ref`` after the response."""
    call = parents.get(id(ref))
    return isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "add_task" \
        and call.args[:1] == [ref]


def fanned_out(call: ast.Call, parents: dict[int, ast.AST]) -> bool:
    """The loop only makes the coroutine and hands it on (``asyncio.create_task(ask(row))``, or
    ``tasks.append(ask(row))`` with ``tasks`` gathered later in the function) for the requests to
    run together: a fan-out, like ``gather(*[ask(r) for r in rows])``, not a sequence someone waits
    through. (A list that is never gathered may hold answers of a blocking call: not a fan-out.)"""
    parent = parents.get(id(call))
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
        name = parent.targets[0].id  # task = ask(row); tasks.append(task)
        loop = parents.get(id(parent))
        return isinstance(loop, (ast.For, ast.AsyncFor)) and any(
            isinstance(n, ast.Call) and any(isinstance(a, ast.Name) and a.id == name for a in n.args)
            and _hands_on(n, parents) for n in walk(loop))
    return isinstance(parent, ast.Call) and call in parent.args and _hands_on(parent, parents)


def _hands_on(call: ast.Call, parents: dict[int, ast.AST]) -> bool:
    """``create_task(...)`` and the like, or ``tasks.append(...)`` where ``tasks`` is gathered in the
    enclosing function."""
    func, name = call.func, _called(call)
    if name in _SPAWN:
        return True
    if name != "append" or not isinstance(func, ast.Attribute) or not isinstance(func.value, ast.Name):
        return False
    fn: ast.AST = call
    while id(fn) in parents and not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
        fn = parents[id(fn)]
    tasks = func.value.id
    return any(isinstance(n, ast.Call) and _called(n) in _AWAIT_ALL and any(
        isinstance(a.value if isinstance(a, ast.Starred) else a, ast.Name)
        and (a.value if isinstance(a, ast.Starred) else a).id == tasks for a in n.args) for n in walk(fn))


def _called(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
