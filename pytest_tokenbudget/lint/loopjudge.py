"""Is a loop around a call a batch of independent items? (TB401, for loops found by :mod:`.callers`)

Works on :mod:`ast` trees (the project index's parse). A loop is a batch candidate when it runs
once per item of a collection and the iterations do not depend on each other. Not a batch:

* dependent requests (:mod:`.loopflow`): the loop feeds the result back (``history.append(r)``, the request reads the
  reply's name or ``prev_tail = tail(blocks)`` set after it); nor is a loop further out, over chains;
* retries: ``for attempt in range(3)``, ``while retries < n``, ``while True: try: ...``, ``while not done:
  try: ...; done = True`` — a retry
  loop *inside* a per-item loop is looked through, the per-item loop outside it still counts;
* sweeps over models or parameters (``for model in MODELS``, ``for t in [0.0, 0.5]``; a sweep inside
  a per-item loop is looked through, like a retry: each item and setting is its own request), a fixed
  handful of cases written out in the code (``for key in ("demo_a", "demo_b")``, ten hand-written probe
  questions in a module constant: a literal list of at most :data:`WRITTEN_OUT` items, also through a
  name; a batch of ten saves little; but handfuls nested in one another count when their product
  passes ten: 5 categories x 6 domains), ``rows[:5]``, a fetch capped low (also by a command's ``limit``
  option defaulting to 5: :mod:`.loopsize`), the fields of one record (``pitch.items()``), the items the
  code names (``if name.lower() in ("skills", "projects")``), sweeps over kinds of
  thing (``task_types``, ``modes``). A loop over chunks (ten emails per request) still sends one
  independent request per chunk: it counts;
* an agent executing the tool calls of the response it just got (``for tc in tool_calls``);
* interactive loops (``input()``), loops that stop early on what they compute (``break``/``return``:
  searches; not ``except KeyboardInterrupt: break``, a run-wide ``if test_mode: break`` nor giving up
  on an empty reply, ``if not tasks: return``), and loops
  inside one (chunks screened until enough are in), a latency benchmark (each request's latency kept:
  :func:`.loopbody.latency_kept`, checked by :mod:`.callers` at each call on the way), and one
  identical request repeated (``for i in range(n)`` whose index never reaches it: timing, sampling; not
  one that sends each reply back, ``for _ in range(5)`` around a tool conversation: a conversation);
* live work, where someone waits for the answer: a web route (``@app.post``), a bot command, a
  sequential loop in ``async`` code (one that only makes the coroutines and gathers them later is a
  fan-out, like ``gather(*[ask(r) for r in rows])``; the coroutine a script runs with
  ``asyncio.run(main())`` is a batch job), a function called from a service loop (``while True:`` polling,
  trading or game loops); and a request handler (``lambda_handler``, ``handler``)
  **looping over the request's own items** (the iterable derives from the handler's parameters:
  ``for record in event["Records"]``). A handler that loops over data the job collected itself
  (new articles fetched by a scheduled ingestion, rows read from a database) is batch work, and so is
  a job a route only starts: a route that takes nothing from the request (``def send_digest():``
  running every user's digest) or hands the job to a background thread and answers at once
  (:func:`.livework.serves_request`);
* work already batched by a library: the loop runs inside ``with batchify():`` (any context whose
  callable's name says *batch*).

Live work is recognised from what the code shows: a route, a handler, a request object, a service
loop, async code, or a caller chain up to one of them (routes in the web layer's ``routes/`` /
``views/`` folders included, see :func:`.livework.serves_request`). A loop that nothing in the project
calls, in a real-time application (a poker assistant's ``batch_analyse(players)`` between hands),
is still reported: the code holds no sign of when it runs, and silencing every uncalled loop of a
project with a service loop would drop the ``summarise_all(docs)`` helpers that are the rule's main catch."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass

from pytest_tokenbudget.lint.astwalk import facts_of, walk
from pytest_tokenbudget.lint.asyncwork import fanned_out, script_entry, starts_jobs
from pytest_tokenbudget.lint.drains import pages
from pytest_tokenbudget.lint.draws import draws, feeds_draw
from pytest_tokenbudget.lint.loopbody import alerts, asks_a_person, batching_context, exits, over_a_reply, picked_few, \
    repeats
from pytest_tokenbudget.lint.loopflow import dependent, target_names
from pytest_tokenbudget.lint.loopsize import WRITTEN_OUT, handful, known_size, nested_product, small
from pytest_tokenbudget.lint.retries import RETRY, retry_while

__all__ = ["APPLY_METHODS", "HANDLER", "MAP_FUNCTIONS", "MAP_METHODS", "UI_APPS", "WRITTEN_OUT", "Hit",
           "cli_command", "conversation_turn", "enclosing_loop", "fallback_chain", "from_parameters", "handful",
           "imports_any", "in_service_loop", "is_sweep", "live", "mapped", "request_entry"]

_SWEEP = re.compile(r"model|temp|param|config|setting|provider|max_tokens|top_p|engine|variant|llm", re.I)
_SWEEP_ITER = re.compile(r"models|temperatures|params|parameters|configs\b|settings|providers|variants|engines|"
                         r"types\b|kinds\b|modes\b|plans\b", re.I)
# an agent executing the tool calls of the response it just got: the results feed its next turn
_AGENT_STEPS = re.compile(r"\btool_?(?:calls?|uses?|use_blocks|requests)\b", re.I)
_ROUTE = re.compile(r"\.(route|get|post|put|patch|delete|websocket|on_event|message|event|command)$|handler", re.I)
HANDLER = re.compile(r"handler|lambda", re.I)
_CLI = frozenset({"click", "typer"})
_NOT_REQUEST = frozenset({"self", "cls", "context"})


@dataclass(frozen=True)
class Hit:
    """A per-item loop: its kind (``for loop`` / ``comprehension`` / ``map``), line, iterable text
    and the iterable's node (for the live-request check)."""

    kind: str
    line: int
    over: str
    iter_node: ast.expr | None = None


