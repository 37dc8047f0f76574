"""Does a request built as a local dict leave ``stream`` out? (TB401 on ``create(**params)``)

A helper that builds its request step by step::

    params = {"model": model, "max_tokens": 1000, "messages": messages}
    if system:
        params["system"] = system
    response = client.messages.create(**params)

mutates ``params``, so the resolver leaves the call's keywords open and ``stream`` unknown. When
every key the function ever gives the dict is a string constant and none of them is ``stream``, the
request never streams: its reply is one whole message, whatever the caller does with it. Any other
use of the dict (passed to another function, ``params.update(...)``, ``params[key] = ...`` with a
computed key, ``**other`` merged into it) keeps the answer unknown.

Works on :mod:`ast` trees (the project index's parse), like :func:`.message_reads.reads_message`.
"""

from __future__ import annotations

import ast

from pytest_tokenbudget.lint.astwalk import child_nodes, walk

__all__ = ["stream_left_out"]

_READS = frozenset({"get", "copy", "keys", "items", "values", "__contains__"})


def stream_left_out(scope: ast.AST, line: int) -> bool:
    """The ``create`` request on ``line`` of ``scope`` passes ``**name`` dicts only (besides plain
    keywords other than ``stream``), each built in ``scope`` from constant keys without ``stream``."""
    calls = [n for n in walk(scope) if isinstance(n, ast.Call) and n.lineno <= line <= (n.end_lineno or n.lineno)
             and isinstance(n.func, ast.Attribute) and n.func.attr == "create"]
    if len(calls) != 1:
        return False
    call = calls[0]
    unpacked = [k.value for k in call.keywords if k.arg is None]
    if not unpacked or any(isinstance(a, ast.Starred) for a in call.args) \
            or any(k.arg == "stream" for k in call.keywords):
        return False
    parents = {id(c): p for p in walk(scope) for c in child_nodes(p)}
    return all(isinstance(u, ast.Name) and _built_without_stream(scope, u, parents) for u in unpacked)


def _built_without_stream(scope: ast.AST, name: ast.Name, parents: dict[int, ast.AST]) -> bool:
    built = 0
    for n in walk(scope):
        if not (isinstance(n, ast.Name) and n.id == name.id) or n is name:
            continue
        parent = parents.get(id(n))
        if isinstance(n.ctx, ast.Store):
            if not (isinstance(parent, (ast.Assign, ast.AnnAssign)) and _constant_keys(parent.value)):
                return False  # bound to something else, or in a loop target / with / walrus
            built += 1
        elif isinstance(parent, ast.Subscript) and parent.value is n:
            if isinstance(parent.ctx, ast.Store) and _key(parent.slice) in (None, "stream"):
                return False  # params["stream"] = ... / params[key] = ...
        elif isinstance(parent, ast.Attribute) and parent.value is n:
            if parent.attr not in _READS:
                return False  # params.update(...), params.setdefault(...)
        elif isinstance(parent, ast.keyword) and parent.arg is None and parents.get(id(parent)) is not None:
            continue  # **params into a call: read only
        elif not isinstance(parent, ast.Compare):
            return False  # handed to another function, aliased, merged: it may gain any key
    return built == 1


def _key(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _constant_keys(value: ast.expr | None) -> bool:
    """A dict literal, or ``dict(k=...)``, with constant string keys only and no ``stream``."""
    if isinstance(value, ast.Dict):
        keys = [_key(k) if k is not None else None for k in value.keys]
    elif isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict" \
            and not value.args:
        keys = [k.arg for k in value.keywords]
    else:
        return False
    return all(k is not None and k != "stream" for k in keys)
