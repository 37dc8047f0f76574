"""Loops in callers: where a function that sends a request is called once per item.

TB401 sees a loop around the call in the same function; real code loops in a caller, often in
another module (``for doc in tqdm(docs): summarize(doc)``, a comprehension over the eval set,
``ThreadPoolExecutor.map(ask, rows)``, ``asyncio.gather(*[ask(x) for x in rows])``,
``df.iterrows()``). :func:`loop_callers` finds them through the project index:

* a word index (identifier -> files that call it, pass it, alias it or import it), built once per
  run from the project's ``.py`` files by a byte regex; then only the files naming the function
  and its module are parsed (:mod:`ast`), only their import statements are kept when they do not
  import it (:mod:`.importcheck`), and only the functions naming it are mapped (:mod:`.callwalk`);
* a caller counts when it names the function: imported from the defining module under any alias
  (``from m import f as g``, ``import m as mm; mm.f``, ``from m import *``, imports inside
  functions; through a package that re-exports it: ``from .providers import Summarizer``),
  re-bound (``fn = f``), ``self.f`` / an instance of the class for a method, or a base class that
  declares the method (looping over ``provider.generate(row)`` with a ``Provider`` runs the
  subclass's), or a subclass that inherits it (:mod:`.subclasses`); called inside a ``for`` loop
  or a comprehension, or passed to ``map``/``submit``;
* a function passed as an argument (``run_eval(generate=generate)``, ``process(rows, fn)``) is
  followed into the function that receives it, in any module, through up to three hand-offs, to
  the loop that calls the parameter, or to the loop around the hand-off when the receiver only
  runs it (``[limited(sem, f, x) for x in rows]``, a semaphore or retry wrapper; a wrapper's own
  callers are not climbed: they pass other functions); the forms a loop runs a function in
  (``pool.submit``, ``map``, joblib's ``delayed``, a ``Thread`` target, ``partial``, a local
  helper) are :mod:`.runforms`;
* a caller with no loop is itself looked up (up to three levels: helper -> wrapper -> runner -> loop),
  also when the call sits in a local ``def`` its function runs in place (``def make_request(): ...``
  then ``return self._retry(make_request)``, a retry helper inherited from a base class);
  a loop in dead code (:mod:`.uncalled`) is passed over as if it were not there;
* whether the loop is a batch of independent items is :mod:`.loopjudge`'s call (dependent
  requests, retries, sweeps, interactive and live loops, library batching contexts are not, nor
  the opt-in per-item path of a command whose default sends the same work as a batch); a call
  whose latency the caller keeps per call (a latency benchmark) is not followed up;
  a function memoised by a cache decorator, or one that returns early on a cache hit, is never
  reported (repeats are free).

Where a function is named (candidate files, imports, references) is :mod:`.callrefs`; whether the
work is already batched by a library or is live work someone waits for (a route, a request handler,
a service loop up the callers) is :mod:`.livework`. The web layer's folders (``routes/``, ``views/``,
``endpoints/``) are skipped when looking for batch loops but searched when looking for who runs a
function. Calls that run a function without naming it: a dispatch table's entry picked by key
(:mod:`.runforms`), a LangGraph node (:mod:`.graph_nodes`), an instance handed to another function
(:mod:`.injected`), the closure a factory returns (``df.progress_apply(make_labeler(model))``).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pytest_tokenbudget.lint.analysis.values import DataRows, OpenList
from pytest_tokenbudget.lint.astwalk import walk
from pytest_tokenbudget.lint.callnames import (Def, Refs, base_methods, closure_owner, find_def, owner_of, param_of,
                                                parents_of, resolve_function, same_file, test_or_live_file, tree_of)
from pytest_tokenbudget.lint.callrefs import candidates, naming_of, refs_in
from pytest_tokenbudget.lint.graph_nodes import graph_runs, registers_node
from pytest_tokenbudget.lint.injected import injected_scopes
from pytest_tokenbudget.lint.livework import batch_alternative, opt_in_arm, serves_request
from pytest_tokenbudget.lint.loopbody import (acts_at_once, asks_a_person, confirms_each, latency_kept,
                                              mentions_batching, returned_latency)
from pytest_tokenbudget.lint.loopcuts import cut_to_a_handful
from pytest_tokenbudget.lint.loopguards import Need, dispatched_per_item, forwarded_needs, guard_params, \
    literal_needs, one_item_flag, passes_other_branch, receiver_needs
from pytest_tokenbudget.lint.loopjudge import WRITTEN_OUT, Hit, conversation_turn, enclosing_loop, live, mapped
from pytest_tokenbudget.lint.memoised import memoised
from pytest_tokenbudget.lint.protocols import protocol_methods
from pytest_tokenbudget.lint.runforms import (Use, delayed_call, guarded_run, handed_lambda, hit_on, is_partial,
                                               local_handoffs, local_uses, partial_uses, returned_by, returns_name,
                                               run_in_place, runs_in_executor, runs_param, submits, table_loops,
                                               table_lookups, table_uses, thread_target, wrapper_calls)
from pytest_tokenbudget.lint.runmemo import remember_with_deps
from pytest_tokenbudget.lint.script_jobs import awaited_by_script, job_coroutine
from pytest_tokenbudget.lint.source import NotebookError, notebook_source
from pytest_tokenbudget.lint.subclasses import inheriting_methods
from pytest_tokenbudget.lint.turns import Turns, conversation_turns
from pytest_tokenbudget.lint.unmade import never_made
from pytest_tokenbudget.lint.uncalled import in_uncalled_function

if TYPE_CHECKING:
    from pytest_tokenbudget.lint.project import Project

__all__ = ["LoopCaller", "loop_callers"]

_MAX_DEPTH = 3  # caller levels above the function (helper -> wrapper -> runner -> loop)
_MAX_HANDOFFS = 3  # a function passed on as an argument, function to function


@dataclass(frozen=True)
class LoopCaller:
    path: str
    line: int  # the loop's line (within its cell for a notebook)
    kind: str  # "for loop" / "comprehension" / "map"
    over: str  # the iterable's source text (short)
    cell: int | None = None  # the notebook code cell holding the loop


# ------------------------------------------------------------------------------ the search
@dataclass
class _Search:
    project: Project
    seen: set[tuple[str, ...]] = field(default_factory=set)
    plain: list[tuple[str, str]] = field(default_factory=list)  # callers with no loop: (path, function)
    memo: dict[tuple[str, ...], bool] = field(default_factory=dict)
    turns: Turns | None = None  # the function is a turn of the conversation its object keeps (.turns)
    callee: Def | None = None  # the function whose callers are searched
    timed: int | None = None  # the item of its returned tuple that is its request's latency (.loopbody)
    guarded: frozenset[str] = frozenset()  # its parameters that flag the call below it (.loopguards)
    guards: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)  # the same, per plain caller
    needs: tuple[Need, ...] = ()  # constants its parameters must (not) equal for the request to run (.loopguards)
    branches: dict[tuple[str, str], tuple[Need, ...]] = field(default_factory=dict)  # the same, per plain caller
    impl: str | None = None  # the class whose method an interface search came from (.loopguards.Instance)


def _scan(s: _Search, path: str, tree: ast.Module, refs: Refs, scope: ast.AST, callee: Def | None,
          handoffs: int) -> list[LoopCaller]:
    """Loops in ``scope`` that call (or map) what ``refs`` names, or that call a function it is passed to."""
    if scope is tree:  # the calls naming the function, and their ancestors
        found = naming_of(s.project, path, tree, refs)
        parents, calls = found.parents, iter(found.calls)
    else:
        parents, calls = parents_of(tree), (n for n in walk(scope) if isinstance(n, ast.Call))
    out: list[LoopCaller] = []
    if scope is tree:  # models = {"claude": classify}: the loops over the table
        for name in found.names:
            if refs.refers(name):
                _named(s, out, path, tree, name, parents, callee, handoffs)
    for node in calls:
        hit: Hit | None
        func = node.func
        if s.turns is not None and refs.refers(func) and s.turns(node, parents):
            continue  # one of the object's turns: the conversation, not the call, is the unit
        if refs.refers(func) and (latency_kept(node, parents) or s.timed is not None and latency_kept(
                node, parents, s.timed)):
            continue  # each call's latency is what this code measures: a batch cannot give it
        if refs.refers(func):
            hit = hit_on(node, func, parents, callee)
        elif node.args and refs.refers(node.args[0]) and (submits(node) or mapped(node) is not None):
            hit = hit_on(node, node.args[0], parents, callee)
        elif len(node.args) >= 2 and refs.refers(node.args[1]) and runs_in_executor(node):
            hit = enclosing_loop(node, parents, callee)  # loop.run_in_executor(None, f): one run of f
        elif node.args and refs.refers(node.args[0]) and (made := delayed_call(node, parents)) is not None:
            hit = enclosing_loop(made, parents, callee)  # Parallel(...)(delayed(f)(x) for x in rows)
        elif (target := thread_target(node)) is not None and refs.refers(target):
            hit = enclosing_loop(node, parents, callee)  # [Thread(target=f, args=(x,)) for x in rows]
        elif not refs.method and node.args and refs.refers(node.args[0]) and is_partial(node):
            for call, around, hit in partial_uses(node, parents):  # partial(f, ...) mapped or bound
                _add_hit(s, out, path, tree, call, around, hit)
            up = parents.get(id(node))
            up = parents.get(id(up)) if isinstance(up, ast.keyword) else up
            if isinstance(up, ast.Call) and up.func is not node:  # run(model=partial(f, ...)): handed on
                out.extend(c for c in _handed_on(s, path, tree, up, _Node(node), handoffs)[0] if c not in out)
            continue
        elif not refs.method and registers_node(node) and refs.refers(node.args[-1]):
            for run in graph_runs(s.project, path, tree, node, parents):  # each run of the graph calls the node
                _call_of(s, out, run.path, run.tree, run.call, run.parents, handoffs)
            continue
        elif (handed := _handed_arg(refs, node)) is not None:
            receiver = node  # pool.submit(g, f, x): g(f, x) runs in the pool; partial(g, fn=f): g(fn=f) later
            if (submits(node) or is_partial(node)) and node.args and not isinstance(node.args[0], ast.Starred):
                receiver = ast.Call(func=node.args[0], args=node.args[1:], keywords=node.keywords)
            loops, runs = _handed_on(s, path, tree, receiver, _Node(handed) if refs.method else refs, handoffs)
            out.extend(loops)
            if loops or not runs:
                continue  # (a receiver that only runs f, e.g. a retry helper: the hand-off is a call of f)
            if is_partial(node):  # pool.map(partial(process, judge=f), rows): each run of g runs f
                for call, around, hit in partial_uses(node, parents):
                    _add_hit(s, out, path, tree, call, around, hit)
                continue
            hit = enclosing_loop(node, parents, callee)  # [limited(sem, f, x) for x in rows]
        else:
            continue
        if hit is None:
            local = local_uses(node, parents, lambda fn: awaited_by_script(s.project, path, fn, tree)) \
                or table_uses(node, parents)  # (a lambda in a dispatch table)
            handed: list[LoopCaller] = []
            if not local:  # the local helper handed to a function that maps it: map_with_progress(fn, rows)
                handed, local = _local_handed_on(s, path, tree, node, callee, handoffs, parents)
                out += [c for c in handed if c not in out]
            owner = owner_of(node, parents) or closure_owner(node, parents) or (  # (make_labeler.label)
                None if local or handed else _in_place_owner(node, parents))  # (return self._retry(make_request))
            if not local and not handed and owner and not handoffs:  # (not a wrapper given f)
                _plain_caller(s, path, owner, node, parents, callee)
            for call, around, hit in local:  # the local helper holding the call, looped over beside it
                _add_hit(s, out, path, tree, call, around, hit)
        else:
            _add_hit(s, out, path, tree, node, parents, hit)
    return out


def _handed_arg(refs: Refs, call: ast.Call) -> ast.expr | None:
    """The argument of ``call`` that hands the function on: the function itself, or for a method, a
    bound method of an instance this file makes (``ai = AiClient()`` then ``label(df, classifier=ai.call)``)
    or of ``self`` beside it (not through a pool's ``submit`` or ``partial``: those run the method itself)."""
    args = [*call.args, *(k.value for k in call.keywords)]
    if not refs.method:
        return next((a for a in args if refs.refers(a)), None)
    if submits(call) or is_partial(call):
        return None
    return next((a for a in args if isinstance(a, ast.Attribute) and a.attr == refs.attr and refs.refers(a) and (
        ast.unparse(a.value) in refs.receivers
        or refs.self_only and isinstance(a.value, ast.Name) and a.value.id in ("self", "cls"))), None)


def _in_place_owner(node: ast.Call, parents: dict[int, ast.AST]) -> str | None:
    """The function whose local ``def`` holds ``node`` and runs it in place (:func:`.runforms.run_in_place`),
    or whose lambda holding it goes to a function that runs it once (``_retry(lambda: self._call(p))``:
    asked when no loop turned up in that function nor around the call): its callers hold the loop."""
    if (fdef := run_in_place(node, parents)) is None:  # (a lambda in a closure: the closure's own name)
        lam = handed_lambda(node, parents)
        return (owner_of(lam[0], parents) or closure_owner(lam[0], parents)) if lam is not None else None
    return owner_of(fdef, parents)


def _plain_caller(s: _Search, path: str, owner: str, node: ast.Call, parents: dict[int, ast.AST],
                  callee: Def | None) -> None:
    """``owner`` calls the function with no loop around the call: its callers are searched next, under
    the tests that let this call run (:mod:`.loopguards`); not for a conversation's turn, a pass that
    alerts at once, nor a call another branch takes. A second call in ``owner`` under other tests
    (``if override: f(...) else: f(...)``) keeps the tests both share: either way reaches the request."""
    if conversation_turn(node, parents, callee) or acts_at_once(node, parents) \
            or passes_other_branch(node, s.needs, s.callee):
        return
    key, guards = (path, owner), guard_params(node, parents)
    needs = literal_needs(node, parents) + receiver_needs(node, parents, s.impl) \
        + forwarded_needs(node, parents, s.needs, s.callee)  # (a dispatcher's test, one level up)
    if key in s.plain:
        s.guards[key] = s.guards.get(key, frozenset()) & guards
        s.branches[key] = tuple(n for n in s.branches.get(key, ()) if n in needs)
        return
    s.plain.append(key)
    s.guards[key], s.branches[key] = guards, needs


def _call_of(s: _Search, out: list[LoopCaller], path: str, tree: ast.Module, call: ast.Call,
             parents: dict[int, ast.AST], handoffs: int) -> None:
    """A call that runs the function without naming it (a table's entry by key, a graph run): its
    loop, or else its function's callers, climbed like a plain caller's."""
    if (hit := enclosing_loop(call, parents, None)) is not None:
        _add_hit(s, out, path, tree, call, parents, hit)
    elif (owner := owner_of(call, parents)) and (path, owner) not in s.plain and not handoffs:
        s.plain.append((path, owner))


def _add_hit(s: _Search, out: list[LoopCaller], path: str, tree: ast.Module, node: ast.Call,
             parents: dict[int, ast.AST], hit: Hit) -> None:
    if in_uncalled_function(s.project, path, hit.line, None):
        return  # dead code: the search goes on to the callers, as when no loop is found
    owner = owner_of(node, parents)
    if not live(node, parents, hit, tree, lambda fn: awaited_by_script(s.project, path, fn, tree)) \
            and not (_request_work(s, path, owner) and not job_coroutine(s.project, path, tree, node, parents)) \
            and not _handful_passed(s, path, node, parents, hit) and not _cut_short(s, path, node, parents, hit) \
            and not batch_alternative(s.project, path, owner) and not opt_in_arm(node, parents) \
            and not one_item_flag(node, parents, s.guarded, s.callee) \
            and not passes_other_branch(node, s.needs, s.callee) \
            and not dispatched_per_item(node, parents, s.needs, s.callee):  # (one item's request; another branch)
        found = _located(s.project, LoopCaller(path, hit.line, hit.kind, hit.over))
        if found not in out:
            out.append(found)


def _handful_passed(s: _Search, path: str, node: ast.Call, parents: dict[int, ast.AST], hit: Hit) -> bool:
    """The loop runs over a parameter that every project caller, a script's or a notebook's own
    top-level code, fills with a handful (``pipeline(tweets)``, three hand-picked examples): a
    demonstration, not batch work. The rows of a data file are a dataset, not a handful (:class:`DataRows`),
    nor is a list filled by a loop (:class:`OpenList`: its length is only a lower bound)."""
    fn: ast.AST = node
    while id(fn) in parents and not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
        fn = parents[id(fn)]
    it, owner = hit.iter_node, owner_of(node, parents)
    if not isinstance(it, ast.Name) or not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) or owner is None \
            or it.id not in {a.arg for a in [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs]}:
        return False
    values_of = s.project.__dict__.get("parameter_values")  # set by .analysis.crossref (a layer above)
    found = (values_of(s.project, path, owner, frozenset({it.id})) or []) if values_of is not None else []
    return bool(found) and all(isinstance(v := a.values.get(it.id), (list, tuple)) and len(v) <= WRITTEN_OUT
                               and not isinstance(v, (DataRows, OpenList)) and _at_top_level(s.project, *a.callers[0])
                               for a in found)