MAP_METHODS = frozenset({"map", "imap", "imap_unordered", "starmap", "map_async"})
# functions that call their first argument once per item of the second, on a pool: tqdm's
# ``thread_map(f, rows)`` / ``process_map``, p_tqdm's ``p_map(f, rows)`` and its kin
MAP_FUNCTIONS = frozenset({"map", "thread_map", "process_map", "p_map", "p_imap", "p_umap", "p_uimap"})
APPLY_METHODS = frozenset({"apply", "progress_apply", "parallel_apply", "swifter_apply"})
_FRAME = re.compile(r"df|frame|series|data|rows|column", re.I)


def mapped(call: ast.Call) -> Hit | None:
    """``pool.map(f, rows)``, ``map(f, rows)``, ``df["text"].apply(f)``: one call of ``f`` per item."""
    func = call.func
    if (isinstance(func, ast.Name) and func.id in MAP_FUNCTIONS) or (
            isinstance(func, ast.Attribute) and func.attr in MAP_METHODS | MAP_FUNCTIONS):
        it = call.args[1] if len(call.args) > 1 else func.value if isinstance(func, ast.Attribute) else None
    elif isinstance(func, ast.Attribute) and func.attr in APPLY_METHODS and (
            isinstance(func.value, ast.Subscript) or _FRAME.search(ast.unparse(func.value))):
        it = func.value  # a pandas column / frame: apply runs once per row
    else:
        return None
    return Hit("map", call.lineno, _short(ast.unparse(it)) if it is not None else "", it)


def _short(text: str, width: int = 40) -> str:
    """An iterable's source as findings quote it: at most ``width`` characters, "..."
    where it was cut (not half an f-string that reads like the whole)."""
    return text if len(text) <= width else text[:width - 3].rstrip() + "..."


