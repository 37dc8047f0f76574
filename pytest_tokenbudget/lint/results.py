"""What a lint run produces: per-file results (cached as JSON), file diagnostics, the run's result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_tokenbudget.lint.types import Finding

__all__ = ["SYNTAX_ERROR", "READ_ERROR", "FileError", "FileResult", "LintResult"]

SYNTAX_ERROR = ("E999", "syntax-error")
READ_ERROR = ("E902", "io-error")


@dataclass(frozen=True)
class FileError:
    """A file that could not be read (exit 2) or parsed (reported, exit 1)."""

    path: str
    kind: str  # "read" (exit 2: the user must act) | "parse" | "skip" (reported; exit 1 like findings)
    message: str
    line: int = 1
    column: int = 1
    cell: int | None = None

    def as_finding(self) -> Finding:
        code, name = SYNTAX_ERROR if self.kind == "parse" else READ_ERROR
        severity = "warning" if self.kind == "skip" else "error"
        return Finding(code, name, severity, self.path, self.line, self.column, self.line, self.column,
                       self.message, cell=self.cell)


@dataclass
class FileResult:
    """One file's outcome (cached as JSON)."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    error: FileError | None = None
    call_sites: int = 0
    suppressions: list[dict[str, Any]] = field(default_factory=list)  # line, codes, used (for TB900)

    def as_json(self) -> dict[str, Any]:
        return {
            "findings": [f.as_json() for f in self.findings],
            "error": None if self.error is None else self.error.__dict__,
            "call_sites": self.call_sites,
            "suppressions": self.suppressions,
        }

    @classmethod
    def from_json(cls, path: str, data: Mapping[str, Any]) -> FileResult:
        findings = [Finding.from_json({**f, "path": path}) for f in data["findings"]]
        err = data.get("error")
        return cls(path, findings, FileError(**{**err, "path": path}) if err else None, data.get("call_sites", 0),
                   list(data.get("suppressions", [])))


@dataclass
class LintResult:
    findings: list[Finding]
    errors: list[FileError]
    files: int = 0
    candidates: int = 0
    parsed: int = 0
    cached: int = 0
    call_sites: int = 0
    bytes_read: int = 0
    notices: list[str] = field(default_factory=list)  # e.g. a corrupt cache file was discarded

    @property
    def read_errors(self) -> list[FileError]:
        return [e for e in self.errors if e.kind == "read"]

    def all_findings(self) -> list[Finding]:
        """Findings plus parse / read errors as findings, sorted."""
        out = [*self.findings, *(e.as_finding() for e in self.errors)]
        return sorted(out, key=Finding.sort_key)
