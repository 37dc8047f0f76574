"""Reading a JSON report: the file, its schema and version, then the shipped ``schema.json``.

The structure is checked by ``jsonschema`` against ``report/schema.json`` (draft 2020-12), the
same file users validate their reports with; the checks here only give the common mistakes
(another file, a newer version) a message that says what to do.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

import jsonschema

__all__ = ["SCHEMA", "VERSION", "ReportError", "check_report", "load_json", "load_schema"]

SCHEMA = "pytest-tokenbudget/report"
VERSION = 1


class ReportError(ValueError):
    """A file that is not a report this version can read (its message names the file)."""


def load_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the report, as shipped in ``report/schema.json``."""
    from importlib import resources
    return json.loads(resources.files(__package__).joinpath("schema.json").read_text("utf-8"))


@functools.lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(load_schema())


def load_json(path: str | os.PathLike[str]) -> Any:
    """The JSON in ``path``. Raises :class:`ReportError` naming the file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReportError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(f"{path}: cannot read: {exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from None


def _check_kind(data: Any, source: str) -> None:
    if not isinstance(data, dict) or "schema" not in data:
        raise ReportError(f"{source}: not a pytest-tokenbudget report (no \"schema\" key; write one with "
                          "pytest --token-budget-json=PATH)")
    if data["schema"] != SCHEMA:
        raise ReportError(f"{source}: schema {data['schema']!r} is not a run report ({SCHEMA!r})")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ReportError(f"{source}: report version {version!r} is not a whole number")
    if version > VERSION:
        raise ReportError(f"{source}: report version {version} is newer than this tokenbudget understands "
                          f"(up to {VERSION}); upgrade pytest-tokenbudget")
    if version < 1:
        raise ReportError(f"{source}: unknown report version {version}")


def _where(error: jsonschema.ValidationError) -> str:
    out = ""
    for part in error.absolute_path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the report"


def _message(error: jsonschema.ValidationError, money: dict[str, Any]) -> str:
    for e in [error, *error.context]:
        if e.schema == money:
            return f"expected a decimal string such as \"0.0123\", got {e.instance!r}"
    return error.message


def check_report(data: Any, source: str = "report") -> None:
    """Raise :class:`ReportError` unless ``data`` is a version-1 report that ``schema.json`` accepts
    and that names each test once."""
    _check_kind(data, source)
    validator = _validator()
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is not None:
        money = validator.schema["$defs"]["money"]
        raise ReportError(f"{source}: {_where(error)}: {_message(error, money)}")
    seen: set[str] = set()
    for t in data["tests"]:
        if t["nodeid"] in seen:
            raise ReportError(f"{source}: test {t['nodeid']} appears twice")
        seen.add(t["nodeid"])
