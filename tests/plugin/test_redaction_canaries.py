"""Redaction by shape where data enters the ledger (issue 17): a canary key of each kind used as a
``parametrize`` value (so it is part of the test id) never reaches the terminal or the JSON
report's call entries. One function does it: core.text.redact."""

from __future__ import annotations

import json

import pytest
from conftest import run

from pytest_tokenbudget.core.text import REDACTED, redact

CANARIES = {
    "anthropic": "sk-ant-api03-" + "Ab1" * 12,
    "openai": "sk-proj-" + "Zy9" * 10,
    "google_api": "AIza" + "Sy" + "B1c2D3e4F5g6H7i8J9k0L1m2N3o4P5q6",
    "google_oauth": "ya29." + "a0AfH6SMB" + "x1Y2z3" * 4,
    "aws_key_id": "AKIA" + "IOSFODNN7EXAMPLE",
    "aws_secret": "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY",
    "aws_session": "FwoGZXIvYXdzEBYaD" + "Hq3kL9mN2pQ8rS5tU7vW1xY4zA6bC0dE" * 2,
    "bearer": "Bearer " + "eyJhbGciOiJIUzI1NiJ9.abc123DEF",
}


@pytest.mark.parametrize("kind", sorted(CANARIES))
def test_redact_knows_every_shape(kind):
    value = CANARIES[kind]
    assert value not in redact(f"x {value} y") and REDACTED in redact(f"x {value} y")


def test_canaries_in_test_ids_never_reach_the_outputs(inner):
    keys = [v.replace("Bearer ", "Bearer_") if k == "bearer" else v for k, v in CANARIES.items() if k != "bearer"]
    inner.makepyfile(test_leak=f'''
        import pytest
        from conftest import MSG

        @pytest.mark.parametrize("key", {keys!r})
        def test_call(claude, key):
            claude.messages.create(model="claude-haiku-4-5", max_tokens=5, messages=MSG)
    ''')
    result = run(inner, "--token-budget", "--token-budget-top", "0", "--token-budget-json", "out.json", "-q")
    result.assert_outcomes(passed=len(keys))
    section = result.stdout.str().split("token budget", 1)[1]
    data = json.loads((inner.path / "out.json").read_text())
    calls = json.dumps([c for t in data["tests"] for c in t.get("calls", [])])
    for key in keys:
        assert key not in section, key  # the terminal's token budget section
        assert key not in calls, key  # the JSON report's call entries
    assert REDACTED in section