def _cut_short(s: _Search, path: str, node: ast.Call, parents: dict[int, ast.AST], hit: Hit) -> bool:
    """The loop's collection is cut to a handful on the path that runs (``x = x[:limit] if limit else
    x[:1]``, no caller passing a limit: :mod:`.loopcuts`)."""
    loop: ast.AST = node
    while id(loop) in parents and not (isinstance(loop, (ast.For, ast.AsyncFor)) and loop.lineno == hit.line):
        loop = parents[id(loop)]
    owner = owner_of(node, parents)
    values_of = s.project.__dict__.get("parameter_values")  # set by .analysis.crossref (a layer above)
    if not isinstance(loop, (ast.For, ast.AsyncFor)) or owner is None or values_of is None:
        return False

    def values(param: str) -> list[object] | None:
        found = values_of(s.project, path, owner, frozenset({param}))
        return [a.values.get(param) for a in found] if found else None

    return cut_to_a_handful(loop, parents, values)


def _at_top_level(project: Project, path: str, line: int) -> bool:
    """Line ``line`` of ``path`` is module-level code (a script's or a notebook's own run, not a
    function that a program calls with data of its own)."""
    tree = tree_of(project, path)
    return tree is not None and not any(isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                                        and st.lineno <= line <= (st.end_lineno or st.lineno) for st in tree.body)


