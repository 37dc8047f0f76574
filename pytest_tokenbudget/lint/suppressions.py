"""Inline suppression comments.

``# tokenbudget: ignore[TB101,TB205]`` (or a bare ``# tokenbudget: ignore`` for every rule) and
``# noqa: TB101`` (a bare ``# noqa`` counts for every rule, as in ruff and flake8). A comment
suppresses a finding when it is on the finding's line, on the first line of the call, or alone on
the line directly above either. Comments are found with :mod:`tokenize`, so a ``#`` inside a
string is not a comment; this runs only for files that have findings.

TB900 unused-suppression (ruff's RUF100): ignore comments that suppress nothing. "Suppresses"
means exactly what the matching above does. Three entry points:

* :func:`unused_suppressions` takes the findings of a file *before* suppression and matches them
  to the comments itself;
* :func:`unused_from_records` takes ``FileResult.suppressions`` (the engine's record of which
  comment suppressed which codes, also in the cache) - the cheaper path;
* :func:`with_unused_suppressions` adds them to a file's result (the engine's path).

What counts: a ``# tokenbudget: ignore[...]`` code with no finding of that code under it, a bare
``# tokenbudget: ignore`` with no finding at all, and the ``TB`` codes of ``# noqa: ...`` (other
tools' codes and a bare ``# noqa`` belong to other linters and are never reported). A code the
run did not select is not reported (it may be used when selected); an unknown ``TB`` code is. A
comment that lists TB900 itself is never reported. Each finding carries a safe fix that removes
the unused codes, or the whole comment when nothing in it is used.
"""

from __future__ import annotations

import dataclasses
import io
import re
import tokenize
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_tokenbudget.core.text import redact
from pytest_tokenbudget.lint.results import FileResult
from pytest_tokenbudget.lint.rules.registry import known_codes
from pytest_tokenbudget.lint.types import Edit, Finding, Fix, fingerprint

__all__ = ["CODE", "NAME", "Suppression", "SuppressionIndex", "parse_suppressions", "unused_from_records",
           "unused_suppressions", "with_unused_suppressions"]

CODE = "TB900"
NAME = "unused-suppression"

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_TB = re.compile(r"(?P<head>#\s*tokenbudget\s*:\s*ignore\b)(?:\s*\[(?P<codes>[^\]]*)\])?", re.I)
_NOQA = re.compile(r"(?P<head>#\s*noqa\b)(?:\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*))?", re.I)


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


# --------------------------------------------------------------------------- TB900
_TB_CODE = re.compile(r"^TB\d{3}$")


def _comments(source: str) -> dict[int, tuple[int, str]]:
    out: dict[int, tuple[int, str]] = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                out[tok.start[0]] = (tok.start[1], tok.string)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return out


def _removal(s: Suppression, col: int, ctext: str, line_text: str, keep: list[str]) -> Edit:
    """The edit that drops the unused codes (or the whole comment / line)."""
    line = s.line
    pattern = _TB if s.kind == "tokenbudget" else _NOQA
    m = pattern.search(ctext)
    if keep and m is not None and m.group("codes") is not None:
        sep = ", " if s.kind == "noqa" else ","
        new = f"{m.group('head')}[{','.join(keep)}]" if s.kind == "tokenbudget" else \
            f"{m.group('head')}: {sep.join(keep)}"
        return Edit(line, col + 1 + m.start(), line, col + 1 + m.end(), new)
    if m is not None and (m.start() > 0 or ctext[m.end():].strip()):
        # Other text shares the comment ("# noqa: E501  # tokenbudget: ignore"): drop only our part.
        start, end = m.start(), m.end()
        while start > 0 and ctext[start - 1] == " ":
            start -= 1
        return Edit(line, col + 1 + start, line, col + 1 + end, "")
    if s.own_line:
        return Edit(line, 1, line + 1, 1, "")
    start = col
    while start > 0 and line_text[start - 1] in " \t":
        start -= 1
    return Edit(line, start + 1, line, col + 1 + len(ctext), "")


