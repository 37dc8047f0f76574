"""Applying fixes, previewing them as diffs, and writing ignore comments: pure text functions.

Nothing here reads or writes files or runs rules by itself; the CLI does I/O and passes a lint
function where one is needed. The rules:

* A finding's :class:`~.types.Fix` is a group of text edits applied together or not at all.
  Only ``"safe"`` fixes are applied unless ``unsafe=True`` (``--unsafe-fixes``).
* Fixes whose edits overlap an edit already accepted in the same pass are left for the next pass
  (:func:`fix_until_stable` re-lints and goes again, as ruff does).
* A fix is never applied if the result does not parse (checked with :mod:`ast` and libcst):
  when the fixes of a pass together break the file, they are retried one by one and the culprit
  is skipped.
* Idempotence: :func:`fix_until_stable` stops when a pass changes nothing, so running it again on
  its own output returns the text unchanged.

Notebook findings (``Finding.cell`` set) are skipped: their positions are per cell.
"""

from __future__ import annotations

import ast
import difflib
import io
import re
import tokenize
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pytest_tokenbudget.lint.types import Edit, Finding, Fix

__all__ = ["FixOutcome", "apply_fixes", "fix_until_stable", "unified_diff", "add_ignores", "ignore_plan",
           "parses", "IGNORE_COMMENT"]

IGNORE_COMMENT = "# tokenbudget: ignore[{codes}]"
_NEWLINE = re.compile(r"\r\n|\r|\n")
_TB_CODE = re.compile(r"^TB\d{3}$")


@dataclass(frozen=True)
class FixOutcome:
    """The result of applying fixes to one source text."""

    source: str
    applied: tuple[Finding, ...] = ()
    skipped: tuple[tuple[Finding, str], ...] = ()  # (finding, reason): "unsafe" | "overlap" | "does not parse"
    passes: int = 1

    @property
    def changed(self) -> bool:
        return bool(self.applied)

    @property
    def unsafe_skipped(self) -> int:
        """How many fixes were not applied only because they are unsafe (``--unsafe-fixes`` hint)."""
        return sum(1 for _, why in self.skipped if why == "unsafe")


def parses(source: str) -> bool:
    """True when ``source`` parses as Python (both :mod:`ast` and libcst, the linter's parser)."""
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. invalid escape sequences: the user's, not ours to print
            ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    try:
        import libcst as cst

        cst.parse_module(source)
    except Exception:
        return False
    return True


def _line_starts(source: str) -> list[int]:
    starts = [0]
    for m in _NEWLINE.finditer(source):
        starts.append(m.end())
    return starts


def _offsets(edit: Edit, starts: list[int], size: int) -> tuple[int, int] | None:
    """[start, end) character offsets of an edit (1-based lines / columns, end exclusive)."""
    def at(line: int, column: int) -> int | None:
        if line < 1 or column < 1:
            return None
        if line > len(starts):
            return size if line == len(starts) + 1 and column == 1 else None
        off = starts[line - 1] + column - 1
        return off if off <= size else None

    a, b = at(edit.line, edit.column), at(edit.end_line, edit.end_column)
    if a is None or b is None or b < a:
        return None
    return a, b


def _splice(source: str, spans: list[tuple[int, int, str]]) -> str:
    out, pos = [], 0
    for a, b, text in sorted(spans, key=lambda s: (s[0], s[1])):
        out.append(source[pos:a])
        out.append(text)
        pos = b
    out.append(source[pos:])
    return "".join(out)


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    a, b = span
    for c, d in taken:
        if a < d and c < b:
            return True
        if a == b == c == d or (a == b and c < a < d) or (c == d and a < c < b):
            return True  # two insertions at one point, or an insertion inside a replaced range
    return False