def _named(s: _Search, out: list[LoopCaller], path: str, tree: ast.Module, name: ast.AST,
           parents: dict[int, ast.AST], callee: Def | None, handoffs: int) -> None:
    """The uses of a bare reference to the function (not a call of it): a dispatch table's entry, a
    picker's return value, an item of a list of (label, function) pairs."""
    for call, around, hit in table_uses(name, parents):
        _add_hit(s, out, path, tree, call, around, hit)
    if (picker := returned_by(name, parents)) is not None and not handoffs:
        out += [c for c in _made_by(s, path, tree, picker) if c not in out]  # checker = pick(case)
    for call, around in table_lookups(name, parents):  # DISPATCH[model](prompt): a call of it
        _call_of(s, out, path, tree, call, around, handoffs)
    for loop, bound in table_loops(name, parents):  # for label, fn in MODELS: run(fn, rows)
        out += [c for c in _scan(s, path, tree, Refs(names={bound}), loop, callee, handoffs)
                if c not in out and not (same_file(c.path, path) and c.line == loop.lineno)]  # (the sweep)


def _request_work(s: _Search, path: str, owner: str | None) -> bool:
    key = ("request", path, owner or "")
    if key not in s.memo:
        s.memo[key] = serves_request(s.project, path, owner)
    return s.memo[key]


