"""The instructions a request carries beyond what its arguments resolve to (for TB501's JSON ask).

:func:`.intent.prompt_text` reads the static text of ``system`` and the messages as the resolver
found them. Two common ways of building a prompt leave that text out, though it is plainly in the
source; :func:`instruction_text` adds it back:

* **blocks appended before the call**: ``content = []``, a loop appending the documents, then
  ``content.append({"type": "text", "text": PROMPT})`` and ``messages=[{"role": "user", "content":
  content}]``. The resolver keeps a mutated list as *unknown*; here every ``name.append(x)`` /
  ``name.extend([...])`` / ``name.insert(i, x)`` of a list the request's ``system`` / ``messages``
  name, written in the calling function before the call, contributes the static text of ``x``
  (a text block, a string, or a user / system message). Appended values the resolver cannot read
  (a loop's document, a caller's data) contribute nothing, so only text really in the source counts.
* **a helper with several returns**: ``prompt = self.build_prompt()`` where ``build_prompt``
  returns one of several f-strings (``if markers: return f"...JSON..." else: return "...JSON..."``).
  The resolver only follows single-return helpers; here a same-module function or method (no
  arguments) whose returns are all string literals or f-strings contributes them when the rule's
  test holds for *each* return (every path asks for JSON): :func:`helper_text`.

Precision first: nothing here guesses at unknown values; the text added is source text that the
request sends (appended before the call, or returned by the helper on every path).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import libcst as cst

from pytest_tokenbudget.lint.analysis.derived_params import names_in, value_text
from pytest_tokenbudget.lint.analysis.scopes import Scope, lookup
from pytest_tokenbudget.lint.cstwalk import children
from pytest_tokenbudget.lint.types import CallSite

__all__ = ["appended_text", "asked", "helper_text", "instruction_text"]

_APPENDERS = frozenset({"append", "extend", "insert"})
_FIELDS = ("system", "messages")
_MAX_NODES = 20_000  # a function walked for appends / returns: bounded work on generated code


def asked(call: CallSite, test: Callable[[str], bool]) -> str | None:
    """Whether the request's instructions satisfy ``test`` (asks for JSON, say): ``""`` when its own
    text does (resolved arguments, appended blocks, a multi-return helper), ``" (the prompt comes
    from caller x.py:12)"`` when the text one project caller passes to a wrapper that reshapes it
    does (:mod:`.derived_params`), None otherwise."""
    from pytest_tokenbudget.lint.analysis.derived_params import caller_texts
    from pytest_tokenbudget.lint.analysis.intent import prompt_text
    from pytest_tokenbudget.lint.arguments import shown

    if test(prompt_text(call)) or test(_per_request(call, "instruction_text", test, instruction_text)):
        return ""
    for text, (path, line) in _per_request(call, "caller_texts", None, caller_texts) if call.scope is not None else ():
        if test(text):
            return f" (the prompt comes from caller {shown(path)}:{line})"
    return None


def _per_request(call: CallSite, what: str, test: Any, compute: Callable[..., Any]) -> Any:
    """``compute(call[, test])`` once per request and test: each variant of a call (a caller's
    values for its parameters) asks again, and these answers read only the call's scope, its node
    and the nodes its ``system`` / ``messages`` come from (``derived_params`` reads the same two
    fields). Kept on the call's scope, so they live as long as the file's analysis."""
    if call.scope is None:
        return compute(call) if test is None else compute(call, test)
    memo = call.scope.__dict__.setdefault(f"request_text.{what}", {})
    key = (test, call.batch, call.node, *(call.arg_nodes.get(f) for f in _FIELDS))  # nodes: identity, kept alive
    try:
        return memo[key]
    except KeyError:
        pass
    except TypeError:  # a value that is not a node (unhashable): not memoised
        return compute(call) if test is None else compute(call, test)
    memo[key] = found = compute(call) if test is None else compute(call, test)
    return found


def instruction_text(call: CallSite, every: Callable[[str], bool]) -> str:
    """Static text the request sends that the resolved arguments miss: appended blocks, and the
    returns of multi-return prompt helpers when ``every`` holds for each of them (empty when there
    is none)."""
    if call.scope is None:
        return ""
    parts = [appended_text(call), helper_text(call, every)]
    return "\n".join(p for p in parts if p)


def _function_of(scope: Scope) -> Scope | None:
    s: Scope | None = scope
    while s is not None and s.kind != "function":
        if s.kind in ("module", "class"):
            return None
        s = s.parent
    return s


def _field_nodes(call: CallSite) -> list[Any]:
    return [call.arg_nodes[f] for f in _FIELDS if call.arg_nodes.get(f) is not None]


# ------------------------------------------------------------------------------ appended blocks
def appended_text(call: CallSite) -> str:
    """The static text appended, before the call, to the lists the request's system / messages name."""
    fn = _function_of(call.scope)
    if fn is None or fn.node is None:
        return ""
    names = {n for node in _field_nodes(call) for n in names_in(node)}
    lists = {n for n in names if _local_list(n, call.scope, fn)}
    if not lists:
        return ""
    from pytest_tokenbudget.lint.analysis.resolve import Resolver

    resolver = Resolver()
    texts: list[str] = []
    for name, value in _appends_before(fn.node, call.node, lists):
        texts.append(value_text(resolver.expr(value, call.scope)))
    return "\n".join(t for t in texts if t)


