"""Whether a request's result is read as a complete message, so the request does not stream
(TB206 and the streaming checks of :mod:`.analysis.crossref`), even where ``**kwargs`` hide its
arguments: read in place, or by a helper of the same file it is handed to (``return
self._wrap_response(resp, model)`` whose ``resp.content`` builds the provider's own reply object).
"""

from __future__ import annotations

import ast

from pytest_tokenbudget.lint.astwalk import walk

__all__ = ["reads_message"]


# read on a whole message (the pydantic dumps too), never on the SDKs' Stream / AsyncStream objects
_MESSAGE_ATTRS = frozenset({"content", "stop_reason", "usage", "choices", "model_dump", "model_dump_json", "to_dict",
                            "to_json"})


def reads_message(scope: ast.AST, line: int, tree: ast.Module | None = None) -> bool:
    """The result of the request on ``line`` is read as a complete message (``r.content[0].text``,
    ``r.usage``, ``getattr(r, "usage", None)``), so the request does not stream, even where ``**kwargs`` hide its arguments.
    ``tree``: the module holding ``scope``, where a helper the result is handed to is looked up."""
    names: set[str] = set()
    calls: list[ast.Call] = []
    for node in walk(scope):
        if isinstance(node, ast.Call) and node.lineno <= line <= (node.end_lineno or node.lineno) \
                and isinstance(node.func, ast.Attribute) and node.func.attr == "create":
            calls.append(node)
    if not calls:
        return False
    for node in walk(scope):
        if isinstance(node, ast.Attribute) and node.attr in _MESSAGE_ATTRS:
            inner = node.value.value if isinstance(node.value, ast.Await) else node.value
            if any(inner is c for c in calls):
                return True  # client.messages.create(...).content
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            value = node.value.value if isinstance(node.value, ast.Await) else node.value
            if any(value is c for c in calls):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names.update(t.id for t in targets if isinstance(t, ast.Name))
    return _reads(scope, names) or tree is not None and any(_helper_reads(tree, scope, n, names) for n in walk(scope)
                                                           if isinstance(n, ast.Call))


def _reads(scope: ast.AST, names: set[str]) -> bool:
    """``r.content`` on one of ``names``, or ``getattr(r, "content", [])`` (a provider that tolerates odd replies)."""
    return any(isinstance(n, ast.Attribute) and n.attr in _MESSAGE_ATTRS and isinstance(n.value, ast.Name)
               and n.value.id in names or _got(n, names) for n in walk(scope))


def _got(node: ast.AST, names: set[str]) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr" \
        and len(node.args) >= 2 and isinstance(node.args[0], ast.Name) and node.args[0].id in names \
        and isinstance(attr := node.args[1], ast.Constant) and attr.value in _MESSAGE_ATTRS


def _helper_reads(tree: ast.Module, scope: ast.AST, call: ast.Call, names: set[str]) -> bool:
    """``call`` hands one of ``names`` (positionally) to a function of this module (``wrap(resp)``) or
    a method of ``scope``'s class (``self._wrap_response(resp, model)``) that reads it as a message."""
    at = next((i for i, a in enumerate(call.args) if isinstance(a, ast.Name) and a.id in names), None)
    if at is None:
        return False
    defs: list[ast.stmt] = []
    if isinstance(call.func, ast.Name):
        defs = tree.body
    elif isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name) and call.func.value.id == "self":
        defs = next((c.body for c in tree.body if isinstance(c, ast.ClassDef) and scope in c.body), [])
        at += 1  # (after ``self``)
    name = call.func.id if isinstance(call.func, ast.Name) else call.func.attr if isinstance(call.func, ast.Attribute) \
        else ""
    fn = next((d for d in defs if isinstance(d, (ast.FunctionDef, ast.AsyncFunctionDef)) and d.name == name), None)
    params = fn.args.posonlyargs + fn.args.args if fn is not None else []
    return fn is not None and fn is not scope and at < len(params) and _reads(fn, {params[at].arg})
