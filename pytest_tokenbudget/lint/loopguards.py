"""A call a loop makes for one item only, through a flag its caller computes per item (TB401).

``for arxiv_id in top_ids: summarize_paper(arxiv_id, is_must_see=(arxiv_id == must_see_id))``, and
in ``summarize_paper``: ``if is_must_see and generate_podcast: generate_podcast_fn(...)``. The loop
runs ``summarize_paper`` per item, but the podcast request only for the one item equal to
``must_see_id``: not a batch. :func:`guard_params` names the parameters a function tests before the
call (``if flag`` / ``if flag and ...``); :func:`one_item_flag` tells whether a loop's call of that
function passes one of them as an equality with the loop's item, written in place or through a name
assigned in the loop (``is_must_see = arxiv_id == must_see_id``). The same test written in the loop
itself (``if arxiv_id == must_see_id: ask(...)``) is :func:`.loopbody.picked_few`'s.

A dispatching wrapper picks its call by a parameter compared with a constant (UNIS-Product-Selection's
router: ``if task == "vision": return provider.vision(...)``, then ``return provider.chat(...)``).
:func:`literal_needs` lists those tests with the truth the call needs; :func:`passes_other_branch` tells
whether a loop's call of the wrapper passes constants that make one of them false (``router.call(
task="vision", ...)`` never reaches ``chat``), a bare flag's test (``if use_llm:``) included, and a
flag the call leaves at a false default.

A search that came to an interface's method from one implementation (``AnthropicProvider.classify``,
through ``provider.classify(...)`` with ``provider: LLMProvider``) needs ``provider`` to hold that
implementation: :func:`receiver_needs` says so as an :class:`Instance` need, and a caller passing a
construction of another class (``classify(text, MockProvider())``, an eval run on the mock) takes the
other branch.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass

from pytest_tokenbudget.lint.astwalk import child_nodes, walk

__all__ = ["Instance", "call_guards", "dispatched_per_item", "equals_item", "forwarded_needs", "guard_params",
           "literal_needs", "one_item_flag", "passes_other_branch", "receiver_needs"]

_Def = ast.FunctionDef | ast.AsyncFunctionDef
_LOOPS = (ast.For, ast.AsyncFor)


def guard_params(call: ast.AST, parents: dict[int, ast.AST]) -> frozenset[str]:
    """The parameters of the function holding ``call`` that an ``if`` around it tests as a plain
    flag (the call in the ``if``'s body; one conjunct of an ``and`` is enough)."""
    tested: set[str] = set()
    child, up = call, parents.get(id(call))
    while up is not None and not isinstance(up, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        if isinstance(up, ast.If) and child in up.body:
            tested |= _flags(up.test)
        child, up = up, parents.get(id(up))
    if not isinstance(up, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return frozenset()
    a = up.args
    return frozenset(tested & {p.arg for p in [*a.posonlyargs, *a.args, *a.kwonlyargs]})


def call_guards(fn: _Def, line: int) -> frozenset[str]:
    """:func:`guard_params` of the call starting on ``line`` of ``fn`` (a request the rule checks)."""
    parents = {id(c): n for n in walk(fn) for c in child_nodes(n)}
    call = next((n for n in walk(fn) if isinstance(n, ast.Call) and n.lineno == line), None)
    return guard_params(call, parents) if call is not None else frozenset()


def _flags(test: ast.expr) -> set[str]:
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return {n for v in test.values for n in _flags(v)}
    return {test.id} if isinstance(test, ast.Name) else set()


def one_item_flag(call: ast.Call, parents: dict[int, ast.AST], params: frozenset[str], callee: _Def | None) -> bool:
    """``call`` (in a loop) passes for one of ``params`` of ``callee`` a test that the loop's item
    equals a value the item does not decide."""
    if not params:
        return False
    loop = _loop_of(call, parents)
    if loop is None:
        return False
    items = {n.id for n in walk(loop.target) if isinstance(n, ast.Name)}
    for given in _passed(call, params, callee):
        if isinstance(given, ast.Name):  # a flag the loop body computes: the assignment in the loop
            given = next((st.value for st in walk(loop) if isinstance(st, ast.Assign) and len(st.targets) == 1
                          and isinstance(st.targets[0], ast.Name) and st.targets[0].id == given.id), None)
        if given is not None and equals_item(given, lambda e: isinstance(e, ast.Name) and e.id in items, items):
            return True
    return False


def _loop_of(node: ast.AST, parents: dict[int, ast.AST]) -> ast.For | ast.AsyncFor | None:
    up = parents.get(id(node))
    while up is not None and not isinstance(up, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        if isinstance(up, _LOOPS):
            return up
        up = parents.get(id(up))
    return None


def _passed(call: ast.Call, params: frozenset[str], callee: _Def | None) -> list[ast.expr]:
    out = [k.value for k in call.keywords if k.arg in params]
    if callee is not None and not any(isinstance(x, ast.Starred) for x in call.args):
        names = [p.arg for p in [*callee.args.posonlyargs, *callee.args.args]]
        names = names[1:] if names and names[0] in ("self", "cls") else names
        out += [x for name, x in zip(names, call.args) if name in params]
    return out


def equals_item(test: ast.expr, is_item: Callable[[ast.expr], bool], items: set[str]) -> bool:
    """``item == value`` / ``value == item`` (``is`` too): one side the loop's item (``is_item``: maybe
    ``item.lower()``), the other not read from ``items``, the loop's target names."""
    if not isinstance(test, ast.Compare) or len(test.ops) != 1 or not isinstance(test.ops[0], (ast.Eq, ast.Is)):
        return False

    def names(e: ast.expr) -> set[str]:
        return {n.id for n in walk(e) if isinstance(n, ast.Name)}

    return any(is_item(a) and not names(b) & items for a, b in ((test.left, test.comparators[0]),
                                                                (test.comparators[0], test.left)))


Need = tuple[str, tuple[object, ...], bool]  # (parameter, the constants it is compared with, the truth needed)


def literal_needs(call: ast.AST, parents: dict[int, ast.AST]) -> tuple[Need, ...]:
    """The tests ``param == CONST`` / ``!=`` / ``in (CONST, ...)`` / ``not in`` on the holding function's
    parameters that decide whether ``call`` runs: an ``if`` around it (its body or its ``else``), or an
    ``if`` before it whose body returns or raises (the call runs when that one is not taken)."""
    out: list[Need] = []
    child, up = call, parents.get(id(call))
    while up is not None and not isinstance(up, ast.Lambda):
        if isinstance(up, ast.If) and child is not up.test:
            out += _compared(up.test, child in up.body)
        for block in (getattr(up, f, None) for f in ("body", "orelse")):
            if isinstance(block, list) and child in block:
                out += [n for st in block[:block.index(child)] if isinstance(st, ast.If) and not st.orelse
                        and isinstance(st.body[-1], (ast.Return, ast.Raise)) for n in _compared(st.test, False)]
        if isinstance(up, (ast.FunctionDef, ast.AsyncFunctionDef)):
            break
        child, up = up, parents.get(id(up))
    if not isinstance(up, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return ()
    params = {p.arg for p in [*up.args.posonlyargs, *up.args.args, *up.args.kwonlyargs]} - _rebound(up)
    return tuple(n for n in out if n[0] in params)


def _rebound(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """The names ``fn`` assigns (``provider = provider or settings.llm_provider``): a test on one
    reads that value, not the argument a caller passes."""
    return {t.id for n in walk(fn) if isinstance(n, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.NamedExpr))
            for t in (n.targets if isinstance(n, ast.Assign) else [n.target]) if isinstance(t, ast.Name)}


@dataclass(frozen=True)
class Instance:
    """A need that a parameter hold an instance of the project class ``cls`` (see the module doc)."""

    cls: str


def receiver_needs(call: ast.Call, parents: dict[int, ast.AST], cls: str | None) -> tuple[Need, ...]:
    """``param.method(...)`` with ``param`` a parameter of the function holding ``call``: the request
    below runs only when ``param`` holds an instance of ``cls`` (None: no such need)."""
    func = call.func
    if cls is None or not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
        return ()
    up = parents.get(id(call))
    while up is not None and not isinstance(up, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        up = parents.get(id(up))
    if not isinstance(up, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return ()
    params = {p.arg for p in [*up.args.posonlyargs, *up.args.args, *up.args.kwonlyargs]}
    return ((func.value.id, (Instance(cls),), True),) if func.value.id in params else ()


def _compared(test: ast.expr, truth: bool) -> list[Need]:
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _compared(test.operand, not truth)
    if isinstance(test, ast.Name):  # ``if use_llm:``: the call needs the flag's truth
        return [(test.id, _FALSY, not truth)]
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.left, ast.Name)):
        return []
    op, right = test.ops[0], test.comparators[0]
    if isinstance(op, (ast.Eq, ast.NotEq)) and isinstance(right, ast.Constant):
        values: tuple[object, ...] = (right.value,)
    elif isinstance(op, (ast.In, ast.NotIn)) and isinstance(right, (ast.Tuple, ast.List, ast.Set)) \
            and all(isinstance(e, ast.Constant) for e in right.elts):
        values = tuple(e.value for e in right.elts)  # type: ignore[attr-defined]
    else:
        return []
    return [(test.left.id, values, truth if isinstance(op, (ast.Eq, ast.In)) else not truth)]


def passes_other_branch(call: ast.Call, needs: tuple[Need, ...], callee: _Def | None) -> bool:
    """``call`` (of the wrapper) passes a constant for a parameter of ``needs`` that makes its test go
    the other way, or leaves out one whose constant default does (``build_explanation(song, reasons)``
    with ``use_llm=False`` by default, before ``if use_llm: return ask(...)``): the wrapper's call below
    never runs for it."""
    for param, values, truth in needs:
        given = _passed(call, frozenset({param}), callee) or _default(call, param, callee)
        if not given:
            continue
        wanted = {v.cls for v in values if isinstance(v, Instance)}
        if wanted:  # ``classify(text, MockProvider())``: another class's method answers
            name = _built_class(given[0])
            if name is not None and name not in wanted:
                return True
        elif isinstance(given[0], ast.Constant) and (given[0].value in values) is not truth:
            return True
    return False


def dispatched_per_item(call: ast.Call, parents: dict[int, ast.AST], needs: tuple[Need, ...],
                        callee: _Def | None) -> bool:
    """``call`` passes the loop's own item for a parameter the request needs equal to a constant
    (``for ai_name in team: query(ai_name, prompt)`` before ``if ai_name == "claude": ...``): only the
    items equal to it reach the request, a dispatch over providers, not per-item work."""
    wanted = frozenset(p for p, values, truth in needs if truth and values
                       and not any(isinstance(v, Instance) for v in values))
    items = _loop_items(call, parents) if wanted else set()
    return any(isinstance(x, ast.Name) and x.id in items for x in _passed(call, wanted, callee))


def _loop_items(node: ast.AST, parents: dict[int, ast.AST]) -> set[str]:
    """The names the nearest loop or comprehension around ``node`` in its function binds."""
    while id(node) in parents and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        node = parents[id(node)]
        targets = [node.target] if isinstance(node, (ast.For, ast.AsyncFor)) else [
            g.target for g in getattr(node, "generators", [])]
        if targets:
            return {n.id for t in targets for n in walk(t) if isinstance(n, ast.Name)}
    return set()


def forwarded_needs(call: ast.Call, parents: dict[int, ast.AST], needs: tuple[Need, ...],
                    callee: _Def | None) -> tuple[Need, ...]:
    """The equality ``needs`` of the function ``call`` runs, on the parameters of the function
    holding ``call`` that it passes on (``_timed(ai_name, ...)`` calling ``_impl(ai_name, ...)``,
    which asks ``if ai_name == "claude"``): the same test decides, one level up."""
    up: ast.AST | None = parents.get(id(call))
    while up is not None and not isinstance(up, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        up = parents.get(id(up))
    if not isinstance(up, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return ()
    own = {p.arg for p in [*up.args.posonlyargs, *up.args.args, *up.args.kwonlyargs]} - _rebound(up)
    out = []
    for param, values, truth in needs:
        given = _passed(call, frozenset({param}), callee)
        if truth and len(given) == 1 and isinstance(given[0], ast.Name) and given[0].id in own:
            out.append((given[0].id, values, truth))
    return tuple(out)


def _built_class(expr: ast.expr) -> str | None:
    """The capitalised name ``expr`` constructs (``MockProvider()``, ``mocks.MockProvider()``)."""
    if not isinstance(expr, ast.Call):
        return None
    func = expr.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    return name if name[:1].isupper() else None


_FALSY = (False, None, 0, "")  # the constants a bare ``if flag:`` reads as false


def _default(call: ast.Call, param: str, callee: _Def | None) -> list[ast.expr]:
    """The default ``callee`` gives ``param`` when ``call``, a plain call of it by name, leaves it out
    and passes no ``*args`` / ``**kwargs`` that might hold it."""
    name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", None)
    if callee is None or name != callee.name or any(isinstance(a, ast.Starred) for a in call.args) \
            or any(k.arg is None for k in call.keywords):
        return []
    a = callee.args
    positional = [*a.posonlyargs, *a.args]
    defaults = dict(zip([p.arg for p in positional[len(positional) - len(a.defaults):]], a.defaults))
    defaults.update((p.arg, d) for p, d in zip(a.kwonlyargs, a.kw_defaults) if d is not None)
    return [defaults[param]] if param in defaults else []
