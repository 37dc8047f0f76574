"""Every rule's VALID / INVALID examples run as tests (fixit style).

A VALID example must produce no finding of the rule's code; an INVALID one exactly ``count``
findings, with ``message`` in each and the first on ``line`` when given. Only the rule under test
is selected, with the example's options.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pytest_tokenbudget.lint.engine import LintSettings, RULE_OPTION_DEFAULTS, lint_source
from pytest_tokenbudget.lint.rule import registry

# This file covers the engine issue's rule families; other families have their own test modules.
FAMILIES = ("TB1", "TB2")
RULES = [cls for code, cls in registry().items() if code.startswith(FAMILIES)]


def _cases(kind: str):
    for cls in RULES:
        valid, invalid = cls.examples()
        for i, ex in enumerate(valid if kind == "valid" else invalid):
            yield pytest.param(cls, ex, id=f"{cls.code}-{kind}-{i}")


def _lint(cls, example):
    settings = LintSettings(root=Path.cwd(), options={**RULE_OPTION_DEFAULTS, **example.options})
    return [f for f in lint_source(textwrap.dedent(example.code).lstrip("\n"), settings=settings, select=[cls.code])]


def test_every_engine_rule_has_examples():
    codes = {cls.code for cls in RULES}
    assert codes == {"TB101", "TB102", "TB103", "TB104", "TB201", "TB202", "TB203", "TB204", "TB205", "TB206"}
    for cls in RULES:
        valid, invalid = cls.examples()
        assert valid and invalid, cls.code


@pytest.mark.parametrize(("cls", "example"), list(_cases("valid")))
def test_valid_example_is_not_flagged(cls, example):
    found = _lint(cls, example)
    assert found == [], [f"{f.line}: {f.code} {f.message}" for f in found]


@pytest.mark.parametrize(("cls", "example"), list(_cases("invalid")))
def test_invalid_example_is_flagged(cls, example):
    found = _lint(cls, example)
    assert len(found) == example.count, [f"{f.line}: {f.code} {f.message}" for f in found]
    for f in found:
        assert f.code == cls.code and f.name == cls.name
        if example.message:
            assert example.message in f.message
    if example.line is not None:
        assert found[0].line == example.line
