"""Re-sends: a request a function makes again only because the one before it failed or fell short.

Two shapes, both waiting on the first request, so never one of a batch's independent items:

* in an ``except`` handler of a ``try`` whose body makes a request (``try: create(...) except
  APIStatusError: create(...)  # last resort``);
* a correction: ``audit = create(system=S, tools=T, messages=m)``, then ``if missing_from(audit):
  create(system=S, tools=T, messages=m + ["you left out X"])`` -- in an ``if`` whose test reads,
  through the assignments before it, the reply of an earlier request of the function with the same
  arguments but ``messages`` (written the same way). A next step on a reply (a description written
  once a classification says which kind) is another request with its own settings: it still counts.

TB401 reports the first request, whose loop (in the function or a caller) is the same.
"""

from __future__ import annotations

import ast

from pytest_tokenbudget.lint.astwalk import walk
from pytest_tokenbudget.lint.callnames import Def
from pytest_tokenbudget.lint.loopbody import REQUEST_METHODS

__all__ = ["resent"]

def resent(fn: Def, call: ast.Call, parents: dict[int, ast.AST]) -> bool:
    """``call`` (a request in ``fn``) re-sends an earlier one: in a handler of its failure, or in an
    ``if`` on its reply."""
    node: ast.AST = call
    while id(node) in parents and node is not fn:
        child, node = node, parents[id(node)]
        if isinstance(node, ast.Try) and child in node.handlers and any(_requests(s) for s in node.body):
            return True
        if isinstance(node, ast.If) and child is not node.test and _reads_reply(fn, node, call):
            return True
    return False


def _reads_reply(fn: Def, test: ast.If, call: ast.Call) -> bool:
    before = [n for n in walk(fn) if isinstance(n, (ast.Assign, ast.AnnAssign)) and n.value is not None
              and n.lineno < test.lineno]
    replies = {name for n in before if _requests(n.value, like=call) for name in _targets(n)}
    names = _names(test.test)
    for _ in range(4):  # missing <- returned <- data <- response
        grown = names | {x for n in before if _targets(n) & names for x in _names(n.value)}  # type: ignore[arg-type]
        if grown == names:
            break
        names = grown
    return bool(names & replies)


def _requests(node: ast.AST, like: ast.Call | None = None) -> bool:
    """``node`` makes an SDK request (``client.messages.create(...)``); with ``like``, another one with
    the same arguments but ``messages``."""
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in REQUEST_METHODS
               and (like is None or (n is not like and _settings(n) == _settings(like))) for n in walk(node))


def _settings(call: ast.Call) -> dict[str | None, str]:
    return {k.arg: ast.dump(k.value) for k in call.keywords if k.arg != "messages"}


def _targets(n: ast.Assign | ast.AnnAssign) -> set[str]:
    targets = n.targets if isinstance(n, ast.Assign) else [n.target]
    return {x.id for t in targets for x in walk(t) if isinstance(x, ast.Name)}


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in walk(node) if isinstance(n, ast.Name)}