def _report(source: str, supps: Iterable[Suppression], *, path: str,
            enabled: Callable[[str], bool] | None) -> list[Finding]:
    known = set(known_codes())
    comments = _comments(source)
    lines = source.splitlines()
    out: list[Finding] = []
    occurrences: dict[str, int] = {}
    for s in sorted(supps, key=lambda s: s.line):
        if s.codes is not None and CODE in s.codes:
            continue  # the comment silences TB900 on purpose
        if s.codes is None:
            if s.kind == "noqa" or s.used:
                continue
            unused, unknown, keep = ["(all rules)"], [], []
            what = "this ignore comment suppresses nothing"
        else:
            tb_codes = sorted(c for c in s.codes if _TB_CODE.match(c))
            if not tb_codes:
                continue
            unknown = [c for c in tb_codes if c not in known]
            unused = [c for c in tb_codes if c in known and c not in s.used
                      and (enabled is None or enabled(c))]
            if not unused and not unknown:
                continue
            drop = set(unused) | set(unknown)
            keep = sorted(c for c in s.codes if c not in drop)
            parts = []
            if unused:
                parts.append(f"unused suppression of {', '.join(unused)} (no such finding here)")
            if unknown:
                parts.append(f"unknown rule code{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}")
            what = "; ".join(parts)
        col, ctext = comments.get(s.line, (0, ""))
        line_text = lines[s.line - 1] if s.line - 1 < len(lines) else ""
        fix = None
        if ctext:
            fix = Fix("remove the unused suppression", (_removal(s, col, ctext, line_text, keep),), "safe")
        key = " ".join(line_text.split())
        occurrences[key] = occurrences.get(key, 0) + 1
        out.append(Finding(
            code=CODE, name=NAME, severity="warning", path=path, line=s.line, column=col + 1,
            end_line=s.line, end_column=col + 1 + len(ctext), message=f"{what}: remove it",
            fix=fix, fingerprint=fingerprint(CODE, line_text, occurrences[key]),
            properties={"unused": [c for c in unused if c != "(all rules)"], "unknown": unknown},
        ))
    return out


def unused_suppressions(source: str, findings_before_suppression: Iterable[Finding], *, path: str = "<string>",
                        call_line: Callable[[Finding], int | None] | None = None,
                        enabled: Callable[[str], bool] | None = None) -> list[Finding]:
    """TB900 findings for ``source``, given every finding of the file before suppression.

    ``call_line(finding)`` gives the first line of the finding's call when it differs from the
    finding's own line (the engine also accepts a comment there); by default
    ``finding.properties["call_line"]`` when present. ``enabled(code)`` says whether a code is
    selected in this run (default: all).
    """
    index = SuppressionIndex(source)
    for f in findings_before_suppression:
        if f.code == CODE:
            continue
        cl = call_line(f) if call_line is not None else f.properties.get("call_line")
        hit = index.match(f.code, f.line, cl)
        if hit is not None:
            hit.used.add(f.code)
    return _report(source, index.by_line.values(), path=path, enabled=enabled)


def unused_from_records(source: str, records: Iterable[Mapping[str, Any]], *, path: str = "<string>",
                        enabled: Callable[[str], bool] | None = None) -> list[Finding]:
    """TB900 findings from the engine's suppression records (``FileResult.suppressions``).

    Comments absent from ``records`` (the engine records them only for files with findings) are
    treated as suppressing nothing.
    """
    supps = parse_suppressions(source)
    for rec in records:
        s = supps.get(int(rec.get("line", 0)))
        if s is not None:
            s.used.update(rec.get("used") or ())
    return _report(source, supps.values(), path=path, enabled=enabled)


def with_unused_suppressions(result: FileResult, source: str,
                             cell_of: Callable[[int], tuple[int, int]] | None = None) -> FileResult:
    """``result`` with TB900 findings added: ignore comments that suppressed nothing in this file.

    Every rule runs on every file (selection is applied later), so "used" is independent of the
    selection and the result can be cached like any other finding.
    """
    if "tokenbudget" in source or "noqa" in source:
        try:
            # Same length, same lines as libcst counts them: the audit splits with str.splitlines
            # and tokenizes without universal newlines (a lone CR, or a \f / \u2028 in a string,
            # would shift its line numbers).
            found = unused_from_records(_python_breaks_only(source), result.suppressions, path=result.path)
        except Exception as exc:  # a TB900 bug must not cost the file its other findings
            found = [Finding(CODE, NAME, "error", result.path, 1, 1, 1, 1, redact(
                f"internal error in rule {CODE}: {type(exc).__name__}: {exc} (please report this)"))]
        for f in found:
            if cell_of is not None:
                cell, line = cell_of(f.line)
                f = dataclasses.replace(f, cell=cell, line=line, end_line=line, fix=None)
            result.findings.append(f)
    result.findings.sort(key=Finding.sort_key)
    return result


_NOT_PYTHON_BREAKS = str.maketrans({c: " " for c in "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"})


def _python_breaks_only(source: str) -> str:
    """``source`` with the same length and columns, whose only line breaks (for str.splitlines and
    for tokenize) are Python's: lone CRs become LFs, other splitlines separators become spaces."""
    if source.isascii() and "\r" not in source and "\x0b" not in source and "\x0c" not in source \
            and not any(c in source for c in "\x1c\x1d\x1e"):
        return source
    return re.sub(r"\r(?!\n)", "\n", source).translate(_NOT_PYTHON_BREAKS)
