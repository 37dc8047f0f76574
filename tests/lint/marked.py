"""Expected findings written as trailing comments in the case projects (``# TB101`` or
``# TB202 TB203`` at the end of a line), bugbear's eval-file style, shared by the project tests."""

from __future__ import annotations

import re
from pathlib import Path

MARK = re.compile(r"#\s*(TB\d{3}(?:\s+TB\d{3})*)\s*$")


def marked(root: Path, select: tuple[str, ...] = ("TB",)) -> set[tuple[str, int, str]]:
    """(file relative to ``root``, line, code) for every marked code starting with one of ``select``."""
    out = set()
    for f in sorted(root.rglob("*.py")):
        for li, line in enumerate(f.read_text().splitlines(), 1):
            m = MARK.search(line)
            if m:
                out.update((f.relative_to(root).as_posix(), li, c) for c in m.group(1).split() if c.startswith(select))
    return out


def relative(path: str, root: Path) -> str:
    """A finding's path relative to ``root``."""
    return Path(path).resolve().relative_to(root.resolve()).as_posix()


def line_of(root: Path, rel: str, text: str) -> int:
    """The line of ``rel`` holding ``text`` (findings are looked up by content, not by number)."""
    lines = (root / rel).read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)
