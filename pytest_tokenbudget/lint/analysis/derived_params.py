"""Prompts a wrapper reshapes before sending: what its callers pass, when the resolver loses the way.

:mod:`.callerargs` re-resolves a request once per caller when its fields read a parameter the
resolver can follow (``system=system``, ``f"...{prompt}"``). Wrappers often reshape the prompt in
ways no resolver follows, though the text the model reads is still the caller's:

* ``parts = prompt.split("\\n\\nHere is the data", 1)``; ``system = parts[0].strip()``;
* ``for msg in messages: if msg["role"] == "system": system = msg["content"] else:
  filtered.append(...)`` (OpenAI-style message lists turned into ``system=`` + ``messages=``);
* ``kwargs = {...}; kwargs["system"] = system; client.messages.create(**kwargs)``.

:func:`caller_texts` follows the data flow inside the wrapper (assignments, loop targets,
``x.append(v)`` / ``x[k] = v`` into a name, ``with`` targets) from the request's ``system`` /
``messages`` (and any ``**kwargs`` it spreads) back to the wrapper's parameters, asks
:mod:`..arguments` what the project's callers pass for them, and returns the static text of each
caller's values (the user / system turns of a message list; a string's static parts). A rule
judging the *instructions* (TB501: JSON asked for in prose) reads those texts the way it reads the
request's own, one caller at a time; a reshaping that keeps the instructions (splitting off the
persona, moving the system turn to ``system=``) keeps the verdict.

Not followed (deliberately): a wrapper reached only through a function chosen at run time and
passed as an argument (``ask_fn = API_BACKENDS[backend][0].ask`` wrapped in a local ``def``, then
``debate(..., ask_fn=ask_fn)`` calling ``ask_fn(JUDGE_SYSTEM, user)``). Binding those prompts to
the Claude wrapper needs the run-time choice of module, which a static search cannot make without
charging every provider's prompts to it; the finding stays silent there.
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from pytest_tokenbudget.lint.analysis.scopes import Scope
from pytest_tokenbudget.lint.cstwalk import children
from pytest_tokenbudget.lint.types import CallSite

__all__ = ["caller_texts", "names_in", "parameters_read", "value_text"]

_FIELDS = ("system", "messages")
_ROLES = ("user", "system", "developer")
_MAX_NODES = 20_000


# nodes that hold no name below them (whitespace, comments, brackets, punctuation, operators): a
# third or more of a tree's nodes, never entered when collecting names
_NAMELESS = (cst.BaseParenthesizableWhitespace, cst.EmptyLine, cst.TrailingWhitespace, cst.Comment, cst.Newline,
             cst.LeftParen, cst.RightParen, cst.LeftSquareBracket, cst.RightSquareBracket, cst.LeftCurlyBrace,
             cst.RightCurlyBrace, cst.Comma, cst.Dot, cst.Colon, cst.Semicolon, cst.AssignEqual,
             cst.BaseBinaryOp, cst.BaseBooleanOp, cst.BaseCompOp, cst.BaseUnaryOp, cst.BaseAugOp,
             cst.SimpleString, cst.Integer, cst.Float, cst.Imaginary)
_SKIP = (cst.Lambda, cst.FunctionDef, cst.ClassDef)
_NOT_ENTERED = frozenset(_SKIP)  # (final classes: no subclass to miss)
_ENTER: dict[type, bool] = {}  # node class -> whether a name may sit below it (per class: no ABC checks)


def _enter(cls: type) -> bool:
    found = _ENTER.get(cls)
    if found is None:
        found = _ENTER[cls] = issubclass(cls, cst.CSTNode) and not issubclass(cls, _NAMELESS + _SKIP)
    return found


_IS_NODE: dict[type, bool] = {}


def _is_node(cls: type) -> bool:
    found = _IS_NODE[cls] = issubclass(cls, cst.CSTNode)
    return found


def names_in(node: Any) -> set[str]:
    """Every name an expression (or statement) reads or writes, nested functions aside."""
    if type(node) is cst.Name:
        return {node.value}
    out: set[str] = set()
    if not isinstance(node, cst.CSTNode) or isinstance(node, _SKIP):
        return out
    stack = [node]
    while stack:
        for c in children(stack.pop()):
            cls = type(c)
            if cls is cst.Name:
                out.add(c.value)
            elif _ENTER.get(cls) or _enter(cls):
                stack.append(c)
    return out


def _flows(fn_node: Any) -> dict[str, set[str]]:
    """name -> the names its values are computed from, inside one function."""
    deps: dict[str, set[str]] = {}

    def add(target: Any, value: Any) -> None:
        sources = names_in(value)
        for t in names_in(target) if not isinstance(target, (cst.Subscript, cst.Attribute)) else \
                names_in(target.value):
            deps.setdefault(t, set()).update(sources)

    stack: list[Any] = [fn_node.body]
    seen = 0
    while stack and seen < _MAX_NODES:
        n = stack.pop()
        seen += 1
        kind = type(n)  # libcst's node classes are ABCs: exact type tests, not isinstance, per node
        if kind in _NOT_ENTERED:
            continue
        if kind is cst.Assign:
            for t in n.targets:
                add(t.target, n.value)
        elif (kind is cst.AnnAssign or kind is cst.AugAssign) and n.value is not None:
            add(n.target, n.value)
        elif kind is cst.For:
            add(n.target, n.iter)
        elif kind is cst.WithItem and n.asname is not None:
            add(n.asname.name, n.item)
        elif kind is cst.Call and type(n.func) is cst.Attribute and type(n.func.value) is cst.Name \
                and n.func.attr.value in ("append", "extend", "insert", "update"):
            deps.setdefault(n.func.value.value, set()).update(*(names_in(a.value) for a in n.args))
        if _IS_NODE.get(kind) or _is_node(kind):
            stack.extend(children(n))
    return deps


def parameters_read(call: CallSite, fn: Scope) -> set[str]:
    """The parameters of ``fn`` (``self`` aside) the request's system / messages (or a spread
    ``**kwargs``) are computed from, through the function's data flow."""
    if not isinstance(fn.node, cst.FunctionDef):
        return set()
    params = {p.name.value for p in [*fn.node.params.posonly_params, *fn.node.params.params,
                                      *fn.node.params.kwonly_params]} - {fn.self_name or "self", "cls"}
    if not params:
        return set()
    start: set[str] = set()
    for f in _FIELDS:
        if call.arg_nodes.get(f) is not None:
            start |= names_in(call.arg_nodes[f])
    for a in call.node.args:
        if a.star == "**":
            start |= names_in(a.value)
    deps = fn.__dict__.get("data_flows")
    if deps is None:  # once per function, for all its requests
        deps = fn.__dict__["data_flows"] = _flows(fn.node)
    reached, todo = set(start), list(start)
    while todo:
        for src in deps.get(todo.pop(), ()):
            if src not in reached:
                reached.add(src)
                todo.append(src)
    return reached & params