def _local_handed_on(s: _Search, path: str, tree: ast.Module, node: ast.Call, callee: Def | None,
                     handoffs: int, parents: dict[int, ast.AST]) -> tuple[list[LoopCaller], list[Use]]:
    """For a call inside a local helper handed to another function (``map_with_progress(fn, rows)``):
    the loops that function runs it in, and the calls of a function that runs it once (a retry
    wrapper) with the loop around them."""
    name, calls = local_handoffs(node, parents)
    handed = [(call, around, Refs(names={name}, attr=name)) for call, around in calls]
    if not handed and (lam := handed_lambda(node, parents)) is not None:  # run(fn=lambda x: f(MODEL, x))
        handed = [(lam[1], parents, _Node(lam[0]))]
    loops: list[LoopCaller] = []
    uses: list[Use] = []
    for call, around, refs in handed:
        found, runs = _handed_on(s, path, tree, call, refs, handoffs)
        loops += [c for c in found if c not in loops]
        if not found and runs and (hit := enclosing_loop(call, around, callee)) is not None:
            uses.append((call, around, hit))
    return loops, uses


class _Node(Refs):
    """Refers to one expression only (a ``partial(f, ...)`` handed on as an argument)."""

    def __init__(self, node: ast.AST) -> None:
        super().__init__()
        self.node = node

    def refers(self, node: ast.expr) -> bool:
        return node is self.node


