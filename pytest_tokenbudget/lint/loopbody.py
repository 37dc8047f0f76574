"""What a ``for`` loop says about its passes (for :mod:`.loopjudge`): whether it ends a search (a
``break`` or ``return`` on what it computed), whether its passes send one identical request
(``for i in range(n)`` whose index never reaches the call: timing or sampling runs), and whether it
goes through one reply's blocks (``for block in response.content:``: the next turn of a tool
conversation, not items), and whether each request's latency is what the pass measures.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from pytest_tokenbudget.lint.astwalk import child_nodes, facts_of, walk
from pytest_tokenbudget.lint.drains import drained
from pytest_tokenbudget.lint.draws import drawn, draws
from pytest_tokenbudget.lint.loopguards import equals_item

__all__ = ["REPLY_PARTS", "REQUEST_METHODS", "acts_at_once", "alerts", "asks_a_person", "batching_context",
           "confirms_each", "exits", "filled_with_few", "grown_on_reply", "latency_kept", "mentions_batching",
           "over_a_reply", "picked_few", "repeats", "returned_latency"]


_ALERT = re.compile(r"alert|notif", re.I)
# an alert written down for later (a CRM task, a row, a log line), not one sent: create_alert_task(...)
_RECORDED = re.compile(r"^_*(?:create|add|save|store|insert|record|log|write|update|upsert|mark)_", re.I)


def alerts(body: ast.AST) -> bool:
    """The loop sends an alert or a notification per item (``send_alert(...)``,
    ``notify_user(...)``, ``send_email(..., format_alert_email(...))``): the results are meant to
    act at once, so a batch (minutes to hours later) defeats the loop's purpose. An alert only
    recorded (``create_alert_task(contact, score)`` in a CRM, read by a person later) is no such act."""
    for n in walk(body):
        if isinstance(n, ast.Call):
            f = n.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
            if _ALERT.search(name) and not _RECORDED.search(name):
                return True
    return False


def acts_at_once(call: ast.Call, parents: dict[int, ast.AST]) -> bool:
    """``call`` runs in a ``for`` loop of its function whose passes each send an alert (:func:`alerts`)
    or ask a person: that loop is the per-item loop, and it is not batch work, so neither is a loop
    over its function's calls further up (each user's new messages analysed and sent on at once)."""
    node: ast.AST = call
    while id(node) in parents and not isinstance(node := parents[id(node)], (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                             ast.Lambda, ast.ClassDef)):
        if isinstance(node, (ast.For, ast.AsyncFor)):
            body = ast.Module(body=node.body, type_ignores=[])
            if alerts(body) or asks_a_person(body):
                return True
    return False


def asks_a_person(node: ast.AST) -> bool:
    """``node`` calls ``input()``: each pass waits on someone's answer (an interactive loop, or a
    per-item step that asks "Apply? [y/N]" after the request), so nothing in it can wait for a batch."""
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "input"
               for n in walk(node))


def confirms_each(fn: ast.FunctionDef | ast.AsyncFunctionDef, tree: ast.Module) -> bool:
    """``fn`` asks a person before its request (``input("Proceed? [y/N]")``), itself or through a
    helper of its module it calls (``self._require_confirmation(...)``): every call waits on someone,
    so no loop over it is batch work (whisperlog's cost confirmation). Read from the module's calls,
    listed once per tree (:func:`.astwalk.facts_of`): a module without ``input()`` costs nothing more."""
    facts = facts_of(tree)
    asking: set[str] = set()
    for call in facts.calls:
        if isinstance(call.func, ast.Name) and call.func.id == "input":
            node: ast.AST | None = call
            owners: set[str] = set()  # (every def around it: a helper that asks inside a def of its own)
            while node is not None and node is not fn:
                node = facts.parents.get(id(node))
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    owners.add(node.name)
            if node is fn:
                return True  # (its own input(), or one in a def inside it)
            asking |= owners
    return bool(asking) and any(isinstance(n, ast.Call) and (n.func.attr if isinstance(n.func, ast.Attribute) else
                                                             getattr(n.func, "id", None)) in asking for n in walk(fn))


def exits(loop: ast.For | ast.AsyncFor, request_line: int | None = None) -> bool:
    """A ``return``, or a ``break`` of this loop (not of a nested one), that ends a search: not one
    in an ``except`` handler (``except KeyboardInterrupt: break``, an abort), nor one under an
    ``if`` that tests nothing the loop computes (``if test_first_row: break``, a run-wide switch; ``if
    stop_flag.is_set(): return``, a stop signal, when it returns nothing a pass made) but
    a count of passes (``if max_images and processed >= max_images: break`` with ``processed += 1``
    on every pass: a cap on the items, not a search; or ``total_calls += 1`` above ``request_line``,
    the request's, in a nested loop: a cap on the requests sent), nor an abort when a pass got nothing
    (``if not tasks: return``) or a reply that did not finish (``if r.stop_reason != "end_turn":
    break``: :func:`_aborts`)."""
    made = {n.id for st in loop.body for n in walk(st) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    made |= {n.id for n in walk(loop.target) if isinstance(n, ast.Name)}
    made -= _pass_counts(loop.body, request_line)
    made |= _updated(loop.body)  # progress.done += 1: ``if should_stop(progress): break`` reads what passes made
    stack: list[tuple[ast.AST, bool]] = [(s, False) for s in loop.body]
    while stack:
        node, nested = stack.pop()
        if isinstance(node, ast.Return) or (isinstance(node, ast.Break) and not nested):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ExceptHandler)):
            continue
        if isinstance(node, ast.If) and (_aborts(node) or _optional_cap(node.test, made) or not any(
                isinstance(n, ast.Name) and n.id in made for n in walk(node.test))
                and all(isinstance(st, (ast.Break, ast.Expr, ast.Assign, ast.AugAssign)) or isinstance(st, ast.Return)
                        and not any(isinstance(n, ast.Name) and n.id in made for n in walk(st)) for st in node.body)):
            stack.extend((c, nested) for c in node.orelse)
            continue
        inner = nested or isinstance(node, (ast.For, ast.AsyncFor, ast.While))
        stack.extend((c, inner) for c in child_nodes(node))
    return False


def _optional_cap(test: ast.expr, made: set[str]) -> bool:
    """``if limit is not None and stats.translated >= limit:`` (or ``if limit and ...``): a cap the run
    sets only when the user gives one (``limit`` is no value of the loop's): off by default, every item
    is sent, so the ``break`` under it ends no search."""
    if not (isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) and len(test.values) == 2):
        return False
    guard, bound = test.values
    if isinstance(guard, ast.Compare) and len(guard.ops) == 1 and isinstance(guard.ops[0], ast.IsNot) \
            and isinstance(guard.comparators[0], ast.Constant) and guard.comparators[0].value is None:
        guard = guard.left
    return isinstance(guard, ast.Name) and guard.id not in made and isinstance(bound, ast.Compare) \
        and len(bound.ops) == 1 and isinstance(bound.ops[0], (ast.GtE, ast.Gt)) \
        and isinstance(limit := bound.comparators[0], ast.Name) and limit.id == guard.id


def _aborts(node: ast.If) -> bool:
    """``if not tasks: log.warning(...); return``: the run gives up when a pass got nothing (an empty
    or missing reply) or a cut-off one, error handling rather than a search: when all goes well every
    item is sent. The test is ``not x`` / ``x is None`` / ``len(x) == 0`` or a stop reason other than
    a normal end, and the body only logs, then leaves without a value."""
    *logs, last = node.body
    leaves = isinstance(last, ast.Break) or isinstance(last, ast.Return) and (
        last.value is None or isinstance(last.value, ast.Constant) and last.value.value is None)
    return (_tests_empty(node.test) or _tests_failed_reply(node.test)) and leaves \
        and all(isinstance(st, ast.Expr) for st in logs)


_FINISHED = frozenset({"end_turn", "stop"})  # a reply that ended normally (Claude's, the OpenAI SDK's)
_FAILED = frozenset({"max_tokens", "refusal", "length", "content_filter"})  # a cut-off or refused reply


def _tests_failed_reply(test: ast.expr) -> bool:
    """``r.stop_reason != "end_turn"`` / ``r.stop_reason == "max_tokens"`` (``finish_reason`` too):
    the run stops on a reply that did not finish, as on an error; when all goes well every item is sent."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.left, ast.Attribute)
            and test.left.attr in ("stop_reason", "finish_reason") and isinstance(test.comparators[0], ast.Constant)):
        return False
    value, op = test.comparators[0].value, test.ops[0]
    return isinstance(op, ast.NotEq) and value in _FINISHED or isinstance(op, ast.Eq) and value in _FAILED


def _tests_empty(test: ast.expr) -> bool:
    """``not x``, ``x is None`` or ``len(x) == 0``."""
    if isinstance(test, ast.UnaryOp):
        return isinstance(test.op, ast.Not) and isinstance(test.operand, ast.Name)
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.comparators[0], ast.Constant)):
        return False
    op, left, value = test.ops[0], test.left, test.comparators[0].value
    if isinstance(op, ast.Is):
        return value is None and isinstance(left, ast.Name)
    return isinstance(op, ast.Eq) and value == 0 and isinstance(left, ast.Call) and isinstance(left.func, ast.Name) \
        and left.func.id == "len"