def enclosing_loop(call: ast.Call, parents: dict[int, ast.AST], callee: ast.AST | None) -> Hit | None:
    """The per-item loop around ``call`` inside its function (retry loops looked through), or None;
    None too when that loop runs inside a ``while`` loop (an agent turn, a polling worker, a chat):
    the items are one step of an ongoing cycle, not a batch that can wait; or inside a ``for`` loop
    that stops early on what it computed (chunks screened until a threshold is met: each chunk's
    results are needed before the next is sent)."""
    hit = _innermost(call, parents, callee)
    if hit is not None and hit.iter_node is not None and _AGENT_STEPS.search(ast.unparse(hit.iter_node)):
        return None
    if hit is not None and hit.iter_node is not None and small(hit.iter_node, parents):
        hit = _around_few(call, hit, parents, callee)
    node: ast.AST = call
    while hit is not None and id(node) in parents:
        node = parents[id(node)]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)) and node is not \
                parents.get(id(call)):
            break
        if isinstance(node, ast.While) and not retry_while(node) and pages(node) is None:
            return None
        if isinstance(node, (ast.For, ast.AsyncFor)) and node.lineno != hit.line and exits(node, call.lineno) \
                and not RETRY.search(ast.unparse(node.target)) and not fallback_chain(node, call):
            return None
    return hit


def _around_few(call: ast.Call, few: Hit, parents: dict[int, ast.AST], callee: ast.AST | None) -> Hit | None:
    """The loop ``call`` is sent from goes over a handful (``few``). Inside other handfuls (an enclosing
    loop of the function, or the comprehension's other ``for`` clauses), the product counts: ``for c in
    CATEGORIES: for d in DOMAINS:``, 5 x 6 requests, is a batch (the hit says so); 2 x 3 is a sweep. A
    handful inside a loop over items of unknown number stays silent (7 personas x 2 posts of a dry run)."""
    inner: ast.AST | None = call
    while inner is not None and not (isinstance(inner, (*_COMPS, ast.For, ast.AsyncFor, ast.Call))
                                     and inner is not call and inner.lineno == few.line):
        inner = parents.get(id(inner))
    outer = few if isinstance(inner, _COMPS) and len(inner.generators) > 1 else \
        _innermost(call, parents, callee, start=inner) if inner is not None else None
    its = [g.iter for g in inner.generators] if outer is few else [outer.iter_node, few.iter_node] if outer else []
    over = nested_product([ast.unparse(i) for i in its if i is not None], [known_size(i, parents) for i in its])
    return Hit(outer.kind, outer.line, over, outer.iter_node) if outer is not None and over is not None else None


_COMPS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


def _fresh(call: ast.Call, callee: ast.AST | None) -> Callable[[ast.Call], bool]:
    """A random draw, or ``call`` itself when its function builds what it sends from one (a topic it
    picks at random): each pass of a counted loop around it is then a new item (:func:`.draws.feeds_draw`)."""
    fed = callee is not None and feeds_draw(callee)
    return lambda c: draws(c) or fed and c is call


def _innermost(call: ast.Call, parents: dict[int, ast.AST], callee: ast.AST | None,
               start: ast.AST | None = None) -> Hit | None:
    """The loop nearest ``call`` (looking out from ``start``, by default the call itself)."""
    node: ast.AST = call if start is None else start
    while id(node) in parents:
        parent = parents[id(node)]
        if isinstance(parent, ast.Lambda):  # map(lambda r: f(r), rows), df.apply(lambda row: f(row), axis=1)
            outer = parents.get(id(parent))
            if isinstance(outer, ast.Call) and outer.args and outer.args[0] is parent:
                return mapped(outer)
            return None
        if parent is callee or isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return None  # recursion, or the edge of the function
        if isinstance(parent, ast.While):
            if retry_while(parent):
                node = parent  # a retry loop inside the per-item loop: look further out
                continue
            fetch = pages(parent)  # a queue drained page by page: one request per page of work
            return None if fetch is None else Hit("while loop", parent.lineno,
                                                  f"pages of {_short(ast.unparse(fetch.func))}")
        if isinstance(parent, (ast.For, ast.AsyncFor)) and node is not parent.iter:
            if RETRY.search(ast.unparse(parent.target)) or RETRY.search(ast.unparse(parent.iter)) or (
                    is_sweep(ast.unparse(parent.target), parent.iter) and not exits(parent, call.lineno)) \
                    or repeats(parent, call, _fresh(call, callee)) or _runs_bound(parent, call) \
                    or fallback_chain(parent, call):
                node = parent  # a retry loop, a sweep over models / variants, n identical runs: a per-item
                continue       # loop outside it still makes one independent request per item and setting
            return None if over_a_reply(parent, parents) else _judge_for(parent, call, parents)
        if isinstance(parent, _COMPS):
            first = parent.generators[0]
            in_first_iterable = node is first and any(n is call for n in walk(first.iter))  # (evaluated once,
            gens = [g for g in parent.generators if not is_sweep(ast.unparse(g.target), g.iter)]  # before the items)
            if in_first_iterable or not gens:
                node = parent
                continue
            gen = next((g for g in gens if not small(g.iter, parents)), gens[0])  # (for r in RUBRICS for d in docs)
            return Hit("comprehension", parent.lineno, _short(ast.unparse(gen.iter)), gen.iter)
        node = parent
    return None


