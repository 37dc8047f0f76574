"""Jupyter notebooks: the code cells as one Python module, with a map back to (cell, line).

Cells are joined in order (so an import in cell 1 traces a client used in cell 5). IPython lines
(``%magic``, ``!shell``, ``?help``) become comments so that line numbers stay put; ``%time stmt``
keeps its statement, ``x = !cmd`` becomes ``x = None``, and the body of a non-Python cell magic
(``%%bash``, ``%%html`` ...) is blanked, so one such cell does not make the notebook unparsable.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

__all__ = ["NotebookSource", "notebook_source", "NotebookError"]


class NotebookError(ValueError):
    """Not a readable .ipynb document."""


@dataclass(frozen=True)
class NotebookSource:
    code: str
    line_map: tuple[tuple[int, int], ...]  # module line (1-based) - 1 -> (cell number, line in cell)

    def locate(self, line: int) -> tuple[int, int]:
        """(1-based code cell number, line within the cell) of a module line."""
        if 1 <= line <= len(self.line_map):
            return self.line_map[line - 1]
        return (self.line_map[-1] if self.line_map else (1, line))


# Cell magics whose body is Python (the rest, %%bash, %%html, %%sql ..., are blanked out).
_PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "python", "python3"})
_LINE_MAGIC_STATEMENT = re.compile(r"^%(?:time|timeit|prun)\s+(?!-)(.+)$")  # (with options: a comment)
_COMPOUND = frozenset({"if", "for", "while", "with", "def", "class", "try", "async", "match", "elif", "else",
                       "except", "finally", "@"})
_SHELL_ASSIGNMENT = re.compile(r"^([A-Za-z_][\w, ]*?)\s*=\s*([!%].*)$")


def notebook_source(data: bytes) -> NotebookSource:
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise NotebookError(f"broken JSON: {exc}") from None
    cells = doc.get("cells") if isinstance(doc, dict) else None
    if not isinstance(cells, list):
        raise NotebookError("not a notebook: no 'cells' list at the top level")
    lines: list[str] = []
    line_map: list[tuple[int, int]] = []
    cell_no = 0
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        cell_no += 1
        src = cell.get("source", "")
        if isinstance(src, list) and all(isinstance(x, str) for x in src):
            text = "".join(src)
        elif isinstance(src, str) or src is None:
            text = src or ""
        else:
            raise NotebookError(f"code cell {cell_no}: 'source' is not text or a list of lines")
        cell_lines = text.split("\n")
        first = cell_lines[0].lstrip()
        foreign = first.startswith("%%") and first[2:].split(" ", 1)[0].strip() not in _PYTHON_CELL_MAGICS
        for i, line in enumerate(cell_lines):
            stripped = line.lstrip()
            indent = line[: len(line) - len(stripped)]
            if foreign:  # %%bash, %%html, %%sql ...: not Python; keep the line count
                line = "pass  # cell magic" if i == 0 else ""
            elif (m := _LINE_MAGIC_STATEMENT.match(stripped)) is not None and \
                    m.group(1).split(" ", 1)[0].rstrip(":") not in _COMPOUND:
                # %time x = f(): the statement runs, so it is linted; "pass;" + spaces keeps columns
                line = indent + "pass;".ljust(len(stripped) - len(m.group(1))) + m.group(1)
            elif stripped.startswith(("%", "!", "?")):
                line = f"{indent}pass  # {stripped}" if stripped.startswith(("%", "!")) else f"{indent}pass"
            elif (m := _SHELL_ASSIGNMENT.match(stripped)) is not None:
                line = f"{indent}{m.group(1)} = None  # {m.group(2)}"  # x = !ls / x = %sx ls
            lines.append(line)
            line_map.append((cell_no, i + 1))
    return NotebookSource("\n".join(lines) + "\n", tuple(line_map))