def _pass_counts(body: list[ast.stmt], request_line: int | None = None) -> set[str]:
    """Names only ever set by ``name += 1``: among the loop's own statements (every pass, not under a
    condition: ``found += 1`` after a hit counts hits, a search), or, given ``request_line``, anywhere
    above the request (``total_calls += 1``, then the request, in a nested loop: a count of the
    requests sent; one counted after the request may count what its reply found)."""
    stores: dict[str, list[ast.AST]] = {}
    above: dict[str, list[ast.AST]] = {}
    for n in (n for st in body for n in walk(st)):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            stores.setdefault(n.id, []).append(n)
        elif request_line is not None and (counted := _plus_one(n)) is not None and n.lineno < request_line:
            above.setdefault(counted.id, []).append(counted)
    every_pass = {counted.id: [counted] for st in body if (counted := _plus_one(st)) is not None}
    return {name for counted in (every_pass, above) for name, targets in counted.items() if stores.get(name) == targets}


def _plus_one(node: ast.AST) -> ast.Name | None:
    """The counter of ``name += <constant>`` or ``name = name + <constant>``."""
    if isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add) and isinstance(node.target, ast.Name) \
            and isinstance(node.value, ast.Constant):
        return node.target
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(t := node.targets[0], ast.Name) \
            and isinstance(v := node.value, ast.BinOp) and isinstance(v.op, ast.Add) \
            and isinstance(v.right, ast.Constant) and isinstance(v.left, ast.Name) and v.left.id == t.id:
        return t
    return None


