"""Whether a request's result is read as a complete message, so the request does not stream
(TB206 and the streaming checks of :mod:`.analysis.crossref`), even where ``**kwargs`` hide its
arguments."""

from __future__ import annotations

import ast

from pytest_tokenbudget.lint.astwalk import walk

__all__ = ["reads_message"]


# read on a whole message (the pydantic dumps too), never on the SDKs' Stream / AsyncStream objects
_MESSAGE_ATTRS = frozenset({"content", "stop_reason", "usage", "choices", "model_dump", "model_dump_json", "to_dict",
                            "to_json"})


def reads_message(scope: ast.AST, line: int) -> bool:
    """The result of the request on ``line`` is read as a complete message (``r.content[0].text``,
    ``r.usage``), so the request does not stream, even where ``**kwargs`` hide its arguments."""
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
    return any(isinstance(n, ast.Attribute) and n.attr in _MESSAGE_ATTRS and isinstance(n.value, ast.Name)
               and n.value.id in names for n in walk(scope))
