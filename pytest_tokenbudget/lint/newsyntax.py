"""Python 3.12 f-strings on Python 3.10 and 3.11: an :mod:`ast` tree with the f-strings masked.

PEP 701 (Python 3.12) lets an f-string's expressions hold backslashes, comments and the f-string's
own quotes (``f"{text.replace('\\n', ' ')}"``, ``f"{row["name"]}"``). The older interpreters'
:mod:`ast` cannot parse such a file, so a run under them reported valid code as E999 and lost its
call sites (two corpus files, one with a ``messages.create``). libcst parses the new syntax on any
interpreter, so where :mod:`ast` fails and libcst does not, the tree the prefilter and the project
index need comes from the same text with each outermost f-string in the newer syntax (every
f-string, if that is not enough) replaced, character for character, by ``(ƒ ... )``: a name
nothing binds, so the index reads the f-string as unknown (never as a short constant a rule could
measure), and every other node keeps its line and column.
The rules themselves run on libcst's tree of the real text. libcst is imported only when a parse
fails (a warm run never imports it).
"""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
import warnings
from typing import Any

__all__ = ["NEEDS_MASKING", "masked_tree", "parse_source"]

NEEDS_MASKING = sys.version_info < (3, 12)  # from 3.12 ast parses every f-string libcst does
_UNBOUND = "ƒ"  # an identifier no real module binds: the masked f-string resolves to nothing
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def parse_source(data: bytes) -> ast.Module:
    """``ast.parse(data)``; under Python < 3.12, a file that fails only for the newer f-string
    syntax is parsed with its f-strings masked. Raises :mod:`ast`'s SyntaxError otherwise."""
    try:
        return ast.parse(data)
    except SyntaxError:
        if NEEDS_MASKING:
            try:
                masked = masked_tree(importlib.util.decode_source(data))
            except (UnicodeDecodeError, SyntaxError, LookupError):
                masked = None
            if masked is not None:
                return masked
        raise


def masked_tree(text: str) -> ast.Module | None:
    """The :mod:`ast` tree of ``text`` with its f-strings masked, or None when libcst cannot parse
    it either (a real syntax error) or masking does not make it parse."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    found: list[Any] = []

    class Outermost(cst.CSTVisitor):
        def visit_FormattedString(self, node: cst.FormattedString) -> bool:
            found.append(node)
            return False  # a nested f-string goes with its outer one

    try:
        wrapper = MetadataWrapper(cst.parse_module(text), unsafe_skip_copy=True)
        positions = wrapper.resolve(PositionProvider)
    except (cst.ParserSyntaxError, RecursionError, MemoryError, ValueError):
        return None
    wrapper.module.visit(Outermost())
    if not found:
        return None  # the error is not an f-string's
    spans = [((r.start.line, r.start.column), (r.end.line, r.end.column)) for r in map(positions.__getitem__, found)]
    starts = _line_starts(text)
    new_only = [sp for sp in spans if not _parses_alone(_slice(text, starts, sp))]  # those in the newer syntax
    for masked in (new_only, spans):  # those alone (the others keep their text), else every f-string
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # invalid escape sequences: not ours to report
                return ast.parse(_mask(text, starts, masked))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
    return None


def _line_starts(text: str) -> list[int]:
    """The offset of each line of ``text`` (Python's line breaks only: no \\f)."""
    return [0, *(m.end() for m in _LINE_BREAK.finditer(text))]


def _slice(text: str, starts: list[int], span: tuple[tuple[int, int], tuple[int, int]]) -> str:
    (l1, c1), (l2, c2) = span
    return text[starts[l1 - 1] + c1: starts[l2 - 1] + c2]


def _parses_alone(fstring: str) -> bool:
    """The running interpreter parses this f-string by itself (it is not in the newer syntax)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(f"({fstring}\n)", mode="eval")
        return True
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False


def _mask(text: str, starts: list[int], spans: list[tuple[tuple[int, int], tuple[int, int]]]) -> str:
    """``text`` with each span ((line, column) to (line, column), lines from 1, the end exclusive)
    replaced by ``(ƒ`` + blanks + ``)`` of the same UTF-8 length line by line (:mod:`ast` columns
    count bytes), its line breaks kept; ``f""`` by ``""`` and a blank."""
    out: list[str] = []
    at = 0
    for (l1, c1), (l2, c2) in sorted(spans):
        begin, end = starts[l1 - 1] + c1, starts[l2 - 1] + c2
        blank = "".join(c if c in "\r\n" else " " * len(c.encode("utf-8", "surrogatepass")) for c in text[begin:end])
        out += [text[at:begin], '"" ' if len(blank) == 3 else "(" + _UNBOUND + blank[3:-1] + ")"]  # ƒ: 2 bytes
        at = end
    out.append(text[at:])
    return "".join(out)
