"""Suppression hygiene (TB9xx). TB900 is a file-level rule: the engine / CLI computes it with
:mod:`pytest_tokenbudget.lint.suppressions` after the per-call rules ran,
so :meth:`check` here yields nothing; the class registers the code, its docs and its examples."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_tokenbudget.lint.rules.base import Invalid, Rule, RuleContext, register
from pytest_tokenbudget.lint.types import CallSite, Report

__all__ = ["UnusedSuppression"]


@register
class UnusedSuppression(Rule):
    code = "TB900"
    name = "unused-suppression"
    summary = "A tokenbudget ignore comment (or a noqa TB code) that suppresses nothing."
    rationale = (
        "A suppression that no longer matches a finding hides the next real problem on that line: "
        "when the call changes, a new costly pattern there is silenced without anyone deciding so. "
        "Removing stale comments keeps every suppression a deliberate, current decision (like ruff's "
        "RUF100). The fix removes the unused codes, or the whole comment. Comments that list TB900 "
        "itself, a bare noqa and other tools' codes are never reported."
    )
    severity = "warning"
    precision = "very-high"
    KINDS = frozenset()  # file-level: see lint.suppressions
    FIX = "safe"
    VALID = [
        # The comment suppresses a real TB101 finding.
        '''
        import anthropic
        client = anthropic.Anthropic()
        POLICY = "Refunds are granted within 30 days of purchase when the widget is unused. " * 400
        def answer(q):
            return client.messages.create(model="claude-sonnet-5", max_tokens=512, system=POLICY,  # tokenbudget: ignore[TB101]
                                          messages=[{"role": "user", "content": q}])
        ''',
        # Other tools' codes are not ours to judge.
        '''
        x = 1  # noqa: E501
        y = 2  # noqa
        ''',
    ]
    INVALID = [
        Invalid(
            '''
            import anthropic
            client = anthropic.Anthropic()
            def answer(q):
                return client.messages.create(model="claude-sonnet-5", max_tokens=512,  # tokenbudget: ignore[TB205]
                                              messages=[{"role": "user", "content": q}])
            ''',
            message="unused suppression of TB205",
            line=4,
        ),
        Invalid(
            '''
            x = 1  # tokenbudget: ignore
            ''',
            message="suppresses nothing",
            line=1,
        ),
        Invalid(
            '''
            x = 1  # noqa: E501, TB999
            ''',
            message="unknown rule code TB999",
            line=1, column=8, end_line=1, end_column=27,
            fixed="x = 1  # noqa: E501\n",
        ),
    ]

    def check(self, call: CallSite, ctx: RuleContext) -> Iterator[Report]:
        return iter(())
