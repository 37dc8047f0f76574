"""Redaction everywhere (issue 17): a canary secret of each kind used as a ``parametrize`` value (so
it is part of the test id) and echoed in an API error body never reaches any output: the terminal,
the JSON report, the baseline file (meant to be committed), the job summary ($GITHUB_STEP_SUMMARY)
and the JUnit properties. One function does it: core.text.redact."""

from __future__ import annotations

import json
import re

from conftest import run

from pytest_tokenbudget.core.text import REDACTED

CANARIES = {
    "anthropic": "sk-ant-api03-" + "Ab1" * 12,
    "openai": "sk-proj-" + "Zy9" * 10,
    "bearer": "Bearer_" + "eyJhbGciOiJIUzI1NiJ9abc123DEF",  # an id cannot hold a space: the token alone
    "google_api": "AIza" + "Sy" + "B1c2D3e4F5g6H7i8J9k0L1m2N3o4P5q6",
    "google_oauth": "ya29." + "a0AfH6SMB" + "x1Y2z3" * 4,
    "aws_key_id": "AKIA" + "IOSFODNN7EXAMPLE",
    "aws_secret": "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY",
    "aws_session": "FwoGZXIvYXdzEBYaD" + "Hq3kL9mN2pQ8rS5tU7vW1xY4zA6bC0dE" * 2,
}
SECRETS = [v.partition("_")[2] if k == "bearer" else v for k, v in CANARIES.items()]

TESTS = '''
import anthropic, pytest, pytest_tokenbudget
from conftest import MSG

@pytest.mark.parametrize("key", {keys!r})
def test_call(claude, key):
    claude.messages.create(model="claude-haiku-4-5", max_tokens=5, messages=MSG)
    # the API echoes the secret in its error body (here: the fake server's "unknown fault" message)
    with pytest.raises(anthropic.BadRequestError):
        claude.messages.create(model="claude-haiku-4-5", max_tokens=5, messages=MSG,
                               extra_headers={{"x-fake-fault": key}})

@pytest.mark.token_budget(usd=0)
@pytest.mark.parametrize("key", {keys!r})
def test_refused(claude, key):
    with pytest.raises(pytest_tokenbudget.TokenBudgetExceeded):
        claude.messages.create(model="claude-haiku-4-5", max_tokens=5, messages=MSG)
'''


def _properties(junit: str) -> str:
    return "\n".join(re.findall(r"<properties>.*?</properties>", junit, re.S))


def test_a_canary_of_each_kind_reaches_no_output(inner, monkeypatch):
    summary = inner.path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    keys = list(CANARIES.values())
    inner.makepyfile(test_leak=TESTS.format(keys=keys))
    result = run(inner, "--token-budget", "--token-budget-top=5", "--token-budget-json=out.json",
                 "--token-budget-save=baseline.json", "--token-budget-junit", "--junitxml=junit.xml", "-q")
    result.assert_outcomes(passed=2 * len(keys))
    terminal = result.stdout.str()
    outputs = {
        "terminal": terminal,
        "json": (inner.path / "out.json").read_text(),
        "baseline": (inner.path / "baseline.json").read_text(),
        "summary": summary.read_text(),
        "junit properties": _properties((inner.path / "junit.xml").read_text()),
    }
    assert "token budget" in terminal and "refused" in outputs["summary"]
    assert "fake knob" in outputs["json"]  # the echoed error body is in the report, redacted
    for name, text in outputs.items():
        assert text.strip(), name
        for secret in SECRETS:
            assert secret not in text, (name, secret)
    data = json.loads(outputs["json"])
    # the eight parametrizations become one row per test function; its calls are all there
    rows = {t["nodeid"]: t for t in data["tests"]}
    assert sorted(rows) == [f"test_leak.py::test_call[{REDACTED}]", f"test_leak.py::test_refused[{REDACTED}]"]
    assert rows[f"test_leak.py::test_call[{REDACTED}]"]["live"]["calls"] == 2 * len(keys)
    assert sorted(json.loads(outputs["baseline"])["tests"]) == sorted(rows)
    assert f"  test_leak.py::test_refused[{REDACTED}]: claude-haiku-4-5" in terminal  # refusals are named
