"""The prefilters: decide cheaply whether a file may hold a call the analysis can report.

:func:`may_contain_calls` works on raw bytes, before any parse, in two steps: a substring test (``messages`` / ``completions``: a C ``memmem``, about
as fast as reading the file), then a regex for the call shapes the extractor can recognise:
``<x>.messages.create|stream|parse|count_tokens|tool_runner``, ``batches.create``,
``chat.completions.create`` (with optional ``with_raw_response.`` and line breaks), an alias
assignment of ``<x>.messages`` / ``<x>.messages.create``, and ``getattr(<x>, <name>).create``. A file that fails is never parsed.

:func:`tree_may_contain_calls` works on the :mod:`ast` tree of the files that pass (the C parser is
~10x faster than libcst, and :mod:`.source` needs that tree anyway to check the file compiles).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

from pytest_tokenbudget.lint.astwalk import walk

__all__ = ["PREFILTER_NODES", "imports_sdk", "may_contain_calls", "nodes_may_contain_calls", "tree_may_contain_calls"]

_CALL = re.compile(
    rb"(?:messages|completions|batches)\s*\.\s*(?:with_(?:raw|streaming)_response\s*\.\s*)?"
    rb"(?:create|stream|parse|count_tokens|tool_runner)\b"
)
_ALIAS = re.compile(rb"=\s*[\w.()\[\]\"' ,=]*\.\s*messages\s*(?:$|#|\n|\))", re.M)
# getattr(client, name).create(...): the namespace picked by a string (the name must resolve)
_GETATTR_CALL = re.compile(rb"getattr\s*\([^()]*\)\s*\.\s*(?:create|stream|parse|count_tokens|tool_runner)\b")


def may_contain_calls(data: bytes) -> bool:
    """True if ``data`` (a file's bytes) may contain a Messages / chat-completions call."""
    if b"messages" not in data and b"completions" not in data:
        return False
    return _CALL.search(data) is not None or _ALIAS.search(data) is not None or \
        (b"getattr" in data and _GETATTR_CALL.search(data) is not None)


_METHOD_NAMES = frozenset({"create", "stream", "parse", "count_tokens", "tool_runner"})
_ALIASABLE = _METHOD_NAMES | {"messages", "completions", "batches"}
_SDKS = ("anthropic", "openai")
PREFILTER_NODES = (ast.Call, ast.Import, ast.ImportFrom, ast.Assign)  # the nodes the ast prefilter reads


def imports_sdk(node: ast.AST) -> bool:
    """``import anthropic`` / ``from openai import OpenAI`` (not a relative import of a project module)."""
    if isinstance(node, ast.Import):
        return any(a.name.split(".")[0] in _SDKS for a in node.names)
    return isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] in _SDKS


def _receiver_chain(func: ast.Attribute) -> list[str]:
    chain, cur = [], func.value
    while isinstance(cur, (ast.Attribute, ast.Call)):
        if isinstance(cur, ast.Attribute):
            chain.append(cur.attr)
            cur = cur.value
        else:
            cur = cur.func
    if isinstance(cur, ast.Name):
        chain.append(cur.id)
    return chain


def _picked_by_getattr(func: ast.Attribute) -> bool:
    """``getattr(client, name).create``: the namespace is a string the analysis resolves."""
    v = func.value
    return isinstance(v, ast.Call) and isinstance(v.func, ast.Name) and v.func.id == "getattr"


def tree_may_contain_calls(tree: ast.AST) -> bool:
    """A sound superset of what :func:`.analysis.callsites.extract_call_sites` can report.

    A call of ``<...>.create|stream|parse|count_tokens`` (or one handed to a retry helper or a thread:
    ``asyncio.to_thread(client.messages.create, ...)``) through a ``messages`` / ``completions``
    / ``batches`` attribute or an alias, that either sits in a file importing ``anthropic`` /
    ``openai`` (traced receivers need that import) or passes ``model=``, ``requests=``, ``**``
    or positional arguments (untraced receivers need Anthropic-shaped arguments).
    """
    return nodes_may_contain_calls(walk(tree))


def nodes_may_contain_calls(nodes: Iterable[ast.AST]) -> bool:
    """:func:`tree_may_contain_calls` on a tree's nodes, in any order (the calls, imports and
    assignments among them are all it reads: a walk made for something else can collect just those)."""
    sdk_import = False
    aliases: set[str] = set()
    calls = []
    for node in nodes:
        if isinstance(node, ast.Call):
            calls.append(node)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            sdk_import = sdk_import or imports_sdk(node)
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Attribute):
            if node.value.attr in _ALIASABLE:
                aliases.update(t.id for t in node.targets if isinstance(t, ast.Name))
    for call in calls:
        func = call.func
        handed = next((a for a in call.args[:2] if isinstance(a, ast.Attribute) and a.attr in _METHOD_NAMES), None)
        if handed is not None and not (isinstance(func, ast.Attribute) and func.attr in _METHOD_NAMES):
            func = handed  # call_with_retry(client.messages.create, ...), asyncio.to_thread(...): the method handed on
        if isinstance(func, ast.Attribute) and func.attr in _METHOD_NAMES:
            chain = _receiver_chain(func)
            if not (set(chain) & {"messages", "completions", "batches"} or aliases & set(chain)
                    or _picked_by_getattr(func)):
                continue
        elif not (isinstance(func, ast.Name) and func.id in aliases):
            continue
        if sdk_import or call.args or any(k.arg in (None, "model", "requests") for k in call.keywords):
            return True
    return False