def _local_list(name: str, scope: Scope, fn: Scope) -> bool:
    """``name`` is bound once in the calling function, to a list literal, and only grown by appends."""
    found = lookup(name, scope)
    if found is None or found[0] is not fn:
        return False
    where, bindings = found
    ops = where.mutated.get(name) or set()
    return len(bindings) == 1 and bindings[0].kind == "assign" and isinstance(bindings[0].node, cst.List) \
        and bool(ops) and ops <= _APPENDERS


def _appends_before(fn_node: Any, call_node: Any, lists: set[str]) -> list[tuple[str, Any]]:
    """(list name, appended expression) of each append of ``lists`` met before ``call_node`` in a
    source-order walk of the function (nested functions and classes aside)."""
    out: list[tuple[str, Any]] = []
    stack: list[Any] = [fn_node.body]
    seen = 0
    while stack and seen < _MAX_NODES:
        n = stack.pop()
        seen += 1
        if n is call_node:
            return out
        if isinstance(n, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        if isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) and isinstance(n.func.value, cst.Name) \
                and n.func.value.value in lists and n.func.attr.value in _APPENDERS and n.args:
            arg = n.args[-1].value
            if n.func.attr.value == "extend":
                if isinstance(arg, (cst.List, cst.Tuple)):
                    out.extend((n.func.value.value, e.value) for e in arg.elements if isinstance(e, cst.Element))
            else:
                out.append((n.func.value.value, arg))
        if isinstance(n, cst.CSTNode):
            stack.extend(reversed(children(n)))  # libcst's .children rebuilds the node
    return out




# ------------------------------------------------------------------------------ multi-return helpers
def helper_text(call: CallSite, every: Callable[[str], bool]) -> str:
    """The returns of a same-module prompt helper whose every return satisfies ``every`` (asks for
    JSON, say), for the helper calls the request's system / messages read through a local name
    (``prompt = self.build_prompt()``)."""
    fn = _function_of(call.scope)
    if fn is None:
        return ""
    texts: list[str] = []
    for name in {n for node in _field_nodes(call) for n in names_in(node)}:
        found = lookup(name, call.scope)
        if found is None or found[0] is not fn or len(found[1]) != 1 or found[1][0].kind != "assign":
            continue
        value = found[1][0].node
        if isinstance(value, cst.Await):
            value = value.expression
        if isinstance(value, cst.Call) and not value.args:
            helper = _helper_def(value.func, fn)
            if helper is not None:
                texts.append(_common_return_text(helper, every))
    return "\n".join(t for t in texts if t)


def _helper_def(func: Any, fn: Scope) -> Scope | None:
    """The scope of ``helper()`` (a module-level function) or ``self.helper()`` (a method of the
    caller's class)."""
    where: Scope | None = None
    name = ""
    if isinstance(func, cst.Name):
        where, name = fn.module(), func.value
    elif isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and fn.self_name \
            and func.value.value == fn.self_name:
        where, name = fn.owner_class, func.attr.value
    defs = [b for b in (where.bindings.get(name, []) if where is not None else [])]
    if len(defs) == 1 and defs[0].kind == "def" and defs[0].scope is not None \
            and isinstance(defs[0].scope.node, cst.FunctionDef):
        return defs[0].scope
    return None


def _common_return_text(helper: Scope, every: Callable[[str], bool]) -> str:
    """The static text of every ``return`` of ``helper`` when each returns a string literal or an
    f-string and each satisfies ``every``; empty otherwise."""
    from pytest_tokenbudget.lint.analysis.values import static_text

    returns: list[Any] = []
    stack: list[Any] = [helper.node.body]
    while stack and len(returns) <= 8:
        n = stack.pop()
        if isinstance(n, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        if isinstance(n, cst.Return):
            returns.append(n.value)
            continue
        if isinstance(n, cst.CSTNode):
            stack.extend(children(n))
    if len(returns) < 2 or len(returns) > 8 or not all(
            isinstance(r, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)) for r in returns):
        return ""
    from pytest_tokenbudget.lint.analysis.resolve import Resolver

    resolver = Resolver()
    texts = [static_text(resolver.expr(r, helper)) for r in returns]
    return "\n".join(texts) if all(t and every(t) for t in texts) else ""
