"""Output formats for ``tokenbudget lint``: text, json, github, sarif.

Each format is a function ``(result, rules) -> str``; ``rules`` maps code -> rule class for the
codes that can appear (used by SARIF's rule table).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from pytest_tokenbudget.core.text import plural
from pytest_tokenbudget.lint.results import LintResult
from pytest_tokenbudget.lint.types import Finding

__all__ = ["FORMATS", "render"]


def _loc(f: Finding) -> str:
    if f.cell is not None:
        return f"{f.path}:cell {f.cell}:{f.line}:{f.column}"
    return f"{f.path}:{f.line}:{f.column}"


def text(result: LintResult, rules: Mapping[str, Any]) -> str:
    lines = [f"{_loc(f)}: {f.code} {f.message}" for f in result.all_findings()]
    n = len(result.findings)
    errors = len(result.errors)
    files_with = len({f.path for f in result.findings})
    summary = (f"Found {n} finding{'s' if n != 1 else ''} in {files_with} file{'s' if files_with != 1 else ''}"
               if n else "No findings" if errors else "All checks passed")
    summary += (f" ({plural(result.files, 'file')} checked, {result.candidates} with candidate calls, "
                f"{plural(result.call_sites, 'Claude call site')}")
    summary += f", {result.cached} from cache)" if result.cached else ")"
    if errors:
        summary += f"; {errors} file{'s' if errors != 1 else ''} could not be read, parsed or analysed"
    lines.append(summary + ".")
    return "\n".join(lines) + "\n"


def as_json(result: LintResult, rules: Mapping[str, Any]) -> str:
    from pytest_tokenbudget.core.tokens import estimator_name  # which tokenizer the "~N tokens" came from

    estimator = estimator_name()
    return json.dumps([{**f.as_json(), "related": list(f.properties.get("related", [])), "token_estimator": estimator}
                       for f in result.all_findings()], indent=2) + "\n"


def _esc_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _esc_prop(s: str) -> str:
    return _esc_data(s).replace(":", "%3A").replace(",", "%2C")


def github(result: LintResult, rules: Mapping[str, Any]) -> str:
    out = []
    for f in result.all_findings():
        level = "error" if f.severity == "error" else ("warning" if f.severity == "warning" else "notice")
        title = f"tokenbudget ({f.code})"
        props = [f"file={_esc_prop(f.path)}"]
        if f.cell is None:
            props += [f"line={f.line}", f"endLine={f.end_line}", f"col={f.column}", f"endColumn={f.end_column}"]
        props.append(f"title={_esc_prop(title)}")
        out.append(f"::{level} {','.join(props)}::{_esc_data(f'{_loc(f)}: {f.code} {f.message}')}")
    return "\n".join(out) + ("\n" if out else "")


def sarif(result: LintResult, rules: Mapping[str, Any]) -> str:
    from pytest_tokenbudget.lint.formats.sarif import to_sarif

    return json.dumps(to_sarif(result, rules), indent=2) + "\n"


FORMATS: dict[str, Callable[[LintResult, Mapping[str, Any]], str]] = {
    "text": text,
    "json": as_json,
    "github": github,
    "sarif": sarif,
}


def render(name: str, result: LintResult, rules: Mapping[str, Any]) -> str:
    return FORMATS[name](result, rules)
