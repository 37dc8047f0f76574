"""``--fix``, ``--diff`` and ``--add-ignore`` over files: read, rewrite with :mod:`.fixes`, write.

The text transformations are pure (:mod:`.edits`); this module only groups findings by file,
re-lints between fix passes (so a fix that exposes or removes another finding is seen), and writes
files atomically, keeping a UTF-8 BOM and the file's line endings. Files that are not UTF-8 and
notebook cells are left alone (reported in :attr:`FileRun.skipped`).
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pytest_tokenbudget.core.text import atomic_write
from pytest_tokenbudget.lint.engine import lint_source
from pytest_tokenbudget.lint.settings import LintSettings, per_file_ignored, selection_of
from pytest_tokenbudget.lint.fixes.edits import add_ignores, fix_until_stable, ignore_plan, unified_diff
from pytest_tokenbudget.lint.types import Finding

__all__ = ["FileRun", "add_ignore_comments", "fix_files"]

_BOM = b"\xef\xbb\xbf"


@dataclass
class FileRun:
    """What a fix / add-ignore run did."""

    fixed: int = 0  # findings fixed (or ignore comments added)
    files: list[str] = field(default_factory=list)  # files changed (or that would change)
    unsafe_left: int = 0  # fixes not applied because they need --unsafe-fixes
    diff: str = ""
    skipped: list[str] = field(default_factory=list)  # "path: why"


def _by_file(findings: Iterable[Finding], *, need_fix: bool) -> dict[str, list[Finding]]:
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.cell is not None or not f.code.startswith("TB"):
            continue
        if need_fix and f.fix is None:
            continue
        groups[f.path].append(f)
    return dict(groups)


def _read(path: str) -> tuple[str, bool]:
    data = Path(path).read_bytes()
    bom = data.startswith(_BOM)
    return (data[3:] if bom else data).decode("utf-8"), bom


def _write(path: str, text: str, bom: bool) -> None:
    """Replace ``path`` atomically (a killed process leaves the old file or the new one), keeping its mode."""
    mode = Path(path).stat().st_mode & 0o7777
    atomic_write(path, (_BOM if bom else b"") + text.encode("utf-8"))
    os.chmod(path, mode)


def fix_files(findings: Iterable[Finding], settings: LintSettings, *, unsafe: bool, write: bool) -> FileRun:
    """Apply the fixes of ``findings`` file by file until stable; write, or collect a diff."""
    run = FileRun()
    selection = selection_of(settings)
    for path, _ in sorted(_by_file(findings, need_fix=True).items()):
        try:
            text, bom = _read(path)
        except (OSError, UnicodeDecodeError) as exc:
            run.skipped.append(f"{path}: {exc}")
            continue
        ignored = per_file_ignored(settings, Path(path))

        def relint(source: str, _path: str = path, _ignored: list[str] = ignored) -> list[Finding]:
            return [f for f in lint_source(source, path=_path, settings=settings)
                    if selection.enabled(f.code, _ignored)]

        outcome = fix_until_stable(text, relint, unsafe=unsafe)
        run.unsafe_left += outcome.unsafe_skipped
        if not outcome.changed:
            continue
        run.fixed += len(outcome.applied)
        run.files.append(path)
        if write:
            _write(path, outcome.source, bom)
        else:
            run.diff += unified_diff(text, outcome.source, path)
    return run


def add_ignore_comments(findings: Iterable[Finding]) -> FileRun:
    """Write ``# tokenbudget: ignore[...]`` comments so that every current finding is suppressed."""
    run = FileRun()
    for path, group in sorted(_by_file(findings, need_fix=False).items()):
        group = [f for f in group if f.code != "TB900"]
        if not group:
            continue
        try:
            text, bom = _read(path)
        except (OSError, UnicodeDecodeError) as exc:
            run.skipped.append(f"{path}: {exc}")
            continue
        new = add_ignores(text, group)
        if new == text:
            continue
        run.fixed += len(ignore_plan(text, group))
        run.files.append(path)
        _write(path, new, bom)
    return run
