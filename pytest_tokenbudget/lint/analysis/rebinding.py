"""A text built up by re-assigning its own name: ``prompt = TEMPLATE.replace("{posts}", posts)`` then
``prompt = prompt.replace("{topic}", topic)``.

The resolver gives a name one value per scope; a name assigned twice is one of its values, and a
value that reads the name itself cannot be evaluated that way (a cycle), so such a prompt was
unknown and its instructions ("return JSON") unseen. :func:`rebound` folds the chain instead, in
the order it is written: the first assignment's text (or a parameter's: ``model =
model.replace("anthropic:", "")`` on a literal default or what callers pass), then each later one
evaluated with the name holding the text before it. A client is folded the same way: ``client =
Anthropic()`` then ``client = instructor.from_anthropic(client)`` is the patched client. Only a
plain chain is folded: a parameter or a plain assignment not reading the name, then plain
assignments that each read it, and a first value that is text or a client; a chain inside a
branch is read as if every step ran (the static parts are what the rules read). A parameter filled
in when unset (``def f(model=None): if model is None: model = DEFAULT``) is what the caller passes,
or the filler when that is None.

A text extended in place (``system = self.system_prompt`` then ``system += "\n\nReply with a JSON
object: ..."``) is :func:`appended`: each ``+=`` written at the top of the function (or module) joins
its text as written. One under ``if fmt == "json":`` joins it when a caller's values decide the test
(:mod:`.callerargs` variants: that caller's request has it, another's does not), and is a hole
otherwise; one in a loop or a ``try``, or of unknown text, is a hole (as before: the static parts
ahead of it are what the prefix rules weigh).
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from pytest_tokenbudget.lint.analysis.scopes import Binding, ClientRef, Scope
from pytest_tokenbudget.lint.analysis.values import UNKNOWN, Text

__all__ = ["appended", "evaluated_as", "reads", "rebound", "unset_test", "without_fallbacks"]


def rebound(resolver: Any, name: str, bindings: list[Binding], where: Scope, depth: int) -> Any:
    """The value of ``name`` from ``bindings``: the folded chain when they form one, else what the
    resolver makes of them (:meth:`.Resolver._bindings_value`)."""
    first = bindings[0]
    if len(bindings) == 2 and first.kind == "param" and bindings[1].if_unset:  # def f(model=None): if model is None:
        value = resolver._param(first.node, where, depth)  # model = DEFAULT_MODEL
        return resolver.expr(bindings[1].node, where, depth + 1) if value is None or value == "" else value
    if len(bindings) < 2 or first.kind not in ("assign", "param") or any(b.kind != "assign" for b in bindings[1:]) \
            or first.kind == "assign" and reads(first.node, name) or not all(reads(b.node, name) for b in bindings[1:]):
        return resolver._bindings_value(bindings, where, depth)
    value = resolver.expr(first.node, where, depth + 1) if first.kind == "assign" else \
        resolver._param(first.node, where, depth)  # model = model.replace("anthropic:", ""): its default
    if not isinstance(value, (str, Text, ClientRef)):  # (client = instructor.from_anthropic(client): a client)
        return resolver._bindings_value(bindings, where, depth)
    for b in bindings[1:]:  # each step with the name as the previous step left it
        value = evaluated_as(resolver, where, name, value, b.node, depth + 1)
    return value


def evaluated_as(resolver: Any, where: Scope, name: str, value: Any, node: Any, depth: int = 0) -> Any:
    """``node`` evaluated in ``where`` with ``name`` holding ``value`` (for that evaluation only)."""
    key = (id(where), name)
    resolver._memo[key] = value
    try:
        return resolver.expr(node, where, depth)
    finally:
        resolver._memo.pop(key, None)


def reads(node: Any, name: str) -> bool:
    """``node`` reads the name ``name`` somewhere inside it."""
    if isinstance(node, cst.Name):
        return node.value == name
    return isinstance(node, cst.CSTNode) and any(reads(child, name) for child in node.children)


def unset_test(test: Any) -> str | None:
    """The name ``test`` asks is unset: ``x is None``, ``x == None``, ``not x``."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return test.expression.value if isinstance(test.expression, cst.Name) else None
    if isinstance(test, cst.Comparison) and isinstance(test.left, cst.Name) and len(test.comparisons) == 1:
        c = test.comparisons[0]
        none = isinstance(c.comparator, cst.Name) and c.comparator.value == "None"
        return test.left.value if none and isinstance(c.operator, (cst.Is, cst.Equal)) else None
    return None