def in_service_loop(node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    """``node`` (a call of the function holding a per-item loop) runs inside a ``while`` loop of its
    own function that is not a retry counter: a polling service, a trading or game loop, a chat.
    Each cycle uses its results at once (the next trade, the next hand), so they cannot wait for a
    batch. ``while True: try: ... except`` counts; a scheduler starting whole jobs does not
    (:func:`.asyncwork.starts_jobs`)."""
    while id(node) in parents:
        node = parents[id(node)]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return False
        if isinstance(node, ast.While) and _runs_until_stopped(node.test) and pages(node) is None:
            return not starts_jobs(node)
    return False


def _runs_until_stopped(test: ast.expr) -> bool:
    """``while True`` / ``while running`` / ``while not stop.is_set()``: a service that runs until it
    is stopped. ``while start < total`` pages through a collection (batch work), and retry counters
    are retries."""
    if RETRY.search(ast.unparse(test)):
        return False
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test = test.operand
    if isinstance(test, ast.Constant):
        return bool(test.value)
    return isinstance(test, (ast.Name, ast.Attribute)) or (
        isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute) and not test.args)


def fallback_chain(loop: ast.For | ast.AsyncFor, call: ast.Call) -> bool:
    """``for model in MODELS: try: return ask(model) except APIError: continue``: alternatives tried
    until one answers (the request and a ``return``/``break`` in one ``try``), so one request per item
    in the end: a retry, looked through like one."""
    if not is_sweep(ast.unparse(loop.target), loop.iter):
        return False
    def holds(block: list[ast.stmt]) -> bool:  # the node itself (a caller's loop), or the same code parsed apart
        nodes = [n for b in block for n in walk(b)]
        return any(n is call for n in nodes) or any(
            isinstance(n, ast.Call) and ast.dump(n) == shape for shape in [ast.dump(call)] for n in nodes)

    return any(isinstance(st, ast.Try) and holds(st.body)
               and any(isinstance(n, (ast.Return, ast.Break)) for n in walk(st.body[-1])) for st in loop.body)


def is_sweep(target: str, it: ast.expr) -> bool:
    """A sweep over models / parameters / variants, or a fixed handful of literal cases. Of an
    attribute only its own name counts: ``config.models`` is a sweep, ``settings.tickers`` is not; of
    a call, not its keywords (``tqdm(rows, desc=f"Running {args.models}")`` labels a loop over rows)."""
    shown = ast.Call(func=it.func, args=it.args, keywords=[]) if isinstance(it, ast.Call) else it
    over = it.attr if isinstance(it, ast.Attribute) else ast.unparse(shown)
    return bool(_SWEEP.search(target) or _SWEEP_ITER.search(over)) or handful(it)


def _judge_for(loop: ast.For | ast.AsyncFor, call: ast.Call, parents: dict[int, ast.AST]) -> Hit | None:
    target, over = ast.unparse(loop.target), ast.unparse(loop.iter)
    if is_sweep(target, loop.iter) or exits(loop, call.lineno):
        return None
    body = ast.Module(body=loop.body, type_ignores=[])
    if asks_a_person(body):
        return None  # an interactive loop
    if alerts(body):
        return None  # each result raises an alert at once: it cannot wait for a batch
    if picked_few(loop, call, parents, WRITTEN_OUT):
        return None  # only the items named in the code (three sections of one resume)
    return None if dependent(loop, call) else Hit("for loop", loop.lineno, _short(over), loop.iter)


