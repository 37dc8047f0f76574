"""The GitHub Actions job summary: append Markdown to the file ``$GITHUB_STEP_SUMMARY`` names.

GitHub refuses a step's summary above 1024k ("$GITHUB_STEP_SUMMARY upload aborted, supports content
up to a size of 1024k"), and other tools in the same step may append to the same file: what is
already there is subtracted from our share.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pytest_tokenbudget.report.model import Report
from pytest_tokenbudget.report.render.markdown import MAX_BYTES, render_markdown

__all__ = ["ENV", "append_step_summary", "summary_path"]

ENV = "GITHUB_STEP_SUMMARY"
_MIN_SHARE = 2_000  # below this there is no room for a useful summary


def summary_path(environ: Mapping[str, str] | None = None) -> str | None:
    value = (os.environ if environ is None else environ).get(ENV, "").strip()
    return value or None


def append_step_summary(path: str | os.PathLike[str], report: Report, *, top: int = 10,
                        limit: int = MAX_BYTES) -> int:
    """Append the report's Markdown to ``path``; return the bytes written (0 when there is no room)."""
    p = Path(path)
    try:
        used = p.stat().st_size
    except OSError:
        used = 0
    share = limit - used
    if share < _MIN_SHARE:
        return 0
    text = render_markdown(report, top=top, max_bytes=share - 1)
    data = ("\n" if used else "") + text
    with open(p, "a", encoding="utf-8") as fh:
        fh.write(data)
    return len(data.encode())