def without_fallbacks(resolver: Any, bindings: list[Binding], where: Scope, depth: int) -> list[Binding]:
    """``bindings`` less the fallbacks of a missing file (``try: p = load_prompt("x")`` / ``except
    FileNotFoundError: p = "You are ..."``) when another binding reads a text the project holds:
    the file is there, so the handler never runs and the text read is what every call sends; and
    less those of a missing package when the others import it (the code runs with it installed)."""
    fallbacks = [b for b in bindings if b.missing_file]
    if not fallbacks or len(fallbacks) == len(bindings):
        return bindings
    rest = [b for b in bindings if not b.missing_file]
    if all(b.kind == "import" for b in rest):
        return rest  # try: from anthropic import AnthropicVertex / except ImportError: AnthropicVertex = None
    read = [resolver.expr(b.node, where, depth + 1) for b in rest if b.kind == "assign"]
    return rest if read and all(v if isinstance(v, str) else isinstance(v, Text) and v.static() for v in read) \
        else bindings


def appended(resolver: Any, value: Any, augs: list[Binding], where: Scope, depth: int) -> Any:
    """``value`` (the name's one plain binding) extended by its ``+=`` bindings ``augs`` (see the
    module doc). A ``value`` not known as text that text is appended to is text all the same (only a
    string takes ``+= "..."``): a hole, then what is appended (``system = self.prompt_from_file``
    then ``system += "Reply in JSON"``); UNKNOWN when nothing shows the name holds text."""
    top, guarded = _appends(where)
    decides = isinstance(getattr(resolver, "overrides", None), dict)  # one caller's values (.callerargs)
    more: list[Any] = []
    for b in augs:
        runs = True if id(b.node) in top else _holds(resolver, guarded[id(b.node)], where, depth) \
            if decides and id(b.node) in guarded else None
        if runs is not False:  # (an append this caller's values skip adds nothing)
            more.append(resolver.expr(b.node, where, depth + 1) if runs else UNKNOWN)
    if not isinstance(value, (str, Text)) and not any(isinstance(m, (str, Text)) for m in more):
        return UNKNOWN
    return Text.join(value if isinstance(value, (str, Text)) else UNKNOWN,
                     *(m if isinstance(m, (str, Text)) else UNKNOWN for m in more))


Guards = list[tuple[Any, bool]]  # the ``if`` tests around a statement and the truth each needs


def _appends(where: Scope) -> tuple[set[int], dict[int, Guards]]:
    """The ``id`` of the value of each ``x += value`` directly in ``where``'s body, and of each one
    inside ``if`` / ``elif`` / ``else`` blocks there (no loop, ``try`` or ``with`` on the way) with
    the tests that decide it."""
    node = where.node
    body = node.body.body if isinstance(node, cst.FunctionDef) and isinstance(node.body, cst.IndentedBlock) \
        else node.body if isinstance(node, cst.Module) else []
    top: set[int] = set()
    guarded: dict[int, Guards] = {}

    def visit(statements: Any, guards: Guards) -> None:
        for st in statements:
            if isinstance(st, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
                for s in st.body:
                    if not (isinstance(s, cst.AugAssign) and isinstance(s.operator, cst.AddAssign)):
                        continue
                    if guards:
                        guarded[id(s.value)] = guards
                    else:
                        top.add(id(s.value))
            elif isinstance(st, cst.If):
                visit(_block(st.body), [*guards, (st.test, True)])
                other = st.orelse
                if isinstance(other, cst.If):
                    visit([other], [*guards, (st.test, False)])
                elif isinstance(other, cst.Else):
                    visit(_block(other.body), [*guards, (st.test, False)])

    visit(body, [])
    return top, guarded


def _block(body: Any) -> list[Any]:
    """The statements of an indented block, or a one-line suite (``if x: y += "..."``) as one."""
    return list(body.body) if isinstance(body, cst.IndentedBlock) else [body]


def _holds(resolver: Any, guards: Guards, where: Scope, depth: int) -> bool | None:
    """Whether the tests ``guards`` all go the needed way with the resolver's values; None when one
    of them is not known."""
    for test, truth in guards:
        v = resolver.expr(test, where, depth + 1)
        if not isinstance(v, (bool, int, str, type(None))):
            return None
        if bool(v) is not truth:
            return False
    return True
