"""Who runs a function: live work someone waits for (a route, a bot command, a request handler, a
service loop, up the callers), work a library already batches (``with batchify():``), the opt-in
path beside one that sends the same work to the Batch API, or a fallback run only when something failed. Asked by TB401 for a loop found in the
function itself or in a caller (:mod:`.callers`).
"""

from __future__ import annotations

import ast
import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from pytest_tokenbudget.lint.astwalk import block_of, walk
from pytest_tokenbudget.lint.asyncwork import after_response
from pytest_tokenbudget.lint.callnames import facts_of, find_def, outer_owner, owner_of, parents_of, same_file, tree_of
from pytest_tokenbudget.lint.callrefs import recorded_references, references_with_parents
from pytest_tokenbudget.lint.cli_defaults import option_default
from pytest_tokenbudget.lint.loopbody import batching_context, mentions_batching
from pytest_tokenbudget.lint.loopjudge import (HANDLER, UI_APPS, cli_command, from_parameters, imports_any,
                                               in_service_loop, request_entry)
from pytest_tokenbudget.lint.project_roots import github_action
from pytest_tokenbudget.lint.project_text import files_saying
from pytest_tokenbudget.lint.runmemo import remember_with_deps
from pytest_tokenbudget.lint.subclasses import inheriting_methods

if TYPE_CHECKING:
    from pytest_tokenbudget.lint.project import Project

__all__ = ["batch_alternative", "fallback_only", "opt_in_arm", "serves_request", "under_batching"]

_MAX_REQUEST_DEPTH = 4  # callers walked up to find a request handler


def serves_request(project: Project, path: str, function: str | None, depth: int = 0,
                   seen: set[tuple[str, str]] | None = None) -> bool:
    """``function`` of ``path`` does live work: it is, or is called (up to four levels up) by, a web
    route, a bot command, a function taking a request object, a handler passing on the request's
    own data (``lambda_handler(event, ...)`` calling ``process(event["items"])``), or a service
    loop (``while True:`` around the call: polling, trading, a game); and all of a GitHub Action's code
    (:func:`.project_roots.github_action`)."""
    if project.remember("github_action", project.root, lambda: github_action(project.root)):
        return True
    if depth == 0 and seen is None and function is not None:  # asked for each loop and call site
        return remember_with_deps(project, "serves_request", (path, function), lambda: _live(
            project, path, function) or _ui_only(project, path, function, 0, set()))
    return _serves_request(project, path, function, depth, seen)


def _live(project: Project, path: str, function: str) -> bool:
    """Live by a route or a handler up the callers, unless a command-line script also runs the
    function (:func:`_offline_run`): the API answers one user while the script's run over the data
    can wait for a batch (focus_groups' pricing survey, run by ``/api/wtp`` and by ``wtp_analysis.py``).
    A service loop up the callers stays live work whoever starts the service."""
    if not _serves_request(project, path, function, 0, set()):
        return False
    return not _offline_run(project, path, function, 0, set()) or _serves_request(
        project, path, function, 0, set(), routes=False)


def _serves_request(project: Project, path: str, function: str | None, depth: int,
                    seen: set[tuple[str, str]] | None, routes: bool = True) -> bool:
    """``routes``: routes, handlers and request objects count (else only service loops do)."""
    seen = set() if seen is None else seen
    if function is None or (path, function) in seen:
        return False
    seen.add((path, function))
    tree = tree_of(project, path)
    fn = find_def(tree, function) if tree is not None else None
    if fn is None:
        return False
    if routes and request_entry(fn, tree) and not _only_in_background(project, path, function):
        return True
    if depth >= _MAX_REQUEST_DEPTH:
        return False
    for cpath, ctree, node, parents in references_with_parents(project, path, function, web=True):
        if in_service_loop(node, parents) or _handed_to_a_service_loop(project, node, parents):
            return True  # called once per cycle of a service loop (polling, trading, a game)
        if _in_background(node, parents):
            continue  # a route starting the job in the background answers at once: nobody waits on it
        if routes and (inner := _innermost_def(node, parents)) is not None and request_entry(inner, ctree) \
                and not _only_in_background(project, cpath, owner_of(node, parents)):
            return True  # the do_POST of an http.server handler class made inside a method
        owner = owner_of(node, parents) or outer_owner(node, parents)  # (a nested def handed to a thread)
        odef = find_def(ctree, owner) if owner else None
        if odef is None or odef is fn:
            continue
        call = parents.get(id(node))
        if routes and HANDLER.search(odef.name) and isinstance(call, ast.Call) and any(
                from_parameters(odef, a) for a in [*call.args, *(k.value for k in call.keywords)]):
            return True
        if _serves_request(project, cpath, owner, depth + 1, seen, routes):
            return True
    return False


