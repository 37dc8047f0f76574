"""API methods reached through a retry wrapper.

Real code wraps the SDK method for retries instead of decorating a function of its own:

* ``create = retry(stop=stop_after_attempt(3))(client.messages.create)`` (tenacity), ``backoff.on_exception(
  backoff.expo, RateLimitError)(client.messages.create)(model=...)``, a local ``with_retries(client.messages.create)``:
  the wrapped callable is the method itself;
* ``call_with_retry(client.messages.create, model=..., messages=...)``, ``Retrying(...)(client.messages.create,
  **params)`` (tenacity), ``self._retry(self.client.messages.create, **kwargs)``: a helper that calls the method it
  is handed with the arguments that follow.

A wrapper counts by its name (``retry``/``retries``/``retrying``/``backoff``/``on_exception``/``on_predicate`` in
the last name of the callee, or of the factory that made it): a cache or a ``functools.partial`` around the method
is something else (a memoised call; arguments bound elsewhere). Decorated functions (``@retry(...)`` on a ``def``)
need nothing here: the call inside them is an ordinary call site.
"""

from __future__ import annotations

import re
from typing import Any

import libcst as cst

__all__ = ["forwarded", "partial_alias", "wrapped_method"]

_API_METHODS = frozenset({"create", "stream", "parse", "count_tokens", "tool_runner"})
_RETRY = re.compile(r"retr(?:y|ies|ying)|backoff|on_exception|on_predicate", re.I)
_THREAD = frozenset({"to_thread", "run_sync"})  # asyncio.to_thread(f, **kw), anyio.to_thread.run_sync(f, ...)


def _last_name(func: Any) -> str | None:
    while isinstance(func, cst.Call):  # retry(...)(fn): the factory's name
        func = func.func
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return None


def _retrying(func: Any) -> bool:
    name = _last_name(func)
    return bool(name and _RETRY.search(name))


def _method(arg: cst.Arg) -> Any | None:
    v = arg.value
    if arg.keyword is None and not arg.star and isinstance(v, cst.Attribute) and v.attr.value in _API_METHODS:
        return v
    return None


def wrapped_method(node: Any) -> Any | None:
    """``retry(...)(client.messages.create)`` or ``functools.partial(client.messages.create, ...)``:
    the wrapped method expression, else None."""
    if isinstance(node, cst.Call) and len(node.args) == 1 and _retrying(node.func):
        return _method(node.args[0])
    bound = _partial_of(node)
    return bound.args[0].value if bound is not None else None


def partial_alias(node: cst.Call, scope: Any, resolver: Any) -> tuple[Any, cst.Call] | None:
    """``create(messages=...)`` where ``create = partial(client.messages.create, model=..., system=...)``:
    (the alias, a call holding the request's arguments: the partial's, then the call's), else None."""
    found = resolver.lookup(node.func.value, scope) if isinstance(node.func, cst.Name) else None
    bound = _partial_of(found[1][0].node) if found is not None and len(found[1]) == 1 \
        and found[1][0].kind == "assign" else None
    if bound is None:
        return None
    return node.func, node.with_changes(args=[*bound.args[1:], *node.args])


def _partial_of(v: Any) -> cst.Call | None:
    """``functools.partial(client.messages.create, model=...)``, else None."""
    return v if isinstance(v, cst.Call) and _last_name(v.func) == "partial" and v.args \
        and _method(v.args[0]) is not None else None


def forwarded(node: cst.Call) -> tuple[Any, cst.Call] | None:
    """(the method expression, a call holding the request's arguments) when ``node`` sends a request
    through a retry wrapper: ``backoff.on_exception(...)(client.messages.create)(model=...)`` or
    ``call_with_retry(client.messages.create, model=..., ...)``; or runs it in a thread:
    ``asyncio.to_thread(client.messages.create, model=...)``, ``loop.run_in_executor(None,
    partial(client.messages.create, model=...))``; else None."""
    inner = wrapped_method(node.func)
    if inner is not None:
        return inner, node
    bound = _partial_of(node.args[1].value) if len(node.args) == 2 else None
    if _last_name(node.func) == "run_in_executor" and bound is not None:
        return bound.args[0].value, bound.with_changes(args=bound.args[1:])
    if len(node.args) >= 1 and _last_name(node.func) in _THREAD and _method(node.args[0]) is not None:
        return node.args[0].value, node.with_changes(args=node.args[1:])
    if len(node.args) >= 2 and _retrying(node.func):
        method = _method(node.args[0])
        if method is not None:
            return method, node.with_changes(args=node.args[1:])
    return None