def _handed_on(s: _Search, path: str, tree: ast.Module, call: ast.Call, refs: Refs,
               handoffs: int) -> tuple[list[LoopCaller], bool]:
    """``g(items, f)`` / ``g(fn=f)``: the loops in ``g`` (any module) that call the parameter, and
    whether ``g`` runs it at all (then a loop around the call of ``g`` runs ``f`` per item)."""
    if handoffs >= _MAX_HANDOFFS or mentions_batching(call):
        return [], False
    target = resolve_function(s.project, path, tree, call.func, parents_of(tree))
    if target is None:  # self.breaker.call(self._request, ...): a runner the search cannot open
        out: list[LoopCaller] = []
        for use in wrapper_calls(call, parents := parents_of(tree), tree):  # self._ask = retry(...)(self._ask_once)
            _call_of(s, out, path, tree, use, parents, handoffs)
        return out, guarded_run(call, refs.refers)
    tpath, tdef, tqual = target
    param = param_of(tdef, call, refs, "." in tqual)
    if param is None or memoised(tdef, tree_of(s.project, tpath)):
        return [], False
    runs = runs_param(tdef, param)
    key = ("param", tpath, tqual, param)
    if key in s.seen:
        return [], runs
    s.seen.add(key)
    ttree = tree_of(s.project, tpath)
    if ttree is None or (not same_file(tpath, path) and test_or_live_file(s.project, tpath)):
        return [], False
    return _scan(s, tpath, ttree, Refs(names={param}, attr=param), tdef, tdef, handoffs + 1), runs