def apply_fixes(source: str, findings: Iterable[Finding], *, unsafe: bool = False) -> FixOutcome:
    """One pass: apply the fixes of ``findings`` to ``source`` (non-overlapping; safe only by default).

    Returns the new text with the findings whose fix was applied and the ones skipped (with the
    reason). The result always parses: fixes that would break the file are skipped.
    """
    starts = _line_starts(source)
    size = len(source)
    candidates: list[tuple[Finding, list[tuple[int, int, str]]]] = []
    skipped: list[tuple[Finding, str]] = []
    for f in findings:
        fix: Fix | None = f.fix
        if fix is None or f.cell is not None or not fix.edits:
            continue
        if fix.applicability != "safe" and not unsafe:
            skipped.append((f, "unsafe"))
            continue
        spans = []
        for e in fix.edits:
            o = _offsets(e, starts, size)
            if o is None:
                spans = []
                break
            spans.append((o[0], o[1], e.content))
        if not spans:
            skipped.append((f, "out of range"))
            continue
        candidates.append((f, spans))
    candidates.sort(key=lambda c: min(s[0] for s in c[1]))

    accepted: list[tuple[Finding, list[tuple[int, int, str]]]] = []
    taken: list[tuple[int, int]] = []
    for f, spans in candidates:
        if any(_overlaps((a, b), taken) for a, b, _ in spans) or _self_overlap(spans):
            skipped.append((f, "overlap"))
            continue
        accepted.append((f, spans))
        taken.extend((a, b) for a, b, _ in spans)
    if not accepted:
        return FixOutcome(source, (), tuple(skipped))

    result = _splice(source, [s for _, spans in accepted for s in spans])
    if result == source:
        return FixOutcome(source, (), tuple(skipped))
    if parses(result):
        return FixOutcome(result, tuple(f for f, _ in accepted), tuple(skipped))
    # Some fix breaks the file: keep the ones that parse, one at a time.
    kept: list[tuple[Finding, list[tuple[int, int, str]]]] = []
    for f, spans in accepted:
        trial = _splice(source, [s for _, sp in (*kept, (f, spans)) for s in sp])
        if parses(trial):
            kept.append((f, spans))
        else:
            skipped.append((f, "does not parse"))
    result = _splice(source, [s for _, sp in kept for s in sp]) if kept else source
    return FixOutcome(result, tuple(f for f, _ in kept), tuple(skipped))


def _self_overlap(spans: list[tuple[int, int, str]]) -> bool:
    seen: list[tuple[int, int]] = []
    for a, b, _ in spans:
        if _overlaps((a, b), seen):
            return True
        seen.append((a, b))
    return False


def fix_until_stable(source: str, lint: Callable[[str], Iterable[Finding]], *, unsafe: bool = False,
                     max_passes: int = 10) -> FixOutcome:
    """Lint, fix, and repeat until a pass applies nothing (at most ``max_passes``).

    ``lint(source)`` returns the findings for a text (e.g. ``lambda s: lint_source(s, path=p,
    settings=st)``). ``skipped`` lists what the last pass could not apply.
    """
    applied: list[Finding] = []
    current = source
    outcome = FixOutcome(source)
    passes = 0
    for passes in range(1, max_passes + 1):
        outcome = apply_fixes(current, list(lint(current)), unsafe=unsafe)
        if not outcome.changed or outcome.source == current:
            break
        applied.extend(outcome.applied)
        current = outcome.source
    return FixOutcome(current, tuple(applied), outcome.skipped, passes)


def unified_diff(before: str, after: str, path: str = "<string>") -> str:
    """A ``git diff``-style unified diff of one file (empty when nothing changed)."""
    if before == after:
        return ""
    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    out = []
    for line in difflib.unified_diff(a, b, fromfile=f"a/{path}", tofile=f"b/{path}"):
        if not line.endswith(("\n", "\r")):
            line += "\n\\ No newline at end of file\n"
        out.append(line)
    return "".join(out)


# --------------------------------------------------------------------------- --add-ignore
_EXISTING_TB = re.compile(r"#\s*tokenbudget\s*:\s*ignore\b(?:\s*\[(?P<codes>[^\]]*)\])?", re.I)
_BARE_NOQA = re.compile(r"#\s*noqa\b(?!\s*:)", re.I)