def _updated(body: list[ast.stmt]) -> set[str]:
    """Objects whose fields the statements set (``progress.processed += 1``; not ``self``: a flag
    on the instance may be a run-wide switch)."""
    out: set[str] = set()
    for n in (n for st in body for n in walk(st)):
        if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store):
            base = n.value
            while isinstance(base, (ast.Attribute, ast.Subscript)):
                base = base.value
            if isinstance(base, ast.Name) and base.id not in ("self", "cls"):
                out.add(base.id)
    return out


def repeats(loop: ast.For | ast.AsyncFor, call: ast.Call, fresh: Callable[[ast.Call], bool] = draws) -> bool:
    """``for i in range(n)`` (``tqdm(range(n))``, ``trange(n)``) whose index (nor anything the body
    derives from it) never reaches the call, nor a value the body draws afresh on each pass (``fresh``:
    by default a random draw, ``question = random.choice(QUESTIONS)``; the caller may know more), nor
    the next page of a queue it drains (``events = fetch(limit=15)``, ``if not events: break``)."""
    if not _counts(loop.iter) or drawn(call, fresh):
        return False
    derived = {n.id for n in walk(loop.target) if isinstance(n, ast.Name)} | drained(loop)
    for st in walk(ast.Module(body=loop.body, type_ignores=[])):
        if isinstance(st, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and st.value is not None \
                and (_names(st.value) & derived or drawn(st.value, fresh)):
            targets = st.targets if isinstance(st, ast.Assign) else [st.target]
            derived |= {n.id for t in targets for n in walk(t) if isinstance(n, ast.Name)}
        elif isinstance(st, (ast.For, ast.AsyncFor, ast.comprehension)) and _names(st.iter) & derived:
            derived |= _names(st.target)  # for article in articles[i:i + 10]: a chunk of the items
    return not _names(call) & derived


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in walk(node) if isinstance(n, ast.Name)}


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
    made = next((n for n in walk(scope) if isinstance(n, ast.Assign) and any(
        isinstance(t, ast.Name) and t.id == name for t in n.targets)), None)
    around: set[int] = set()  # the loops around ``name = []`` itself: the list is new on each pass
    while made is not None and id(made) in parents:
        made = parents[id(made)]
        around.add(id(made))
    total = 0
    for n in walk(scope):
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
                       for n in walk(fn))
        base = base.value
    return False


_CLOCKS = frozenset({"time", "perf_counter", "monotonic", "time_ns", "perf_counter_ns", "monotonic_ns", "now", "utcnow"})
_KEEPS = frozenset({"append", "extend", "insert", "add", "put", "put_nowait"})