def _innermost_def(node: ast.AST, parents: dict[int, ast.AST]) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    while (node := parents.get(id(node))) is not None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return node
    return None


def _only_in_background(project: Project, path: str, function: str | None) -> bool:
    """Every reference to ``function`` starts it in the background (:func:`_in_background`): a job a
    route hands the request's body to (``def run_job(req: AnalyzeRequest)`` as a ``Thread`` target)
    and answers at once. Taking a request object does not make it live work: nobody waits on it."""
    return _every_call(project, path, function, "only_in_background", _in_background, web=True)


def _offline_run(project: Project, path: str, function: str, depth: int, seen: set[tuple[str, str]]) -> bool:
    """A command-line run reaches ``function`` (up to four levels up): a script's top-level code
    calls it (``asyncio.run(main())``, ``main()`` under ``__main__``; not a module's try-out on a
    written-out sample, :func:`_try_out`), or a click / typer command does; UI code aside."""
    if (path, function) in seen or depth > _MAX_REQUEST_DEPTH:
        return False
    seen.add((path, function))
    for cpath, ctree, node, parents in recorded_references(project, path, function):
        call = parents.get(id(node))
        if not isinstance(call, ast.Call) or call.func is not node or imports_any(ctree, UI_APPS) \
                or (same_file(cpath, path) and _try_out(node, parents)):
            continue  # (a reference that is not a call: a route table, a re-export)
        owner = owner_of(node, parents) or outer_owner(node, parents)
        odef = find_def(ctree, owner) if owner else None
        if owner is None or (odef is not None and cli_command(odef, ctree)):
            return True
        if (cpath, owner) != (path, function) and _offline_run(project, cpath, owner, depth + 1, seen):
            return True
    return False


