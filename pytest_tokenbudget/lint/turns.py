"""A method that keeps its conversation on its object: each call is that object's next turn.

``def get_response(self, text): self.add_user_message(text); reply = self._call(self._format());
self.add_assistant_message(reply)``: the reply goes into a history on ``self`` and the next request
is built from that history, so two calls on one object are two turns of one conversation, each
waiting on the last. A loop over whole conversations is not a batch (the policy of
:func:`.loopjudge.conversation_turn`), so TB401 does not look for loops above a call of such a method
that is one of several turns (:func:`another_turn`): the function calls it again on the same object,
calls it in a loop on an object made outside that loop, or calls it on an object its own instance
holds (``self.llm.chat(prompt)`` in an agent: every call of the agent is the next turn). One call on an object made for the item
(``bot = Bot(); bot.ask(doc)`` per document) is still an independent request.

The history is an attribute of ``self`` the reply is appended to (directly, or through ``self``
methods of the same class, up to three deep), and the request reads it: ``self.history`` in the
request's arguments, a zero-argument ``self`` method that reads it, or, when that method is only
declared here (abstract, overridden in subclasses), the caller's own text appended to the same
history before the request (a transcript of both sides).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import TYPE_CHECKING

from pytest_tokenbudget.lint.astwalk import child_nodes, walk
from pytest_tokenbudget.lint.callnames import Def, base_methods, find_def, tree_of

if TYPE_CHECKING:
    from pytest_tokenbudget.lint.project import Project

__all__ = ["Turns", "another_turn", "conversation_turns"]

_ADD = frozenset({"append", "appendleft", "extend", "insert"})
_DEPTH = 3


Method = Callable[[str], "Def | None"]
Turns = Callable[[ast.Call, "dict[int, ast.AST]"], bool]


def conversation_turns(project: Project, path: str, tree: ast.Module, function: str, fn: Def) -> Turns | None:
    """When ``fn`` (``Class.method`` of ``tree``) appends its reply to a history on ``self`` that its
    request is built from: the test of whether a call of it is one of several turns on its object
    (:func:`another_turn`); else None."""
    cls, _, _ = function.rpartition(".")
    if not cls or not any(isinstance(c, ast.ClassDef) and c.name == cls for c in tree.body):
        return None
    method = _methods(project, path, tree, cls)
    if not _keeps(method, fn):
        return None
    return lambda call, parents: another_turn(call, parents, lambda name: (m := method(name)) is not None
                                              and (m is fn or _keeps(method, m)), lambda name: _empties(method(name)))


def _keeps(method: Method, fn: Def) -> bool:
    """A reply of ``fn`` goes into a ``self`` attribute its request reads (see the module's docstring)."""
    if not fn.args.args:
        return False
    me = fn.args.args[0].arg
    params = {a.arg for a in [*fn.args.posonlyargs, *fn.args.args[1:], *fn.args.kwonlyargs]}
    replies = _assigned_calls(fn)
    if not replies or not _written(method, fn, me, {n for names, _ in replies for n in names}, _DEPTH):
        return False  # (one walk for the common case: no reply of any call goes into a history)
    for names, value in replies:
        history = _written(method, fn, me, names, _DEPTH)
        if not history:
            continue
        read, unresolved = _state_read(method, fn, me, value)
        if read & history or (unresolved and _written(method, fn, me, params, _DEPTH) & history):
            return True
    return False


def another_turn(call: ast.Call, parents: dict[int, ast.AST], is_turn: Callable[[str], bool],
                 resets: Callable[[str], bool] = lambda name: False) -> bool:
    """``obj.turn(x)`` is not the object's only turn: ``obj`` is an attribute of ``self`` (an agent's
    model client, kept for the agent's life), its function makes another turn on ``obj`` (``is_turn``:
    the method names that are turns), or the innermost loop around the call reuses an ``obj`` made
    outside it — unless the function empties the history just before (``self.client.reset()`` then
    ``self.client.ask(q)``; ``resets``: the method names that empty it): a new conversation per call."""
    if not isinstance(call.func, ast.Attribute):
        return False
    held = call.func.value
    receiver = ast.dump(held)
    node: ast.AST = call
    loop: ast.AST | None = None
    while id(node) in parents and not isinstance(node := parents[id(node)], (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                                ast.Lambda, ast.Module)):
        if loop is None and isinstance(node, (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp,
                                              ast.GeneratorExp, ast.DictComp)):
            loop = node
    on_it = [c for c in walk(node) if isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute)
             and ast.dump(c.func.value) == receiver]
    turns = [c for c in on_it if c.func.attr == call.func.attr or is_turn(c.func.attr)]
    if len(turns) > 1:
        return True
    before = [c for c in on_it if (c.lineno, c.col_offset) < (call.lineno, call.col_offset)]
    if before and resets(max(before, key=lambda c: (c.lineno, c.col_offset)).func.attr):
        return False  # (the last thing done to the object before this turn empties its history)
    if isinstance(held, ast.Attribute) and isinstance(held.value, ast.Name) and held.value.id == "self":
        return True  # self.llm.chat(x): an object its owner keeps across calls, whose history grows with each
    if loop is None or not isinstance(held, ast.Name):
        return False
    name = held.id
    return not any(isinstance(t, ast.Name) and t.id == name and isinstance(t.ctx, ast.Store) for t in walk(loop))


def _empties(m: Def | None) -> bool:
    """The method empties a list on ``self`` (``self.messages = []``, ``self.history.clear()``): a call
    of it starts a new conversation."""
    if m is None or not m.args.args or m.name == "__init__":
        return False
    me = m.args.args[0].arg
    for n in _body(m):
        if isinstance(n, ast.Assign) and isinstance(n.value, ast.List) and not n.value.elts \
                and any(_self_attr(t, me) for t in n.targets):
            return True
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "clear" \
                and _self_attr(n.func.value, me):
            return True
    return False