def _clock(node: ast.AST) -> bool:
    """``time.perf_counter()``, ``time()``, ``datetime.now()``: a read of the clock."""
    if not isinstance(node, ast.Call) or node.args:
        return False
    f = node.func
    return (f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else "") in _CLOCKS


def latency_kept(call: ast.Call, parents: dict[int, ast.AST], slot: int | None = None) -> bool:
    """The clock is read before ``call`` and after it, and the difference is kept per call
    (``latencies.append(time.time() - start)``, through a name or a record): the request's latency
    is what the pass measures (a latency benchmark's P50/P95), which a Message Batch cannot give. A
    difference only logged or summed into a total (``elapsed += ...``) is bookkeeping: not this.
    ``slot``: the called function measures its request itself and returns the latency as that item
    of a tuple (:func:`returned_latency`); the name unpacked from it is kept per call."""
    scope: ast.AST = call
    starts: set[str] = set()
    while id(scope) in parents and not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
        up = parents[id(scope)]
        if slot is None:  # ``start = clock()`` said just before (a cheap look first: no walk)
            for block in (getattr(up, f, None) for f in ("body", "orelse", "finalbody")):
                if isinstance(block, list) and scope in block:
                    starts |= {t.id for st in block[:block.index(scope)] if isinstance(st, ast.Assign)
                               and _clock(st.value) for t in st.targets if isinstance(t, ast.Name)}
        elif isinstance(up, ast.Assign) and up.value is scope and len(up.targets) == 1:
            target = up.targets[0]  # ``data, raw, elapsed = analyze_image(...)``
            if isinstance(target, ast.Tuple) and slot < len(target.elts) and isinstance(target.elts[slot], ast.Name):
                starts = {target.elts[slot].id}
        scope = up
    if not starts:
        return False
    after = getattr(call, "end_lineno", call.lineno) or call.lineno
    if slot is None:
        clocks = starts | {t.id for n in walk(scope) if isinstance(n, ast.Assign) and _clock(n.value)
                           for t in n.targets if isinstance(t, ast.Name)}
        elapsed = [n for n in walk(scope) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Sub)
                   and n.lineno >= after and isinstance(n.right, ast.Name) and n.right.id in starts
                   and (_clock(n.left) or isinstance(n.left, ast.Name) and n.left.id in clocks)]
    else:
        elapsed = [n for n in walk(scope) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
                   and n.id in starts and n.lineno >= after]
    return _kept_per_call(scope, elapsed, after)


def _kept_per_call(scope: ast.AST, elapsed: list[ast.AST], after: int) -> bool:
    """One of the ``elapsed`` expressions, or a name assigned from one, goes into a collection
    (``append``, ``put`` ...) after line ``after``."""
    if not elapsed:
        return False
    marks = {id(n) for n in elapsed}
    held = {t.id for n in walk(scope) if isinstance(n, ast.Assign) and any(id(x) in marks for x in walk(n.value))
            for t in n.targets if isinstance(t, ast.Name)}
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in _KEEPS
               and n.lineno >= after and any(id(x) in marks or isinstance(x, ast.Name) and x.id in held
                                             for a in [*n.args, *(k.value for k in n.keywords)] for x in walk(a))
               for n in walk(scope))


def returned_latency(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> int | None:
    """The item of the tuple ``fn`` returns that is the latency of a request it makes
    (``t0 = time.time()``; ``client.messages.create(...)``; ``return data, raw, time.time() - t0``,
    or through a name): a benchmark's helper timing its own request."""
    starts = {t.id for n in walk(fn) if isinstance(n, ast.Assign) and _clock(n.value)
              for t in n.targets if isinstance(t, ast.Name)}
    if not starts:
        return None

    def elapsed(e: ast.AST) -> bool:
        return isinstance(e, ast.BinOp) and isinstance(e.op, ast.Sub) and isinstance(e.right, ast.Name) \
            and e.right.id in starts and (_clock(e.left) or isinstance(e.left, ast.Name) and e.left.id in starts)

    names = {t.id for n in walk(fn) if isinstance(n, ast.Assign) and elapsed(n.value)
             for t in n.targets if isinstance(t, ast.Name)}
    requests = any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in REQUEST_METHODS
                   for n in walk(fn))
    for n in walk(fn) if requests else ():
        if isinstance(n, ast.Return) and isinstance(n.value, ast.Tuple):
            for i, e in enumerate(n.value.elts):
                if elapsed(e) or isinstance(e, ast.Name) and e.id in names:
                    return i
    return None


_STR_METHODS = frozenset({"lower", "upper", "strip", "casefold", "title"})


