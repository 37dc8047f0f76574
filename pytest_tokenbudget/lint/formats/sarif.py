"""SARIF 2.1.0 for GitHub code scanning.

Every property GitHub marks as required is present and non-empty: ``$schema``, ``version``,
``runs[].tool.driver.name`` and ``rules[]`` (``id``, ``shortDescription.text``,
``fullDescription.text``, ``help.text``), ``results[]`` with ``message.text``, one location with
a repo-relative ``artifactLocation.uri`` and a 1-based region, and ``partialFingerprints``.
Parse / read errors appear as results of the pseudo-rules E999 / E902.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pytest_tokenbudget.lint.results import READ_ERROR, SYNTAX_ERROR, LintResult

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_PSEUDO = {
    SYNTAX_ERROR[0]: (SYNTAX_ERROR[1], "A file could not be parsed, so it was not checked.",
                      "Fix the syntax error: calls in this file are not analysed until it parses."),
    READ_ERROR[0]: (READ_ERROR[1], "A file could not be read.", "Check the path and its permissions."),
}


def _help(cls: Any) -> tuple[str, str]:
    valid, invalid = cls.examples()
    md = [f"**{cls.code} {cls.name}**: {cls.summary}", "", cls.rationale]
    if invalid:
        md += ["", "Flagged:", "```python", invalid[0].code.strip("\n"), "```"]
    if valid:
        md += ["", "Not flagged:", "```python", valid[0].code.strip("\n"), "```"]
    return f"{cls.summary} {cls.rationale}", "\n".join(md)


def to_sarif(result: LintResult, rules: Mapping[str, Any]) -> dict[str, Any]:
    from pytest_tokenbudget.core.version import __version__

    findings = result.all_findings()
    codes = sorted({f.code for f in findings} | set(rules))
    rule_objs, index = [], {}
    for code in codes:
        if code in rules:
            cls = rules[code]
            help_text, help_md = _help(cls)
            obj = {
                "id": code,
                "name": cls.name,
                "shortDescription": {"text": cls.summary},
                "fullDescription": {"text": cls.rationale},
                "help": {"text": help_text, "markdown": help_md},
                "defaultConfiguration": {"level": _LEVEL[cls.severity]},
                "properties": {"precision": cls.precision, "problem.severity": cls.severity
                               if cls.severity != "info" else "recommendation", "tags": ["cost", "llm"]},
            }
        elif code in _PSEUDO:
            name, short, help_text = _PSEUDO[code]
            obj = {"id": code, "name": name, "shortDescription": {"text": short},
                   "fullDescription": {"text": short}, "help": {"text": help_text},
                   "defaultConfiguration": {"level": "error"}}
        else:
            continue
        index[code] = len(rule_objs)
        rule_objs.append(obj)
    results = []
    for f in findings:
        if f.code not in index:
            continue
        region = {"startLine": f.line, "startColumn": f.column, "endLine": max(f.end_line, f.line),
                  "endColumn": max(f.end_column, 1)}
        res: dict[str, Any] = {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": _LEVEL.get(f.severity, "warning"),
            "message": {"text": f"{f.code} {f.message}" if f.cell is None
                        else f"{f.code} (cell {f.cell}, line {f.line}) {f.message}"},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": Path(f.path).as_posix(), "uriBaseId": "%SRCROOT%"},
                "region": region}}],
            "partialFingerprints": {"primaryLocationLineHash": f.fingerprint or f"{f.code}:{f.line}:1"},
        }
        props = dict(f.properties)
        related = props.pop("related", None) or []
        if related:  # where the prompt text lives, or the loop that repeats the call
            res["relatedLocations"] = [{
                "id": i, "message": {"text": r.get("message", "")},
                "physicalLocation": {"artifactLocation": {"uri": Path(r["path"]).as_posix(), "uriBaseId": "%SRCROOT%"},
                                     "region": {"startLine": r["line"]}}} for i, r in enumerate(related)]
        if f.cell is not None:
            props["cell"] = f.cell
        if props:
            res["properties"] = props
        results.append(res)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "tokenbudget", "semanticVersion": __version__,
                                "informationUri": "https://pypi.org/project/pytest-tokenbudget/",
                                "rules": rule_objs}},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
