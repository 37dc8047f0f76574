"""Loops that repeat one request until it succeeds: a retry is one request per item in the end, so
TB401 looks through it to the per-item loop outside (if any), and never counts it as the items."""

from __future__ import annotations

import ast
import re

from pytest_tokenbudget.lint.astwalk import walk
from pytest_tokenbudget.lint.loopbody import asks_a_person

__all__ = ["RETRY", "regenerates", "retry_while", "retry_while_source"]

# A word of a name (snake_case or camelCase) that starts with one of these: max_retries, retryCount, n_attempts,
# tries_left, trial, backoff; not inside another word (entries, countries, industries) nor retrieve / retrieval.
RETRY = re.compile(r"(?-i:(?<![A-Za-z])|(?<=[a-z])(?=[A-Z]))(?:retr(?!iev)|attempt|tries|trial|backoff)", re.I)


def retry_while(loop: ast.While) -> bool:
    """A loop that repeats one request until it succeeds: ``while attempts < 3`` / ``while not done
    and retries``; ``while True:`` whose body is one ``try`` with handlers; or ``while True:`` whose
    ``try`` leaves the loop once the request succeeds (a ``return`` / ``break`` in its body or
    ``else``) beside bookkeeping statements (``attempt += 1``): it only goes round again on an
    exception; the same under ``while count < run_cap:`` counting its goes; ``while not done:``
    around one ``try`` whose success sets ``done = True`` or binds ``done`` from the request
    (``response, usage = ask(prompt)``). A loop reading ``input()`` is a conversation, never a retry."""
    if RETRY.search(ast.unparse(loop.test)):
        return True
    if isinstance(t := loop.test, ast.UnaryOp) and isinstance(t.op, ast.Not) and isinstance(t.operand, ast.Name):
        flag = t.operand.id
        body = [s for s in loop.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
        return len(body) == 1 and isinstance(body[0], ast.Try) and bool(body[0].handlers) and any(
            _sets_flag(s, flag) for s in [*body[0].body, *body[0].orelse]) and not asks_a_person(loop)
    if not (isinstance(loop.test, ast.Constant) and loop.test.value is True or _counts_up_to_a_cap(loop)) \
            or asks_a_person(loop):
        return False
    body = [s for s in loop.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    tries = [s for s in body if isinstance(s, ast.Try) and s.handlers]
    if len(body) == 1 and tries:
        return True
    bookkeeping = all(isinstance(s, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Try, ast.Pass)) for s in body)
    return bookkeeping and len(tries) == 1 and any(
        isinstance(s, (ast.Return, ast.Break)) for s in [*tries[0].body, *tries[0].orelse])


def _sets_flag(stmt: ast.stmt, flag: str) -> bool:
    """``done = True``, or ``flag`` bound from a call's result (``response, usage = ask(prompt)``):
    the statement the ``try`` reaches only when the request succeeded."""
    if not isinstance(stmt, ast.Assign):
        return False
    binds = any(isinstance(x, ast.Name) and x.id == flag for t in stmt.targets
                for x in (t.elts if isinstance(t, ast.Tuple) else [t]))
    return binds and (isinstance(stmt.value, ast.Constant) and stmt.value.value is True
                      or isinstance(stmt.value, (ast.Call, ast.Await)))


def _counts_up_to_a_cap(loop: ast.While) -> bool:
    """``while count < run_cap:`` whose body adds to ``count`` (in a handler too): a capped number of
    goes, a retry when its ``try`` leaves the loop on success (see :func:`retry_while`)."""
    test = loop.test
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Lt, ast.LtE))
            and isinstance(test.left, ast.Name)):
        return False
    return any(isinstance(n, ast.AugAssign) and isinstance(n.op, ast.Add) and isinstance(n.target, ast.Name)
               and n.target.id == test.left.id for st in loop.body for n in walk(st))


def retry_while_source(code: str) -> bool:
    """:func:`retry_while` for the source of one ``while`` statement (the rules hold libcst nodes)."""
    import textwrap

    try:
        stmt = ast.parse(textwrap.dedent(code)).body[0]
    except (SyntaxError, IndexError, ValueError):
        return False
    return isinstance(stmt, ast.While) and retry_while(stmt)


def regenerates(loop: ast.While, request: ast.Call) -> bool:
    """``while True:`` that sends the same request until a reply passes a check (``if
    complete_response(story): break``): nothing the request reads is bound or grown in the loop
    (``messages.append(reply)`` makes it a conversation), and the loop is left by a ``break`` or
    ``return``. Like a retry, it ends with one accepted reply per item."""
    if not (isinstance(loop.test, ast.Constant) and loop.test.value is True) or asks_a_person(loop):
        return False
    body = list(walk(ast.Module(body=loop.body, type_ignores=[])))
    changed = {x.id for n in body for t in _changes(n) for x in walk(t) if isinstance(x, ast.Name)}
    return any(isinstance(n, (ast.Break, ast.Return)) for n in body) \
        and not changed & {x.id for x in walk(request) if isinstance(x, ast.Name)}


def _changes(node: ast.AST) -> list[ast.expr]:
    """What ``node`` rebinds or changes in place: assignment, loop and ``with`` targets (``messages[0] =
    ...`` changes ``messages``), and the receiver of a growing call (``messages.append(reply)``)."""
    if isinstance(node, ast.Assign):
        return node.targets
    if isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor, ast.NamedExpr)):
        return [node.target]
    if isinstance(node, (ast.With, ast.AsyncWith)):
        return [i.optional_vars for i in node.items if i.optional_vars is not None]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _GROWS:
        return [node.func.value]
    return []


_GROWS = frozenset({"append", "extend", "insert", "update", "setdefault", "add", "pop", "remove", "clear"})
