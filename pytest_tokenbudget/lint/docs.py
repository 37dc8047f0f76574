"""Rule documentation generated from the registry: the README rule table and ``tokenbudget rules`` text.

``python -m pytest_tokenbudget.lint.docs`` prints the README table; the test suite checks that
the README contains exactly this table, so a new rule cannot ship undocumented.
"""

from __future__ import annotations

import textwrap

from pytest_tokenbudget.lint.rules.base import Rule
from pytest_tokenbudget.lint.rules.registry import get_rule, registry

__all__ = ["rule_table_markdown", "rule_fix", "rule_text", "rules_listing"]


def rule_fix(cls: type[Rule]) -> str | None:
    """``"safe"`` / ``"unsafe"`` when the rule's findings carry a fix (its ``FIX``), else ``None``."""
    return cls.FIX


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def rule_table_markdown() -> str:
    """The README rule table: code, name, summary, fix (``yes`` / ``yes (unsafe)`` / ``no``)."""
    rows = ["| code | name | summary | fix |", "|---|---|---|---|"]
    for code, cls in registry().items():
        fix = rule_fix(cls)
        shown = "no" if fix is None else ("yes" if fix == "safe" else "yes (unsafe)")
        rows.append(f"| {code} | {cls.name} | {_cell(cls.summary)} | {shown} |")
    return "\n".join(rows) + "\n"


def rules_listing() -> str:
    """``tokenbudget rules``: one line per rule (code, name, summary)."""
    reg = registry()
    width = max((len(cls.name) for cls in reg.values()), default=0)
    return "".join(f"{code}  {cls.name:<{width}}  {cls.summary}\n" for code, cls in reg.items())


def rule_text(code_or_name: str) -> str | None:
    """``tokenbudget rules TB101``: summary, rationale, severity, fix and the examples; None if unknown."""
    cls = get_rule(code_or_name)
    if cls is None:
        return None
    fix = rule_fix(cls)
    out = [f"{cls.code} {cls.name}", "", cls.summary, "", textwrap.fill(cls.rationale, 96), "",
           f"severity: {cls.severity}   fix: {'no' if fix is None else fix}"]
    if cls.OPTIONS:
        out.append("options: " + ", ".join(f"{k} = {v!r}" for k, v in cls.OPTIONS.items()))
    valid, invalid = cls.examples()
    for title, examples in (("Flagged", invalid), ("Not flagged", valid)):
        for ex in examples:
            out += ["", f"{title}:", textwrap.indent(textwrap.dedent(ex.code).strip("\n"), "    ")]
    return "\n".join(out) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(rule_table_markdown(), end="")