def _methods(project: Project, path: str, tree: ast.Module, cls: str) -> Method:
    """The def of ``self.name`` for an object of class ``cls``: its own, or a project base class's."""
    def method(name: str) -> Def | None:
        if (own := find_def(tree, f"{cls}.{name}")) is not None:
            return own
        for base_path, base_method in base_methods(project, path, tree, f"{cls}.{name}"):
            base_tree = tree_of(project, base_path)
            if base_tree is not None and (found := find_def(base_tree, base_method)) is not None:
                return found
        return None
    return method


def _body(fn: Def) -> list[ast.AST]:
    """The nodes of ``fn``, not those of the defs nested in it."""
    out: list[ast.AST] = []
    todo: list[ast.AST] = list(fn.body)
    while todo:
        n = todo.pop()
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        out.append(n)
        todo.extend(child_nodes(n))
    return out


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in walk(node) if isinstance(n, ast.Name)}


def _assigned_calls(fn: Def) -> list[tuple[set[str], ast.expr]]:
    """``reply = <a call>`` (awaited too): the names bound and the call, the reply's candidates."""
    out = []
    for n in _body(fn):
        if isinstance(n, (ast.Assign, ast.AnnAssign)) and n.value is not None:
            value = n.value.value if isinstance(n.value, ast.Await) else n.value
            targets = n.targets if isinstance(n, ast.Assign) else [n.target]
            if isinstance(value, ast.Call):
                out.append(({x for t in targets for x in _names(t)}, value))
    return out


def _derived(fn: Def, names: set[str]) -> set[str]:
    """``names`` and the names ``fn`` assigns from them (``message = Message(role, content)``)."""
    assigns = [n for n in _body(fn) if isinstance(n, ast.Assign)]
    for _ in range(2):
        for n in assigns:
            if _names(n.value) & names:
                names = names | {x for t in n.targets for x in _names(t) if isinstance(t, ast.Name)}
    return names


def _self_attr(node: ast.AST, me: str) -> str | None:
    """``attr`` for ``self.attr``."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == me:
        return node.attr
    return None


def _written(method: Method, fn: Def, me: str, names: set[str], depth: int) -> set[str]:
    """The attributes of ``self`` that ``fn`` appends something made of ``names`` to."""
    names = _derived(fn, names)
    out: set[str] = set()
    for n in _body(fn):
        if isinstance(n, ast.AugAssign) and (attr := _self_attr(n.target, me)) and _names(n.value) & names:
            out.add(attr)  # self.history += [reply]
        if not isinstance(n, ast.Call) or not isinstance(n.func, ast.Attribute) \
                or not any(_names(a) & names for a in [*n.args, *(k.value for k in n.keywords)]):
            continue
        if n.func.attr in _ADD and (attr := _self_attr(n.func.value, me)):
            out.add(attr)  # self.history.append(reply)
        elif depth and _self_attr(n.func, me) and (m := method(n.func.attr)) is not None and m.args.args:
            passed = _passed(m, n, names)  # self.add_assistant_message(reply)
            out |= _written(method, m, m.args.args[0].arg, passed, depth - 1) if passed else set()
    return out


def _passed(m: Def, call: ast.Call, names: set[str]) -> set[str]:
    """The parameters of ``m`` that ``call`` binds to something made of ``names``."""
    params = [a.arg for a in [*m.args.posonlyargs, *m.args.args][1:]]
    out = {params[i] for i, a in enumerate(call.args) if i < len(params) and not isinstance(a, ast.Starred)
           and _names(a) & names}
    return out | {k.arg for k in call.keywords if k.arg and _names(k.value) & names}


def _state_read(method: Method, fn: Def, me: str, request: ast.expr) -> tuple[set[str], bool]:
    """The ``self`` attributes the request reads (through the locals it is built from and zero-argument
    ``self`` methods of the class), and whether it calls such a method whose body is not here."""
    sources = _sources(fn, _names(request), request)
    read: set[str] = set()
    unresolved = False
    for expr in sources:
        for n in walk(expr):
            if (attr := _self_attr(n, me)) is None:
                continue
            read.add(attr)
            call = next((c for c in walk(expr) if isinstance(c, ast.Call) and c.func is n), None)
            if call is None or call.args or call.keywords:
                continue
            m = method(attr)
            if m is None or _abstract(m) or not m.args.args:
                unresolved = True  # (declared here, written by each subclass)
            else:
                read |= {a for x in walk(m) if (a := _self_attr(x, m.args.args[0].arg))}
    return read, unresolved


def _sources(fn: Def, names: set[str], request: ast.expr) -> list[ast.expr]:
    """The request's arguments and the values of the locals they read (``messages = self._format()``)."""
    out: list[ast.expr] = [*request.args, *(k.value for k in request.keywords)] if isinstance(request, ast.Call) \
        else [request]
    for n in _body(fn):
        if isinstance(n, ast.Assign) and any(_names(t) & names for t in n.targets):
            out.append(n.value)
    return out


def _abstract(m: Def) -> bool:
    """``@abstractmethod``, or a body of ``pass`` / ``...`` / a docstring / ``raise NotImplementedError``."""
    if any(isinstance(d, (ast.Name, ast.Attribute)) and (getattr(d, "id", None) or getattr(d, "attr", "")) ==
           "abstractmethod" for d in m.decorator_list):
        return True
    return all(isinstance(s, (ast.Pass, ast.Raise)) or isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)
               for s in m.body)