def _located(project: Project, c: LoopCaller) -> LoopCaller:
    """A notebook's loop line as (cell, line within the cell), the way findings show it."""
    if not c.path.endswith(".ipynb"):
        return c
    mod = project._load(c.path)
    try:
        cell, line = notebook_source(mod.data).locate(c.line) if mod is not None else (None, c.line)
    except (NotebookError, ValueError, IndexError):
        return c
    return LoopCaller(c.path, line, c.kind, c.over, cell)


def loop_callers(project: Project, callee_path: str, function: str, depth: int = 0,
                 seen: set[tuple[str, ...]] | None = None, guarded: frozenset[str] = frozenset()) -> list[LoopCaller]:
    """The loops (in any project file) that call ``function`` (``f`` or ``Class.m``) of ``callee_path``,
    directly, through functions it is passed to, or through up to three plain (loop-free) callers;
    ``guarded``: its parameters an ``if`` tests before the request (a loop passing one of them as
    "this is the item" makes the request for one item: :mod:`.loopguards`). The answer of a search
    from the function itself is made once per run."""
    if depth == 0 and seen is None:  # every call site of the function asks the same question
        return list(remember_with_deps(project, "loop_callers", (callee_path, function, guarded), lambda: _loop_callers(
            project, callee_path, function, 0, set(), guarded=guarded)))
    return _loop_callers(project, callee_path, function, depth, seen, guarded=guarded)


