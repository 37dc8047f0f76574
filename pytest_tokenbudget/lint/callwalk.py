"""The calls of a file whose function is named by one of a few words, found without a full walk.

A caller search (:mod:`.callsearch`) asks one file at a time for the calls ``f(...)`` /
``x.f(...)`` of a handful of names (the function, its aliases, ``cls``). Walking the whole
:mod:`ast` tree and building its parent map for that costs more than the rest of the search
together on real code (most files hold thousands of nodes and one or two matching calls). Such a
call's name is written in the file's text, on a line inside the span of the call and of every
node around it; so the walk goes down only into nodes whose lines hold one of the words (nodes
without a position, f-string parts and decorated definitions are entered regardless: their
positions do not bound their children). The walk is breadth first, as :func:`ast.walk`, so the
calls come in the same order, and it carries the definitions around each node, which answers
"which function holds this call" without a parent map.
"""

from __future__ import annotations

import ast
import bisect
import functools
import re
from collections import deque
from dataclasses import dataclass

from pytest_tokenbudget.lint.astwalk import child_nodes, walk

__all__ = ["Naming", "NamedCall", "has_word", "named_calls", "naming", "word_chars"]

_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass(frozen=True)
class NamedCall:
    call: ast.Call
    owner: str | None  # ``f`` / ``Class.m`` holding the call (None: module level, lambda, nested)
    in_function: bool  # inside a function or a lambda


def named_calls(tree: ast.Module, data: bytes | None, words: frozenset[str]) -> list[NamedCall]:
    """The calls in ``tree`` whose ``func`` is ``w`` or ``x.w`` for a ``w`` of ``words``, in
    :func:`ast.walk` order. ``data``: the text ``tree`` was parsed from (None: walk everything)."""
    lines = _lines_naming(data, words) if data is not None and all(w.isascii() for w in words) else None
    if lines is not None and not lines:
        return []
    out: list[NamedCall] = []
    todo: deque[tuple[ast.AST, tuple[ast.AST, ...], bool]] = deque([(tree, (), False)])
    while todo:
        node, chain, whole = todo.popleft()
        if isinstance(node, ast.Call) and _named(node.func, words):
            out.append(NamedCall(node, _owner(chain), any(not isinstance(n, ast.ClassDef) for n in chain)))
        inner = chain + (node,) if isinstance(node, (*_DEFS, ast.Lambda)) else chain
        whole = whole or isinstance(node, ast.JoinedStr)  # f-string parts: positions not to be trusted
        for child in child_nodes(node):
            if whole or lines is None or _spans(child, lines):
                todo.append((child, inner, whole))
    return out



class _Parents(dict):  # type: ignore[type-arg]
    """id(node) -> parent: filled by the pruned walk, and inside the functions (or module- or
    class-level statements) the walk entered only when a lookup first misses."""

    def __init__(self, root: ast.AST) -> None:
        super().__init__()
        self.root = id(root)  # the tree: the one node that has no parent
        self.pending: list[ast.AST] = []

    def _expand(self, key: object) -> bool:
        if not self.pending or key == self.root:
            return False
        units, self.pending = self.pending, []
        for unit in units:
            for node in walk(unit):
                for child in child_nodes(node):
                    dict.__setitem__(self, id(child), node)
        return dict.__contains__(self, key)

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or self._expand(key)

    def __missing__(self, key: object) -> ast.AST:
        if self._expand(key):
            return dict.__getitem__(self, key)
        raise KeyError(key)

    def get(self, key: object, default: object = None) -> object:
        return self[key] if key in self else default


@dataclass
class Naming:
    """What one pruned walk of a tree found for a set of words, in :func:`ast.walk` order."""

    calls: list[ast.Call]  # calls whose function, or a direct argument, is ``w`` / ``x.w``
    names: list[ast.expr]  # every ``w`` / ``x.w`` (Name / Attribute) node
    parents: dict[int, ast.AST]  # complete for their ancestors and inside their functions (see naming)


