"""An overrun always fails the test, whatever it did afterwards, with the budget's message first;
a refusal masked by a library (an AttributeError wrapper, an anyio ExceptionGroup) is stated by the
test's outcome because the refusal is recorded (issue 17)."""

from __future__ import annotations

from conftest import run

INNER = '''
import anyio, pytest
from pytest_tokenbudget import TokenBudgetExceeded
from conftest import MSG

OVER = dict(model="claude-haiku-4-5", max_tokens=1000, messages=MSG)

def overrun(claude, server):
    server.set_usage(input=2300, output=2000)  # far above what pre-flight saw: overruns $0.01
    claude.messages.create(**OVER)

@pytest.mark.token_budget(usd=0.01)
def test_skip_after(claude, fake_llm_server):
    overrun(claude, fake_llm_server)
    pytest.skip("not today")

@pytest.mark.token_budget(usd=0.01)
def test_xfail_call_after(claude, fake_llm_server):
    overrun(claude, fake_llm_server)
    pytest.xfail("known")

@pytest.mark.xfail(reason="flaky")
@pytest.mark.token_budget(usd=0.01)
def test_xfail_marker(claude, fake_llm_server):
    overrun(claude, fake_llm_server)
    assert False

@pytest.mark.token_budget(usd=0.01)
def test_other_exception(claude, fake_llm_server):
    overrun(claude, fake_llm_server)
    raise ValueError("the test's own bug")

class Result:
    def __init__(self, exc):
        self.exc = exc

def wrapper(claude):
    """What langchain-anthropic's ainvoke does: the refusal becomes an AttributeError."""
    try:
        out = claude.messages.create(**OVER)
    except BaseException as exc:
        out = Result(exc)
    return out.generations

@pytest.mark.token_budget(usd=0.0001)
def test_masked_by_wrapper(claude):
    wrapper(claude)

@pytest.mark.token_budget(usd=0.0001)
def test_masked_by_exception_group(aclaude):
    async def main():
        async with anyio.create_task_group() as tg:
            tg.start_soon(lambda: aclaude.messages.create(**OVER))
    anyio.run(main)

@pytest.mark.token_budget(usd=0.0001)
def test_caught_on_purpose(claude):
    with pytest.raises(TokenBudgetExceeded):
        claude.messages.create(**OVER)
'''


def test_overrun_and_masked_refusals_always_fail_with_the_budget_first(inner):
    inner.makepyfile(test_o=INNER)
    result = run(inner, "--token-budget", "-p", "no:asyncio", "-rA")
    result.assert_outcomes(failed=6, passed=1)
    out = result.stdout.str()
    for name in ("skip_after", "xfail_call_after", "xfail_marker", "other_exception"):
        section = out.split(f"_ test_{name} _", 1)[1].split("\n", 1)[1]
        first = section.strip().splitlines()[0]
        assert first.startswith(f"token budget of test_o.py::test_{name} exceeded: spent"), section[:400]
    assert "(the test then skipped: Skipped: not today)" in out
    assert "(the test was marked xfail: flaky)" in out
    assert out.index("exceeded: spent", out.index("_ test_other_exception _")) < out.index("the test's own bug")
    for name in ("masked_by_wrapper", "masked_by_exception_group"):
        section = out.split(f"_ test_{name} _", 1)[1].split("\n", 1)[1]
        assert section.strip().startswith("token budget: 1 call(s) refused before sending in this test"), section[:400]
        assert "refused before sending" in section.split("\n\n")[0]
    assert "AttributeError" in out and "ExceptionGroup" in out  # the original failure is kept, below
