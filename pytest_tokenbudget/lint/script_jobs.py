"""Coroutines a command-line run awaits: batch work, though written as ``async`` (TB401).

:mod:`.loopjudge` reads a sequential loop in an ``async def`` as live work (someone awaits each
answer), except in the coroutine a script hands to the event loop (``asyncio.run(main())``:
:func:`.asyncwork.script_entry`). Pipelines split that coroutine into stages in other modules:
henrique-lego/salience's typer command runs ``asyncio.run(_run_pipeline(...))``, which awaits
``classify_bookmarks(...)`` in ``classify.py``, whose loop sends one request per chunk of
bookmarks. Such a stage is the script's job too. :func:`awaited_by_script` holds for an ``async
def`` every project reference of which is made inside a script's coroutine, or inside another
coroutine that holds this (up to four levels up), or hands it to the event loop itself
(``asyncio.run(run_evals(...))`` in a command of another module: alvarocanoo/claude-docs-rag). A coroutine that also serves a route, a bot or
anything else stays live work. A coroutine handed to a scheduler as a job
(``scheduler.add_job(_refresh_sentiment_job, "interval", minutes=30)``, ``schedule.every().hour.do(job)``:
vel190704/stock-analytics) or let go as a background task (``asyncio.create_task(run(run_id))`` as a
statement, ``background_tasks.add_task(run, ...)``: zapply's manual run) is a job as a script's
coroutine is: nobody awaits its answers, it stores them. A coroutine that awaits itself again (a
retry) is judged by its other callers.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from pytest_tokenbudget.lint.asyncwork import after_response, handed_to_event_loop, let_go, script_entry
from pytest_tokenbudget.lint.callnames import owner_of
from pytest_tokenbudget.lint.callrefs import recorded_references
from pytest_tokenbudget.lint.runmemo import remember_with_deps

if TYPE_CHECKING:
    from pytest_tokenbudget.lint.project import Project

__all__ = ["awaited_by_script", "job_coroutine"]

_MAX_DEPTH = 4


def awaited_by_script(project: Project, path: str, fn: ast.AsyncFunctionDef, tree: ast.Module) -> bool:
    """``fn`` (a module-level ``async def`` or a method of a module-level class in ``tree``, the
    file at ``path``) runs only as part of a script's coroutine or a scheduled job, on at least one
    path (a task a route lets go is part of such a job, not a job of its own: a course a user asked
    for, generated in the background, is still that user's request)."""
    return bool(_starts(project, path, fn, tree))


def job_coroutine(project: Project, path: str, tree: ast.Module, node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    """The coroutine holding ``node`` is a scheduler's job (:func:`awaited_by_script`, started by
    ``add_job``), which a route may also start in the background (zapply's nightly run, also run by
    hand): its loop is batch work, not the request's. (A script's ``asyncio.run(main())`` may run a
    bot or a service: its requests stay theirs.)"""
    fn: ast.AST = node
    while id(fn) in parents and not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
        fn = parents[id(fn)]
    return isinstance(fn, ast.AsyncFunctionDef) and "scheduler" in _starts(project, path, fn, tree)


def _starts(project: Project, path: str, fn: ast.AsyncFunctionDef, tree: ast.Module) -> frozenset[str]:
    """What starts ``fn``'s job ("script", "scheduler"), or nothing when it is not a job's coroutine."""
    name = _qualified(fn, tree)
    if name is None:
        return frozenset()

    def found() -> frozenset[str]:
        roots: list[str] = []
        return frozenset(roots) if _awaited(project, path, name, 0, {}, roots) else frozenset()

    return remember_with_deps(project, "job_starts", (path, name), found)


def _qualified(fn: ast.AsyncFunctionDef, tree: ast.Module) -> str | None:
    if fn in tree.body:
        return fn.name
    cls = next((c for c in tree.body if isinstance(c, ast.ClassDef) and fn in c.body), None)
    return f"{cls.name}.{fn.name}" if cls is not None else None


def _awaited(project: Project, path: str, function: str, depth: int, seen: dict[tuple[str, str], bool],
             roots: list[str]) -> bool:
    """Every reference to ``function`` is a script's or a scheduler's start of it, a task let go, or
    an await inside a coroutine that holds this; ``roots`` gets what starts it: "script" or "scheduler".
    ``seen`` keeps each coroutine's answer: one met again on another path (``update_docstrings``
    awaits both the per-file stage and the per-folder one that awaits it too) gives it again; one met
    again inside its own search (a cycle through other coroutines) gives False."""
    if depth > _MAX_DEPTH:
        return False
    if (path, function) in seen:
        return seen[(path, function)]
    seen[(path, function)] = False
    seen[(path, function)] = answer = _awaited_by(project, path, function, depth, seen, roots)
    return answer


def _awaited_by(project: Project, path: str, function: str, depth: int, seen: dict[tuple[str, str], bool],
                roots: list[str]) -> bool:
    found = recorded_references(project, path, function)
    if not found:
        return False
    for cpath, ctree, node, parents in found:
        if handed_to_event_loop(node, parents) or _scheduled(node, parents):
            roots.append("scheduler" if _scheduled(node, parents) else "script")  # (asyncio.run(run_evals(...))
            continue  # in a command of another module: the script's coroutine)
        if let_go(node, parents) or after_response(node, parents):
            continue  # started in the background by whoever asked: a job only if a script or a scheduler runs it
        owner = owner_of(node, parents)
        outer: ast.AST = node
        while id(outer) in parents and not isinstance(outer, (ast.FunctionDef, ast.AsyncFunctionDef)):
            outer = parents[id(outer)]
        if not isinstance(outer, ast.AsyncFunctionDef) or owner is None:
            return False  # made in sync code or at module level: not this rule's shape
        if (cpath, owner) == (path, function):
            continue  # it awaits itself again (a retry after a dropped connection): its other callers decide
        if script_entry(outer, ctree):
            roots.append("script")
        elif not _awaited(project, cpath, owner, depth + 1, seen, roots):
            return False
    return True


_JOB_REGISTRATIONS = frozenset({"add_job", "do"})  # APScheduler's scheduler.add_job(fn, ...), schedule's .do(fn)


def _scheduled(ref: ast.expr, parents: dict[int, ast.AST]) -> bool:
    """``ref`` is the job handed to a scheduler: ``scheduler.add_job(ref, ...)`` (or ``func=ref``),
    ``schedule.every(10).minutes.do(ref)``."""
    call = parents.get(id(ref))
    kw = call if isinstance(call, ast.keyword) and call.arg == "func" else None
    call = parents.get(id(kw)) if kw is not None else call
    return isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) \
        and call.func.attr in _JOB_REGISTRATIONS and (kw is not None or bool(call.args) and call.args[0] is ref)