def _line_facts(source: str) -> tuple[set[int], set[int], dict[int, tuple[int, str]]]:
    """(lines whose end is inside a string or continued with a backslash, lines that start inside a
    string, comments by line -> (column, text)), from :mod:`tokenize`."""
    no_comment: set[int] = set()
    starts_inside: set[int] = set()
    comments: dict[int, tuple[int, str]] = {}
    string_types = {tokenize.STRING}
    for name in ("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END"):
        if hasattr(tokenize, name):
            string_types.add(getattr(tokenize, name))
    fstring_start = getattr(tokenize, "FSTRING_START", None)
    fstring_end = getattr(tokenize, "FSTRING_END", None)
    open_fstrings: list[int] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                comments[tok.start[0]] = (tok.start[1], tok.string)
            if fstring_start is not None and tok.type == fstring_start:
                open_fstrings.append(tok.start[0])
            elif fstring_end is not None and tok.type == fstring_end and open_fstrings:
                first = open_fstrings.pop()
                last = tok.end[0]
                no_comment.update(range(first, last))
                starts_inside.update(range(first + 1, last + 1))
            elif tok.type in string_types and tok.end[0] > tok.start[0]:
                no_comment.update(range(tok.start[0], tok.end[0]))
                starts_inside.update(range(tok.start[0] + 1, tok.end[0] + 1))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    for i, line in enumerate(_NEWLINE.split(source), start=1):
        if line.rstrip().endswith("\\") and i not in comments:
            no_comment.add(i)
    return no_comment, starts_inside, comments


def ignore_plan(source: str, findings: Iterable[Finding]) -> dict[int, tuple[str, frozenset[str]]]:
    """Where :func:`add_ignores` puts comments: line -> ("trailing" | "above", codes).

    A finding is suppressed by a comment at the end of its line; when that line ends inside a
    multi-line string (or a backslash continuation), by a comment alone on the line above it, if
    that line starts outside a string. Findings that can be placed nowhere are left out.
    """
    no_comment, starts_inside, _ = _line_facts(source)
    plan: dict[int, tuple[str, set[str]]] = {}
    for f in findings:
        if f.cell is not None or f.code == "TB900" or not _TB_CODE.match(f.code or ""):
            continue  # notebooks (per-cell lines), TB900 itself, E999/E902 file errors
        line = f.line
        if line not in no_comment:
            where = "trailing"
        elif line not in starts_inside:
            where = "above"
        else:
            continue
        plan.setdefault(line, (where, set()))[1].add(f.code)
    return {line: (where, frozenset(codes)) for line, (where, codes) in plan.items()}


def add_ignores(source: str, findings: Iterable[Finding]) -> str:
    """``source`` with a ``# tokenbudget: ignore[CODES]`` comment for every finding (``--add-ignore``).

    Codes on a line are merged with an existing ``tokenbudget: ignore[...]`` comment there; a line
    that already has a bare ``tokenbudget: ignore`` or a bare ``noqa`` is left alone; another comment
    (``# noqa: E501``, ``# type: ignore``) is kept and the new comment added after it. Running it
    again with the findings of the edited file (none left) changes nothing.
    """
    plan = ignore_plan(source, findings)
    if not plan:
        return source
    _, _, comments = _line_facts(source)
    pieces = _NEWLINE.split(source)
    ends = _NEWLINE.findall(source) + [""]
    newline = ends[0] if ends and ends[0] else "\n"
    out: list[str] = []
    for i, (text, end) in enumerate(zip(pieces, ends), start=1):
        step = plan.get(i)
        if step is None:
            out.append(text + end)
            continue
        where, codes = step
        if where == "above":
            indent = text[: len(text) - len(text.lstrip())]
            out.append(f"{indent}{IGNORE_COMMENT.format(codes=','.join(sorted(codes)))}{newline}")
            out.append(text + end)
            continue
        comment = comments.get(i)
        if comment is not None:
            col, ctext = comment
            m = _EXISTING_TB.search(ctext)
            if m is not None:
                if m.group("codes") is None:
                    out.append(text + end)  # bare ignore: already everything
                    continue
                have = {c.strip().upper() for c in m.group("codes").split(",") if c.strip()}
                merged = ",".join(sorted(have | codes))
                new_comment = ctext[: m.start()] + IGNORE_COMMENT.format(codes=merged) + ctext[m.end():]
                out.append(text[:col] + new_comment + text[col + len(ctext):] + end)
                continue
            if _BARE_NOQA.search(ctext):
                out.append(text + end)
                continue
        out.append(f"{text.rstrip()}  {IGNORE_COMMENT.format(codes=','.join(sorted(codes)))}{end}")
    return "".join(out)
