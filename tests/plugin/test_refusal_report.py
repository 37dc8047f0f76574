"""The report names every refused call (issue 17): test, model, worst case and the budget that
refused it, one line each in the terminal section and the job summary, capped with "and N more"."""

from __future__ import annotations

from conftest import run

TESTS = '''
import pytest, pytest_tokenbudget
from conftest import MSG

@pytest.mark.token_budget(usd=0)
@pytest.mark.parametrize("n", range({n}))
def test_zero(claude, n):
    with pytest.raises(pytest_tokenbudget.TokenBudgetExceeded):
        claude.messages.create(model="claude-haiku-4-5", max_tokens=5, messages=MSG)

def test_block(claude, token_budget):
    with token_budget(usd=0, name="tight block"):
        with pytest.raises(pytest_tokenbudget.TokenBudgetExceeded):
            claude.messages.create(model="claude-sonnet-4-5", max_tokens=5, messages=MSG)
'''


def test_each_refused_call_is_named_in_the_terminal_and_the_summary(inner, monkeypatch):
    summary = inner.path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    inner.makepyfile(test_refusals=TESTS.format(n=2))
    result = run(inner, "--token-budget", "-q")
    out = result.stdout.str()
    md = summary.read_text()
    named = ["test_refusals.py::test_zero[0]: claude-haiku-4-5, worst case $0.00006, refused by its test budget ($0)",
             "test_refusals.py::test_zero[1]: claude-haiku-4-5, worst case $0.00006, refused by its test budget ($0)",
             "test_refusals.py::test_block: claude-sonnet-4-5, worst case $0.00018, refused by token budget block "
             "'tight block' ($0)"]
    for line in named:
        assert f"  {line}" in out, line
        assert f"  - {line}" in md, line
    assert "more" not in out.split("refused before sending", 1)[1].split("\n", 4)[3]


def test_the_list_is_capped(inner):
    inner.makepyfile(test_refusals=TESTS.format(n=12))
    out = run(inner, "--token-budget", "-q").stdout.str()
    assert "refused before sending: 13 calls" in out
    assert "  test_refusals.py::test_zero[9]: claude-haiku-4-5" in out
    assert "test_zero[10]:" not in out and "  and 3 more" in out


def test_session_refusal_names_the_session_budget(inner):
    inner.makepyfile(test_refusals=TESTS.format(n=1))
    out = run(inner, "--token-budget-session=0", "-q").stdout.str()
    assert ("  test_refusals.py::test_zero[0]: claude-haiku-4-5, worst case $0.00006, refused by session token "
            "budget ($0)") in out