def conversation_turn(call: ast.Call, parents: dict[int, ast.AST], callee: ast.AST | None) -> bool:
    """``call`` is one turn of a conversation in its function: inside a ``while`` loop that is not a
    retry (an agent or chat loop), or a ``for`` loop whose next request reads this one's reply
    (``for _turn in range(max_turns)`` appending each reply). Its requests depend on each other, so
    a loop over whole conversations further up is not a batch: each turn waits on the last."""
    node: ast.AST = call
    while id(node) in parents and (node := parents[id(node)]) is not callee:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return False
        if isinstance(node, ast.While) and not retry_while(node) and pages(node) is None:
            return True  # (a queue drained page by page is no conversation: each page is new work)
        if isinstance(node, (ast.For, ast.AsyncFor)) and dependent(node, call):
            return True
    return False


def _runs_bound(loop: ast.For | ast.AsyncFor, call: ast.Call) -> bool:
    """``for label, fn in [("gpt", ask_gpt), ("claude", ask_claude)]: fn(problem)``: a loop over the
    functions to run, a sweep over variants; a per-item loop outside it makes the items."""
    return isinstance(call.func, ast.Name) and call.func.id in target_names(loop.target)


# ------------------------------------------------------------------------------ live or batched
def live(call: ast.Call, parents: dict[int, ast.AST], hit: Hit, tree: ast.Module,
         script_job: Callable[[ast.AsyncFunctionDef], bool] | None = None) -> bool:
    """The loop serves a live request (a route, a bot command, a handler looping over the request's
    own items, a sequential loop in async code that is no script's job (``script_job``:
    :mod:`.script_jobs`), a Streamlit or Gradio page or a desktop window (Qt, Tk) whose user waits for
    the answers), or runs under a library's batching context."""
    if batching_context(call, parents) or imports_any(tree, UI_APPS):
        return True
    node: ast.AST = call
    while id(node) in parents:
        node = parents[id(node)]
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if request_entry(node, tree):
            return True
        if HANDLER.search(node.name) and (hit.iter_node is None or from_parameters(node, hit.iter_node)):
            return True
        if isinstance(node, ast.AsyncFunctionDef) and hit.kind == "for loop" and not fanned_out(call, parents) \
                and not script_entry(node, tree) and not (script_job is not None and script_job(node)):
            return True
    return False


# apps whose user sits at the page or window while each answer comes back: web UIs and desktop toolkits
UI_APPS = frozenset({"streamlit", "gradio", "chainlit", "nicegui", "PyQt5", "PyQt6", "PySide2", "PySide6", "tkinter",
                     "customtkinter", "wx", "kivy", "flet", "textual", "toga", "dearpygui",
                     "rumps", "pystray"})  # (a macOS menu bar app, a tray icon)
_REQUEST_PARAM = re.compile(r"^(?:request|req|\w+_request)$")
_REQUEST_TYPE = re.compile(r"(?:Request|HttpRequest|WebSocket)$")
_RESPONSE_TYPE = re.compile(r"Response$")
_HTTP_METHOD = re.compile(r"^do_(?:GET|POST|PUT|PATCH|DELETE|HEAD)$")  # BaseHTTPRequestHandler's protocol


