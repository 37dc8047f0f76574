"""Inline suppression comments.

``# tokenbudget: ignore[TB101,TB205]`` (or a bare ``# tokenbudget: ignore`` for every rule) and
``# noqa: TB101`` (a bare ``# noqa`` counts for every rule, as in ruff and flake8). A comment
suppresses a finding when it is on the finding's line, on the first line of the call, or alone on
the line directly above either. Comments are found with :mod:`tokenize`, so a ``#`` inside a
string is not a comment; this runs only for files that have findings.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

__all__ = ["Suppression", "parse_suppressions", "SuppressionIndex"]

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_TB = re.compile(r"#\s*tokenbudget\s*:\s*ignore\b(?:\s*\[(?P<codes>[^\]]*)\])?", re.I)
_NOQA = re.compile(r"#\s*noqa\b(?:\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*))?", re.I)


@dataclass
class Suppression:
    """One suppression comment. ``codes`` None = all rules. ``used`` collects what it suppressed."""

    line: int
    codes: frozenset[str] | None
    own_line: bool
    kind: str  # "tokenbudget" | "noqa"
    used: set[str] = field(default_factory=set)

    def covers(self, code: str) -> bool:
        return self.codes is None or code in self.codes


def _parse_comment(text: str) -> tuple[str, frozenset[str] | None] | None:
    m = _TB.search(text)
    if m:
        codes = m.group("codes")
        if codes is None:
            return "tokenbudget", None
        return "tokenbudget", frozenset(c.strip().upper() for c in codes.split(",") if c.strip())
    m = _NOQA.search(text)
    if m:
        codes = m.group("codes")
        if codes is None:
            return "noqa", None
        return "noqa", frozenset(c.strip().upper() for c in codes.split(","))
    return None


def parse_suppressions(source: str) -> dict[int, Suppression]:
    """Suppression comments by 1-based line."""
    out: dict[int, Suppression] = {}
    if "tokenbudget" not in source and "noqa" not in source.lower():
        return out
    # Python's line breaks only (str.splitlines also splits on \f, \v, \x1c-\x1e, \x85, \u2028 ...,
    # which may sit in a string); CR-only files are read with universal newlines so that tokenize
    # numbers lines as libcst does.
    lines = _LINE_BREAK.split(source)
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source, newline=None).readline):
            if tok.type != tokenize.COMMENT:
                continue
            parsed = _parse_comment(tok.string)
            if parsed is None:
                continue
            line = tok.start[0]
            own = lines[line - 1][: tok.start[1]].strip() == "" if line - 1 < len(lines) else False
            out[line] = Suppression(line, parsed[1], own, parsed[0])
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return out


class SuppressionIndex:
    """Answers "is this finding suppressed?" and records which comments were used (for TB900)."""

    def __init__(self, source: str) -> None:
        self.by_line = parse_suppressions(source)

    def match(self, code: str, finding_line: int, call_line: int | None = None) -> Suppression | None:
        candidates = [finding_line]
        if call_line is not None and call_line != finding_line:
            candidates.append(call_line)
        for line in candidates:
            s = self.by_line.get(line)
            if s is not None and s.covers(code):
                return s
        for line in candidates:
            s = self.by_line.get(line - 1)
            if s is not None and s.own_line and s.covers(code):
                return s
        return None