def picked_few(loop: ast.For | ast.AsyncFor, call: ast.Call, parents: dict[int, ast.AST], most: int) -> bool:
    """``call`` runs only for items that are one of at most ``most`` values written in the code
    (``for name, text in sections.items(): if name.lower() in ("skills", "projects"): ...``) or the
    one equal to a value (``if arxiv_id == must_see_id``). The test is on the item itself (the
    loop's first target, maybe lower-cased), not on a field of it (``if doc.lang in ("en", "fr")``
    picks many documents)."""
    first = loop.target.elts[0] if isinstance(loop.target, ast.Tuple) and loop.target.elts else loop.target
    if not isinstance(first, ast.Name):
        return False

    def the_item(e: ast.expr) -> bool:
        while isinstance(e, ast.Call) and not e.args and isinstance(e.func, ast.Attribute) and e.func.attr in _STR_METHODS:
            e = e.func.value
        return isinstance(e, ast.Name) and e.id == first.id

    def picks(t: ast.expr) -> bool:  # (one conjunct of an ``and`` is enough)
        if isinstance(t, ast.BoolOp) and isinstance(t.op, ast.And):
            return any(picks(v) for v in t.values)
        if not isinstance(t, ast.Compare) or len(t.ops) != 1:
            return False
        left, right = t.left, t.comparators[0]
        if isinstance(t.ops[0], (ast.Eq, ast.Is)):  # ``if arxiv_id == must_see_id``: the one item equal to it
            return equals_item(t, the_item, {first.id})
        return isinstance(t.ops[0], ast.In) and the_item(left) and isinstance(right, (ast.List, ast.Tuple, ast.Set)) \
            and 0 < len(right.elts) <= most and all(isinstance(e, ast.Constant) for e in right.elts)

    child: ast.AST = call
    while id(child) in parents and child is not loop:
        up = parents[id(child)]
        if isinstance(up, ast.If) and child in up.body and picks(up.test):
            return True
        child = up
    return False


_BATCH_NAME = re.compile(r"batch", re.I)


def mentions_batching(expr: ast.expr) -> bool:
    """``batchify()``, ``client.batch(...)``, ``@batched``: the callable's own name says *batch*."""
    target = expr.func if isinstance(expr, ast.Call) else expr
    name = target.attr if isinstance(target, ast.Attribute) else target.id if isinstance(target, ast.Name) else ""
    return bool(_BATCH_NAME.search(name))


def batching_context(node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    """``node`` runs inside ``with batchify():`` or a function decorated by a batching wrapper."""
    while id(node) in parents:
        node = parents[id(node)]
        if isinstance(node, (ast.With, ast.AsyncWith)) and any(mentions_batching(i.context_expr) for i in node.items):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                mentions_batching(d) for d in node.decorator_list):
            return True
    return False


_GROWS = frozenset({"append", "extend", "add", "insert", "update", "setdefault"})
_LEAVES = (ast.Continue, ast.Break, ast.Return, ast.Raise)


def grown_on_reply(loop: ast.For | ast.AsyncFor, call: ast.Call, read: set[str], replies: set[str]) -> bool:
    """A collection the request reads (``read``) grows after it only when its reply says so: ``if
    dup_id: continue`` then ``stories.append(row)`` (a dedupe against what was kept so far), ``if not
    approved: continue`` then ``topics[label] = ...``. The next request sees what this one decided,
    so the requests cannot be sent together."""
    parents = {id(c): n for n in walk(loop) for c in child_nodes(n)}
    end = call.end_lineno or call.lineno

    def on_reply(test: ast.expr) -> bool:
        return any(isinstance(x, ast.Name) and x.id in replies for x in walk(test))

    def decided(node: ast.AST) -> bool:
        while node is not loop and id(node) in parents:
            up = parents[id(node)]
            if isinstance(up, ast.If) and on_reply(up.test):
                return True
            for block in (getattr(up, f, None) for f in ("body", "orelse", "finalbody")):
                if isinstance(block, list) and node in block and any(
                        isinstance(st, ast.If) and on_reply(st.test) and st.body and isinstance(st.body[-1], _LEAVES)
                        for st in block[:block.index(node)]):
                    return True
            node = up
        return False

    for n in walk(loop):
        grown = n.func.value if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) \
            and n.func.attr in _GROWS else n.targets[0].value if isinstance(n, ast.Assign) \
            and isinstance(n.targets[0], ast.Subscript) else None
        if isinstance(grown, ast.Name) and grown.id in read and n.lineno > end and decided(n):
            return True
    return False