def request_entry(fn: ast.FunctionDef | ast.AsyncFunctionDef, tree: ast.Module) -> bool:
    """``fn`` answers a live request: a web route or a bot command (a click / typer command is a CLI
    run: batch work; a route with no parameters triggers a job: :func:`_job_trigger`), a ``do_GET`` /
    ``do_POST`` method of an ``http.server`` handler (Vercel's Python functions are one), or it takes
    a request object (``request``, ``x: FooRequest``) or returns a response (``-> FooResponse``)."""
    if _HTTP_METHOD.match(fn.name):
        return True
    decos = [ast.unparse(d.func if isinstance(d, ast.Call) else d) for d in fn.decorator_list]
    cli = cli_command(fn, tree)
    if any(_ROUTE.search(d) and not (cli and d.endswith(".command")) for d in decos):
        return not _job_trigger(fn, tree)
    a = fn.args
    for p in [*a.posonlyargs, *a.args, *a.kwonlyargs]:
        ann = p.annotation
        name = ann.attr if isinstance(ann, ast.Attribute) else ann.id if isinstance(ann, ast.Name) else ""
        if _REQUEST_PARAM.match(p.arg) or _REQUEST_TYPE.search(name):
            return True
    ret = fn.returns
    rname = ret.attr if isinstance(ret, ast.Attribute) else ret.id if isinstance(ret, ast.Name) else ""
    return bool(_RESPONSE_TYPE.search(rname))


_REQUEST_GLOBALS = frozenset({"request", "session", "websocket"})  # Flask / Quart read the request from these


def _job_trigger(fn: ast.FunctionDef | ast.AsyncFunctionDef, tree: ast.Module) -> bool:
    """A route that takes nothing from the request (``@app.post("/send-digest") def send_digest():``,
    no parameter and no Flask ``request`` / ``session`` read, also as ``flask.request`` or an alias):
    it starts a job over data the job collects itself (every user's digest), the work a scheduler
    runs too; nobody waits on it for an answer about their own request."""
    a = fn.args
    if a.posonlyargs or a.args or a.kwonlyargs or a.vararg or a.kwarg:
        return False
    names = _REQUEST_GLOBALS | {al.asname for n in facts_of(tree).imports if isinstance(n, ast.ImportFrom)
                                for al in n.names if al.name in _REQUEST_GLOBALS and al.asname}
    return not any(isinstance(n, ast.Name) and n.id in names or isinstance(n, ast.Attribute)
                   and n.attr in _REQUEST_GLOBALS and isinstance(n.value, ast.Name) for n in walk(fn))


def cli_command(fn: ast.FunctionDef | ast.AsyncFunctionDef, tree: ast.Module) -> bool:
    """``fn`` is a click / typer command (``@app.command()`` in a file importing them): one CLI run."""
    return any(ast.unparse(d.func if isinstance(d, ast.Call) else d).endswith(".command")
               for d in fn.decorator_list) and imports_any(tree, _CLI)


def imports_any(tree: ast.Module, modules: frozenset[str]) -> bool:
    for n in facts_of(tree).imports:  # the tree's one walk, shared
        if isinstance(n, ast.Import) and any(a.name.split(".")[0] in modules for a in n.names):
            return True
        if isinstance(n, ast.ImportFrom) and (n.module or "").split(".")[0] in modules:
            return True
    return False


def from_parameters(fn: ast.FunctionDef | ast.AsyncFunctionDef, it: ast.expr) -> bool:
    """``it`` derives (through assignments in ``fn``) from the handler's parameters: the request."""
    a = fn.args
    tainted = {p.arg for p in [*a.posonlyargs, *a.args, *a.kwonlyargs] if p.arg not in _NOT_REQUEST}
    tainted |= {p.arg for p in (a.vararg, a.kwarg) if p is not None}
    pairs: list[tuple[ast.AST, ast.AST]] = []
    for n in walk(fn):
        if isinstance(n, ast.Assign):
            pairs.extend((t, n.value) for t in n.targets)
        elif isinstance(n, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr)) and n.value is not None:
            pairs.append((n.target, n.value))
        elif isinstance(n, (ast.For, ast.AsyncFor, ast.comprehension)):
            pairs.append((n.target, n.iter))
        elif isinstance(n, (ast.With, ast.AsyncWith)):
            pairs.extend((i.optional_vars, i.context_expr) for i in n.items if i.optional_vars is not None)
    changed = True
    while changed:
        changed = False
        for target, value in pairs:
            if _names(value) & tainted and not _names(target) <= tainted:
                tainted |= _names(target)
                changed = True
    return bool(_names(it) & tainted)


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in walk(node) if isinstance(n, ast.Name)}
