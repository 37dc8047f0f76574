"""The ``--token-budget-json`` report file: the model as JSON (schema version 1, described by
``report/schema.json``), written atomically. Reading it back: :func:`pytest_tokenbudget.report.model.load_report`."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pytest_tokenbudget.core.text import atomic_write
from pytest_tokenbudget.report.model import Report

__all__ = ["dumps", "write_json"]


def dumps(data: Report | Any) -> str:
    """A report (or any JSON data) as the text of a report file."""
    if isinstance(data, Report):
        data = data.to_json()
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def write_json(path: str | os.PathLike[str], report: Report | Any) -> Path:
    """Write the report as UTF-8 JSON (atomically: a reader never sees half a file)."""
    atomic_write(path, dumps(report))
    return Path(path)