def naming(tree: ast.Module, data: bytes | None, words: frozenset[str]) -> Naming:
    """The nodes of ``tree`` that name one of ``words`` (``data`` as for :func:`named_calls`), with
    a parent map that is complete inside each function (or module- or class-level statement)
    holding one, and for their ancestors above it: what a judgement walking up from such a node,
    or from another node of its function (a loop's iterable), needs. The interior of those
    functions is mapped on the first lookup that needs it (most searches never do)."""
    lines = _lines_naming(data, words) if data is not None and all(w.isascii() for w in words) else None
    parents = _Parents(tree)
    found = Naming([], [], parents)
    if lines is not None and not lines:
        return found
    todo: deque[tuple[ast.AST, bool, bool]] = deque([(tree, False, False)])
    while todo:
        node, whole, unit = todo.popleft()
        if isinstance(node, (ast.Name, ast.Attribute)) and _named(node, words):
            found.names.append(node)
        elif isinstance(node, ast.Call) and (_named(node.func, words) or any(
                _named(a, words) for a in [*node.args, *(k.value for k in node.keywords)])):
            found.calls.append(node)
        whole = whole or isinstance(node, ast.JoinedStr)
        if not unit and (isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or (
                isinstance(node, ast.stmt) and not isinstance(node, ast.ClassDef)
                and isinstance(dict.get(parents, id(node)), (ast.Module, ast.ClassDef)))):
            parents.pending.append(node)
            unit = True
        for child in child_nodes(node):
            dict.__setitem__(parents, id(child), node)
            if whole or lines is None or _spans(child, lines):
                todo.append((child, whole, unit))
    return found


def _named(func: ast.expr, words: frozenset[str]) -> bool:
    return (isinstance(func, ast.Name) and func.id in words) or (isinstance(func, ast.Attribute)
                                                                  and func.attr in words)


def _owner(chain: tuple[ast.AST, ...]) -> str | None:
    """As :func:`.callnames.owner_of`: ``f`` or ``Class.m`` of the innermost definitions."""
    if any(isinstance(n, ast.Lambda) for n in chain):
        return None
    defs = [n for n in chain if isinstance(n, _DEFS)][::-1]  # innermost first
    if not defs or isinstance(defs[0], ast.ClassDef) or len(defs) > 2 \
            or (len(defs) == 2 and not isinstance(defs[1], ast.ClassDef)):
        return None
    return ".".join(n.name for n in reversed(defs))  # type: ignore[attr-defined]


def _spans(node: ast.AST, lines: list[int]) -> bool:
    """Whether ``node``'s lines hold one of the words (True when its position does not bound it)."""
    start = getattr(node, "lineno", None)
    end = getattr(node, "end_lineno", None)
    if start is None or end is None:
        return True
    if isinstance(node, _DEFS):  # decorators sit above the ``def`` line
        start = min([start, *(getattr(d, "lineno", start) for d in node.decorator_list)])
    i = bisect.bisect_left(lines, start)
    return i < len(lines) and lines[i] <= end


@functools.lru_cache(maxsize=1024)
def _pattern(words: frozenset[str]) -> re.Pattern[bytes]:
    # \b on bytes is the ASCII word boundary: the same matches as look-arounds for [A-Za-z0-9_],
    # found faster (identifiers start and end with a word character)
    return re.compile(rb"\b(?:" + b"|".join(re.escape(w.encode()) for w in sorted(words)) + rb")\b")


_WORD_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


def _lines_naming(data: bytes, words: frozenset[str]) -> list[int]:
    """The (sorted, 1-based) lines of ``data`` that hold one of ``words`` as an identifier."""
    if b"\r" in data:  # the parser counts \r\n and a lone \r as one line break each
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if all(word_chars(w.encode()) for w in words):
        starts = _word_starts(data, words)
    else:
        starts = [m.start() for m in _pattern(words).finditer(data)]
    out: list[int] = []
    line, pos = 1, 0
    for start in starts:
        line += data.count(b"\n", pos, start)
        pos = start
        if not out or out[-1] != line:
            out.append(line)
    return out


def has_word(data: bytes, word: bytes) -> bool:
    """``word`` (of word characters only) occurs in ``data`` with no word character on either side."""
    size, end = len(word), len(data)
    i = data.find(word)
    while i != -1:
        if (i == 0 or data[i - 1] not in _WORD_BYTES) and (i + size >= end or data[i + size] not in _WORD_BYTES):
            return True
        i = data.find(word, i + size)
    return False


def word_chars(word: bytes) -> bool:
    """``word`` is made of ASCII word characters only (and is not empty)."""
    return bool(word) and _WORD_BYTES.issuperset(word)


def _word_starts(data: bytes, words: frozenset[str]) -> list[int]:
    """Where ``_pattern(words)`` matches, for words of word characters only: each occurrence (a
    bytes search) with no word character on either side. Such a match is a whole identifier-like
    run, so two words never claim the same place and the sorted starts are the regex's matches."""
    out: list[int] = []
    end = len(data)
    for w in words:
        word = w.encode()
        size = len(word)
        i = data.find(word)
        while i != -1:
            if (i == 0 or data[i - 1] not in _WORD_BYTES) and (i + size >= end or data[i + size] not in _WORD_BYTES):
                out.append(i)
            i = data.find(word, i + size)
    out.sort()
    return out