def _loop_callers(project: Project, callee_path: str, function: str, depth: int,
                  seen: set[tuple[str, ...]] | None, turns: Turns | None = None,
                  guarded: frozenset[str] = frozenset(), needs: tuple[Need, ...] = (),
                  impl: str | None = None, inherited: Def | None = None) -> list[LoopCaller]:
    s = _Search(project, set() if seen is None else seen, guarded=guarded, needs=needs, impl=impl)
    key = ("fn", callee_path, function)
    if key in s.seen or depth > _MAX_DEPTH:
        return []
    s.seen.add(key)
    tree = tree_of(project, callee_path)
    fn = inherited or (find_def(tree, function) if tree is not None else None)  # (``inherited``: a subclass's)
    if fn is None or inherited is None and (memoised(fn, tree) or confirms_each(fn, tree)):
        return []  # (a repeat is free; a person confirms each request)
    s.turns = turns or conversation_turns(project, callee_path, tree, function, fn)
    s.callee, s.timed = fn, returned_latency(fn)
    out: list[LoopCaller] = []
    outer = _outer_function(tree, function) if tree is not None else None
    if outer is not None:  # a def inside a function (a retry-wrapped ``_call``): called there, nowhere else
        out += _scan(s, callee_path, tree, Refs(names={fn.name}), outer, fn, 0)
        if "." not in function.rsplit(".", 1)[0] and returns_name(outer, fn.name):  # a factory hands it out
            out += [c for c in _made_by(s, callee_path, tree, function.rsplit(".", 1)[0]) if c not in out]
    for path in candidates(project, callee_path, function) if outer is None else ():
        same = same_file(path, callee_path)
        ctree, refs = refs_in(project, path, callee_path, function, tree if same else None)
        if ctree is None or refs is None:
            continue
        for c in _scan(s, path, ctree, refs, ctree, fn if same else None, 0):
            if c not in out and (same_file(c.path, callee_path) or not test_or_live_file(project, c.path)):
                out.append(c)
    for path, ctree, scope, refs in injected_scopes(project, callee_path, function) if outer is None else ():
        for c in _scan(s, path, ctree, refs, scope, None, 0):  # an instance handed to a function or a service
            if c not in out and not test_or_live_file(project, c.path):
                out.append(c)
    interfaces = [*base_methods(project, callee_path, tree, function),  # declared bases, structural Protocols
                  *protocol_methods(project, callee_path, tree, function)] if outer is None and tree is not None \
        and not never_made(project, callee_path, tree, function.partition(".")[0]) else []  # (a subclass nothing makes)
    for base_path, base_method in interfaces:
        for c in _loop_callers(project, base_path, base_method, depth, s.seen, s.turns,  # through the interface
                               impl=function.partition(".")[0]):
            if c not in out:
                out.append(c)
    # reviewer = Reviewer(); reviewer.run(d) runs the base's request. Only for the method that holds the
    # request: further up the callers, a base's method may dispatch to another subclass's.
    heirs = inheriting_methods(project, callee_path, function) if outer is None and depth == 0 and impl is None else ()
    for sub_path, sub_method in heirs:
        for c in _loop_callers(project, sub_path, sub_method, depth, s.seen, s.turns, inherited=fn):
            if c not in out:
                out.append(c)
    if not out:
        for path, caller in s.plain[:8]:
            if _interactive(project, path, caller):
                continue  # each call waits on a person's answer (``input("Apply? [y/N]")``): not batch work
            guards = s.guards.get((path, caller), frozenset())
            # a local def run in place (a retry helper's ``_call``) is part of its function: not a level up
            up = depth if outer is not None and caller == function.rpartition(".")[0] else depth + 1
            for c in _loop_callers(project, path, caller, up, s.seen, guarded=guards,
                                   needs=s.branches.get((path, caller), ())):
                if c not in out:
                    out.append(c)
    return out


def _interactive(project: Project, path: str, function: str) -> bool:
    fn = find_def(tree, function) if (tree := tree_of(project, path)) is not None else None
    return fn is not None and asks_a_person(fn)


def _made_by(s: _Search, callee_path: str, tree: ast.Module, factory: str) -> list[LoopCaller]:
    """The loops that run the closure a factory returns: ``df.progress_apply(make_labeler(model))``,
    ``labeler = make_labeler(model)`` then a loop calling ``labeler`` (as for ``partial(f, ...)``)."""
    out: list[LoopCaller] = []
    for path in candidates(s.project, callee_path, factory):
        ctree, refs = refs_in(s.project, path, callee_path, factory, tree if same_file(path, callee_path) else None)
        if ctree is None or refs is None:
            continue
        found = naming_of(s.project, path, ctree, refs)
        for node in found.calls:
            if refs.refers(node.func):
                for call, around, hit in partial_uses(node, found.parents):
                    _add_hit(s, out, path, ctree, call, around, hit)
    return out


def _outer_function(tree: ast.Module, function: str) -> Def | None:
    """The function ``function`` is defined in (``f`` for ``f.inner``, ``C.m`` for ``C.m.inner``),
    or None for a module's function or a method."""
    head, _, _ = function.rpartition(".")
    return find_def(tree, head) if head else None


