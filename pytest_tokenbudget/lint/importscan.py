"""A file's import statements read from its bytes, without parsing the whole file.

The caller searches ask of many files whether they import a function (:mod:`.importcheck`); on a
tree of unrelated packages most do not, and parsing each whole file to read its imports was the
larger part of that question's cost. Every import statement starts a logical line, after its
indentation, with ``import`` or ``from``, or follows a ``;`` or a compound statement's ``:`` on the
same line. :func:`import_stub` parses only the lines that start with those words (with their
continuation lines: open brackets, a trailing backslash) into a module of import statements.

The stub may hold more than the file's imports (such a line in a docstring that parses), never
less: a file spelling ``; import`` or ``: from`` anywhere, or whose picked lines do not parse
together, gets no stub (None) and is parsed whole as before. So "the stub imports none of the
names" is exact; anything else is answered from the whole file.
"""

from __future__ import annotations

import ast
import re

__all__ = ["import_stub"]

_START = re.compile(rb"^[ \t\f]*(?:import|from)\b", re.M)
_INLINE = re.compile(rb"[;:][ \t\f]*(?:import|from)\b")
_MAX_LINES = 60  # continuation lines followed per statement (a real import is far shorter)


def import_stub(data: bytes) -> ast.Module | None:
    """A module of (at least) the import statements of the Python source ``data``; None when they
    cannot be told apart from the rest without parsing it whole."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if _INLINE.search(data):
        return None
    lines = data.split(b"\n")
    picked: list[bytes] = []
    offsets = _line_numbers(data)
    for m in _START.finditer(data):
        first = offsets(m.start())
        picked.extend(_statement(lines, first))
    if not picked:
        return ast.Module(body=[], type_ignores=[])
    try:
        return ast.parse(b"\n".join(picked))
    except (SyntaxError, ValueError):
        return None


def _line_numbers(data: bytes):  # type: ignore[no-untyped-def]
    """A function giving the 0-based line of an offset (offsets asked in increasing order)."""
    state = [0, 0]  # offset scanned up to, lines before it

    def line_of(offset: int) -> int:
        state[1] += data.count(b"\n", state[0], offset)
        state[0] = offset
        return state[1]

    return line_of


def _statement(lines: list[bytes], first: int) -> list[bytes]:
    """The physical lines of the statement starting on line ``first`` (its indentation dropped;
    inside brackets and after a backslash indentation does not count)."""
    out = [lines[first].lstrip(b" \t\f")]
    depth = 0
    i = first
    while True:
        code = lines[i].split(b"#", 1)[0]
        depth += code.count(b"(") + code.count(b"[") + code.count(b"{") \
            - code.count(b")") - code.count(b"]") - code.count(b"}")
        if (depth <= 0 and not code.rstrip().endswith(b"\\")) or i + 1 >= len(lines) or i - first >= _MAX_LINES:
            return out
        i += 1
        out.append(lines[i])
