"""Every registered rule's VALID / INVALID examples run as tests (Fixit style), whatever its family:
a new rule's examples run as soon as it is registered.

A VALID example must produce no finding of the rule's code; an INVALID one exactly ``count``
findings, with ``message`` in each, the first at ``line`` / ``column`` / ``end_line`` /
``end_column`` when given, and, when ``fixed`` is given, the example after applying the first
finding's fix. Only the rule under test is selected, with the example's options. A rule's ``FIX``
attribute (shown in the docs) must match the fixes its examples produce.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pytest_tokenbudget.lint.api import OPTION_DEFAULTS, LintSettings, lint_source
from pytest_tokenbudget.lint.fixes.edits import apply_fixes
from pytest_tokenbudget.lint.rules.registry import registry

RULES = list(registry().values())


def _cases(kind: str):
    for cls in RULES:
        valid, invalid = cls.examples()
        for i, ex in enumerate(valid if kind == "valid" else invalid):
            yield pytest.param(cls, ex, id=f"{cls.code}-{kind}-{i}")


def _source(example) -> str:
    return textwrap.dedent(example.code).lstrip("\n")


def _lint(cls, example):
    settings = LintSettings(root=Path.cwd(), options={**OPTION_DEFAULTS, **example.options}, cache=False)
    return lint_source(_source(example), settings=settings, select=[cls.code])


def _shown(found) -> list[str]:
    return [f"{f.line}:{f.column}: {f.code} {f.message}" for f in found]


@pytest.mark.parametrize("cls", RULES, ids=[cls.code for cls in RULES])
def test_every_rule_has_examples_of_both_kinds(cls):
    valid, invalid = cls.examples()
    assert valid and invalid, cls.code


@pytest.mark.parametrize(("cls", "example"), list(_cases("valid")))
def test_valid_example_is_not_flagged(cls, example):
    found = _lint(cls, example)
    assert found == [], _shown(found)


@pytest.mark.parametrize(("cls", "example"), list(_cases("invalid")))
def test_invalid_example_is_flagged(cls, example):
    found = _lint(cls, example)
    assert len(found) == example.count, _shown(found)
    for f in found:
        assert f.code == cls.code and f.name == cls.name
        if example.message:
            assert example.message in f.message, f.message
    first = found[0]
    for attr in ("line", "column", "end_line", "end_column"):
        if getattr(example, attr) is not None:
            assert getattr(first, attr) == getattr(example, attr), (attr, _shown(found))
    if example.fixed is not None:
        assert first.fix is not None, f"{cls.code}: the example states a fix but the finding has none"
        fixed = apply_fixes(_source(example), [first], unsafe=True).source
        assert fixed == textwrap.dedent(example.fixed).lstrip("\n")


@pytest.mark.parametrize("cls", RULES, ids=[cls.code for cls in RULES])
def test_fix_attribute_is_what_the_examples_produce(cls):
    fixes = {f.fix.applicability for ex in cls.examples()[1] for f in _lint(cls, ex) if f.fix is not None}
    if cls.FIX is None:
        assert fixes == set(), f"{cls.code} offers fixes but declares FIX = None"
    else:
        assert cls.FIX in fixes, f"{cls.code} declares FIX = {cls.FIX!r}; its examples' fixes: {fixes}"


def test_a_rule_with_a_fix_shows_its_fixed_example():
    """At least the rules whose fixes are text rewrites show the result (``Invalid(fixed=...)``)."""
    shown = {cls.code for cls in RULES for ex in cls.examples()[1] if ex.fixed is not None}
    assert {"TB204", "TB205", "TB900"} <= shown