def _handed_to_a_service_loop(project: Project, node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    """``node`` is handed to a project function that calls it once per cycle of its service loop:
    ``imap_service.monitor(process_emails_callback)``, whose ``while True:`` polls the inbox and
    calls ``callback(emails)`` with each fetch (a parameter that no other project def of the same
    name handles otherwise)."""
    call = parents.get(id(node))
    if not isinstance(call, ast.Call) or call.func is node or node not in call.args:
        return False
    name = call.func.attr if isinstance(call.func, ast.Attribute) else call.func.id \
        if isinstance(call.func, ast.Name) else None
    if name is None:
        return False
    at = call.args.index(node)
    defs = [(d, parents_of(t)) for other in files_saying(project, f"def {name}(".encode())
            if (t := tree_of(project, other)) is not None
            for d in walk(t) if isinstance(d, (ast.FunctionDef, ast.AsyncFunctionDef)) and d.name == name]
    return bool(defs) and all(_cycles_through(d, up, at + (isinstance(call.func, ast.Attribute) and _is_method(d)))
                              for d, up in defs)


def _is_method(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    params = fn.args.posonlyargs + fn.args.args
    return bool(params) and params[0].arg in ("self", "cls")


def _cycles_through(fn: ast.FunctionDef | ast.AsyncFunctionDef, parents: dict[int, ast.AST], at: int) -> bool:
    """``fn``'s positional parameter ``at`` is called inside a service loop of ``fn``."""
    params = fn.args.posonlyargs + fn.args.args
    if at >= len(params):
        return False
    param = params[at].arg
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == param
               and in_service_loop(n, parents) for n in walk(fn))


def _ui_only(project: Project, path: str, function: str, depth: int, seen: set[tuple[str, str]]) -> bool:
    """Every use of ``function`` is in a UI app's code (a module importing Streamlit, Gradio or a
    desktop toolkit) or in a function only such code calls, up to four levels up: its loops run
    while the user sits at the page, like a loop in the page itself (:func:`.loopjudge.live`).
    A function an offline script also calls is not: that run can wait for a batch (the module's own
    try-out on a sample aside: :func:`_try_out`)."""
    if (path, function) in seen or depth > _MAX_REQUEST_DEPTH or "." not in function and _run_by_name(project, path):
        return False
    seen.add((path, function))
    used = False
    for cpath, ctree, node, parents in _references_through_heirs(project, path, function):
        if same_file(cpath, path) and _try_out(node, parents):
            continue
        if not imports_any(ctree, UI_APPS):
            owner = owner_of(node, parents) or outer_owner(node, parents)
            if owner is None and not isinstance(parents.get(id(node)), ast.Call):
                continue  # a package's re-export or an alias, not a run
            if owner is None or (cpath, owner) == (path, function) \
                    or not _ui_only(project, cpath, owner, depth + 1, seen):
                return False
        used = True
    return used


def _references_through_heirs(project: Project, path: str,
                              function: str) -> list[tuple[str, ast.Module, ast.expr, dict[int, ast.AST]]]:
    """The references to ``function`` and, for a method, to it as each project subclass inherits it:
    ``processor = ClaudeProcessor(key)`` (one of several ``BaseProcessor`` subclasses a window picks)
    then ``processor.process_images(pages)`` runs ``BaseProcessor.process_images``."""
    found = recorded_references(project, path, function)
    for sub_path, sub_method in inheriting_methods(project, path, function):
        known = {id(node) for _, _, node, _ in found}
        found += [r for r in recorded_references(project, sub_path, sub_method) if id(r[2]) not in known]
    return found


def _run_by_name(project: Project, path: str) -> bool:
    """A project file other than UI code spells the dotted name of ``path``'s module in a string: a
    runner importing its jobs by name (``WORKFLOWS = {"emails": "workflows.process_emails"}`` then
    ``__import__(WORKFLOWS[name]).run()``, a scheduler's task path), which no reference search sees."""
    rel = os.path.relpath(path, project.root)
    dotted = rel[:-3].replace(os.sep, ".").removesuffix(".__init__") if rel.endswith(".py") else ""
    if "." not in dotted or dotted.startswith("."):
        return False  # (a top-level module's one-word name says too little)
    for quoted in (f'"{dotted}"', f"'{dotted}'"):
        for other in files_saying(project, quoted.encode()):
            tree = tree_of(project, other)
            if tree is not None and not same_file(other, path) and not imports_any(tree, UI_APPS):
                return True
    return False


def _try_out(node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    """``node`` is called in a module's ``if __name__ == "__main__":`` block on a written-out sample
    (``pdf.extraction(pdf_path="./input/report.pdf")``, ``analyze(test_change)`` with ``test_change``
    a literal there), not a command-line run over the user's data (``main(args.papers_dir)``)."""
    call = parents.get(id(node))
    if not isinstance(call, ast.Call) or call.func is not node:
        return False
    guard: ast.AST = call
    while id(guard) in parents and not (isinstance(guard, ast.If) and isinstance(parents.get(id(guard)), ast.Module)):
        guard = parents[id(guard)]
    test = guard.test if isinstance(guard, ast.If) else None
    if not (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "__name__"):
        return False
    written = {t.id for st in guard.body if isinstance(st, ast.Assign) and isinstance(st.value, ast.Constant)
               for t in st.targets if isinstance(t, ast.Name)}
    return all(isinstance(a, ast.Name) and a.id in written or _written_out(a)
               for a in [*call.args, *(k.value for k in call.keywords)])


def _written_out(node: ast.expr) -> bool:
    """A constant, or a list / tuple of constants."""
    return isinstance(node, ast.Constant) or isinstance(node, (ast.List, ast.Tuple)) and all(
        isinstance(e, ast.Constant) for e in node.elts)


def _in_background(node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    """``node`` (a function's name) is handed to a background runner: ``threading.Thread(target=f,
    ...)`` that the function starting it never joins, or ``background_tasks.add_task(f, ...)``
    (FastAPI / Starlette run it after the response)."""
    call = parents.get(id(node))
    if isinstance(call, ast.keyword) and call.arg == "target":
        call = parents.get(id(call))
        func = call.func if isinstance(call, ast.Call) else None
        return ((isinstance(func, ast.Attribute) and func.attr == "Thread") or (
            isinstance(func, ast.Name) and func.id == "Thread")) and not _joined(call, parents)
    return after_response(node, parents)


def _joined(thread: ast.AST, parents: dict[int, ast.AST]) -> bool:
    """``t = Thread(...)`` whose ``t.join()`` the enclosing function calls: it waits for the work."""
    assign = parents.get(id(thread))
    if not (isinstance(assign, ast.Assign) and len(assign.targets) == 1 and isinstance(assign.targets[0], ast.Name)):
        return False
    fn: ast.AST = assign
    while id(fn) in parents and not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
        fn = parents[id(fn)]
    name = assign.targets[0].id
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "join"
               and isinstance(n.func.value, ast.Name) and n.func.value.id == name for n in walk(fn))


def batch_alternative(project: Project, path: str, function: str | None) -> bool:
    """Every call of ``function`` is the ``if`` arm taken on a condition whose ``else`` sends the
    same work as a batch (``if sync: _classify_sync(terms) else: _classify_batch(terms)``): the
    per-item loop is the opt-in path beside a default batch, not a missed batch. Batching that is
    itself the opt-in (``if args.batch: ... else: run_each(rows)``) leaves the default per item."""
    return _every_call(project, path, function, "batch_alternative", opt_in_arm)


def fallback_only(project: Project, path: str, function: str | None) -> bool:
    """Every call of ``function`` is made in an ``except`` handler (``except Exception: return
    self._anthropic_fallback(prompt)``) or a loop's ``else`` (a batch that timed out): a request sent
    only when another way failed, not per-item work to batch."""
    return _every_call(project, path, function, "fallback_only", _in_handler)


def _every_call(project: Project, path: str, function: str | None, memo: str,
                test: Callable[[ast.AST, dict[int, ast.AST]], bool], web: bool = False) -> bool:
    """``test`` holds for every reference to ``function`` in the project (and there is one; ``web``:
    the web layer's files searched too), once per run; the files holding them are what a cached
    result depends on."""
    if function is None:
        return False

    def compute() -> bool:
        found = recorded_references(project, path, function, web)
        return bool(found) and all(test(node, parents) for _, _, node, parents in found)

    return remember_with_deps(project, memo, (path, function), compute)


def _in_handler(node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    """In an ``except`` handler, or in the ``else`` of a loop that ran out without ``break`` (``while
    waited < TIMEOUT: ... poll the batch ... else: return summarize_sequential(...)``): a way out.
    Not a handler that goes over the items itself (``except ValueError: return await gather(*[one(t)
    for t in texts])``: a chunk's request failing over to one request per item is per-item work),
    unless what failed was a Message Batch: then sending one by one is the way out of it."""
    looped = False
    while id(node) in parents and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        child, node = node, parents[id(node)]
        looped = looped or isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)) \
            or isinstance(node, (ast.For, ast.AsyncFor)) and child in node.body
        if isinstance(node, ast.ExceptHandler):
            tried = parents.get(id(node))
            return not looped or isinstance(tried, ast.Try) and any(
                isinstance(n, ast.Attribute) and n.attr == "batches" for st in tried.body for n in walk(st))
        if isinstance(node, (ast.While, ast.For, ast.AsyncFor)) and child in node.orelse:
            return True
    return False


def opt_in_arm(node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    """``node`` is in the ``if`` arm whose ``else`` batches, or in an arm that returns early
    (``if not client.supports_batch(): return await self._each(records)``) before code that batches,
    or in the ``else`` of an ``if args.method == "batches":`` that batches when the option's default
    is that value (``--method``, default ``"batches"``): the one-by-one arm is the user's opt-out."""
    child = node
    while id(child) in parents and not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
        parent = parents[id(child)]
        if isinstance(parent, ast.If) and child in parent.body and (_batches(parent.orelse) or (
                parent.body and isinstance(parent.body[-1], ast.Return) and _batches(_after(parent, parents)))):
            return True
        if isinstance(parent, ast.If) and child in parent.orelse and _batches(parent.body) \
                and _default_holds(parent.test, parents):
            return True
        child = parent
    return False


def _default_holds(test: ast.expr, parents: dict[int, ast.AST]) -> bool:
    """``args.method == "batches"`` where ``args = parser.parse_args()`` in the function and the
    option's default is ``"batches"``: the test holds unless the user says otherwise."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)
            and isinstance(opt := test.left, ast.Attribute) and isinstance(opt.value, ast.Name)
            and isinstance(wanted := test.comparators[0], ast.Constant)):
        return False
    node: ast.AST = test
    while id(node) in parents and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        node = parents[id(node)]
    tree = node
    while id(tree) in parents:
        tree = parents[id(tree)]
    bound = [a.value for a in walk(node) if isinstance(a, ast.Assign) and len(a.targets) == 1
             and isinstance(a.targets[0], ast.Name) and a.targets[0].id == opt.value.id]
    default = option_default(tree, bound[0], opt.value.id, opt.attr,
                             lambda e: e.value if isinstance(e, ast.Constant) else None) if len(bound) == 1 else None
    return isinstance(tree, ast.Module) and default is not None and default == wanted.value


def _batches(statements: list[ast.stmt]) -> bool:
    return any(isinstance(n, ast.Call) and mentions_batching(n) for st in statements for n in walk(st))


def _after(stmt: ast.stmt, parents: dict[int, ast.AST]) -> list[ast.stmt]:
    """The statements that follow ``stmt`` in its block."""
    found = block_of(stmt, parents)
    return found[0][found[1] + 1:] if found else []


def under_batching(project: Project, path: str, function: str | None, line: int | None = None,
                   depth: int = 0, seen: set[tuple[str, str]] | None = None) -> bool:
    """The code at ``line`` of ``function`` (module level when None) runs under a library's batching
    context: inside ``with batchify():``, a function decorated by one, or a function some caller
    (up to three levels up) runs inside such a context or hands to a batching wrapper
    (``batchify(main)``)."""
    seen = set() if seen is None else seen
    tree = tree_of(project, path)
    if tree is None or (path, function or "") in seen or depth > 3:
        return False
    seen.add((path, function or ""))
    parents = parents_of(tree)
    if line is not None:
        for node in facts_of(tree).calls:
            if node.lineno == line and batching_context(node, parents):
                return True
    fn = find_def(tree, function) if function else None
    if fn is None or function is None:
        return False
    if any(mentions_batching(d) for d in fn.decorator_list):
        return True
    for cpath, ctree, node, cparents in references_with_parents(project, path, function):
        parent = cparents.get(id(node))
        if batching_context(node, cparents) or (
                isinstance(parent, ast.Call) and node is not parent.func and mentions_batching(parent)):
            return True
        owner = owner_of(node, cparents)
        if owner and owner != function and under_batching(project, cpath, owner, None, depth + 1, seen):
            return True
    return False