def caller_texts(call: CallSite) -> list[tuple[str, tuple[str, int]]]:
    """(static text, (path, line) of the caller) for each project caller of the wrapper holding
    ``call``, from the values it passes to the parameters the request's prompt is computed from."""
    from pytest_tokenbudget.lint.arguments import parameter_values
    from pytest_tokenbudget.lint.project import active

    act = active()
    fn = call.scope
    while fn is not None and fn.kind != "function":
        fn = fn.parent if fn.kind not in ("module", "class") else None
    if act is None or fn is None or call.batch:
        return []
    qual = fn.qualname()
    params = parameters_read(call, fn)
    if not qual or not params or qual.count(".") > 1:
        return []
    found = parameter_values(act[0], act[1], qual, frozenset(params)) or []
    out = []
    for a in found:
        text = "\n".join(t for t in (value_text(v) for v in a.values.values()) if t)
        if text and a.callers:
            out.append((text, a.callers[0]))
    return out


def value_text(value: Any) -> str:
    """The static text a model reads in a caller's value: a string's static parts, or the user /
    system turns of a message list."""
    from pytest_tokenbudget.lint.analysis.values import static_text

    if isinstance(value, (list, tuple)):
        return "\n".join(value_text(v) for v in value)
    if isinstance(value, dict):
        if "role" in value:
            return value_text(value.get("content")) if value.get("role") in _ROLES else ""
        return static_text(value.get("text")) if value.get("type", "text") == "text" else ""
    if isinstance(value, (int, float, bool)) or value is None:
        return ""
    try:
        return static_text(value)
    except Exception:  # an unknown value
        return ""
