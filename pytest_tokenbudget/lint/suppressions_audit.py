"""TB900 unused-suppression: ignore comments that suppress nothing (ruff's RUF100), as pure functions.

Built on :mod:`.suppress` (the engine's comment parser and matching rules), so "suppresses" means
exactly what the engine does. Two entry points:

* :func:`unused_suppressions` takes the findings of a file *before* suppression and matches them
  to the comments itself;
* :func:`unused_from_records` takes ``FileResult.suppressions`` (the engine's record of which
  comment suppressed which codes, also in the cache) - the cheaper path for the CLI.

What counts: a ``# tokenbudget: ignore[...]`` code with no finding of that code under it, a bare
``# tokenbudget: ignore`` with no finding at all, and the ``TB`` codes of ``# noqa: ...`` (other
tools' codes and a bare ``# noqa`` belong to other linters and are never reported). A code the
run did not select is not reported (it may be used when selected); an unknown ``TB`` code is. A
comment that lists TB900 itself is never reported. Each finding carries a safe fix that removes
the unused codes, or the whole comment when nothing in it is used.
"""

from __future__ import annotations

import hashlib
import io
import re
import tokenize
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pytest_tokenbudget.lint.suppress import Suppression, SuppressionIndex, parse_suppressions
from pytest_tokenbudget.lint.types import Edit, Finding, Fix

__all__ = ["unused_suppressions", "unused_from_records", "CODE", "NAME"]

CODE = "TB900"
NAME = "unused-suppression"
_TB_CODE = re.compile(r"^TB\d{3}$")
_TB_COMMENT = re.compile(r"(?P<head>#\s*tokenbudget\s*:\s*ignore\b)(?:\s*\[(?P<codes>[^\]]*)\])?", re.I)
_NOQA_COMMENT = re.compile(r"(?P<head>#\s*noqa\b)(?:\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*))?",
                           re.I)


def _comments(source: str) -> dict[int, tuple[int, str]]:
    out: dict[int, tuple[int, str]] = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                out[tok.start[0]] = (tok.start[1], tok.string)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return out


def _known_codes() -> set[str]:
    from pytest_tokenbudget.lint.rule import registry

    return set(registry())


def _fingerprint(line_text: str, occurrence: int) -> str:
    h = hashlib.sha256(f"{CODE}\0{' '.join(line_text.split())}".encode()).hexdigest()[:16]
    return f"{h}:{occurrence}"


def _removal(s: Suppression, col: int, ctext: str, line_text: str, keep: list[str]) -> Edit:
    """The edit that drops the unused codes (or the whole comment / line)."""
    line = s.line
    pattern = _TB_COMMENT if s.kind == "tokenbudget" else _NOQA_COMMENT
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
    known = _known_codes()
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
            fix=fix, fingerprint=_fingerprint(line_text, occurrences[key]),
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
