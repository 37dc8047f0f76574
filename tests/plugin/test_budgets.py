"""Budgets end to end: pre-flight refusal, overruns after the fact, blocks, the session budget,
unknown models, and what happens when the plugin is not asked for."""

from __future__ import annotations

import pytest
from conftest import INI, run

# Default fake usage: 17 input + 7 output tokens of claude-haiku-4-5 = $0.000052 a call.
# With max_tokens=50 the worst case is ~15 input + 50 output = $0.000265.


def test_preflight_refusal_sends_nothing(inner):
    inner.makepyfile(test_refuse='''
        import asyncio, pytest
        from pytest_tokenbudget import TokenBudgetExceeded
        from conftest import MSG

        pytestmark = pytest.mark.token_budget(usd=0.0001)

        def test_caught(claude, fake_llm_server, token_usage):
            with pytest.raises(TokenBudgetExceeded) as info:
                claude.messages.create(model="claude-haiku-4-5", max_tokens=1000, messages=MSG)
            exc = info.value
            assert fake_llm_server.request_count == 0
            assert (exc.refused, exc.scope, exc.dimension, str(exc.limit)) == (True, "test", "usd", "0.0001")
            assert exc.attempted > exc.limit and exc.spent == 0
            assert token_usage.refused == 1 and token_usage.calls == 0

        def test_async_and_openai(aclaude, oai, fake_llm_server):
            with pytest.raises(TokenBudgetExceeded):
                asyncio.run(aclaude.messages.create(model="claude-haiku-4-5", max_tokens=1000, messages=MSG))
            with pytest.raises(TokenBudgetExceeded):
                oai.chat.completions.create(model="claude-haiku-4-5", max_tokens=1000, messages=MSG)
            with pytest.raises(TokenBudgetExceeded):  # no max_tokens: the model's maximum output is the worst case
                oai.chat.completions.create(model="claude-haiku-4-5", messages=MSG)
            assert fake_llm_server.request_count == 0

        def test_not_caught(claude, fake_llm_server):
            claude.messages.create(model="claude-haiku-4-5", max_tokens=1000, messages=MSG)
    ''')
    result = run(inner, "--token-budget")
    result.assert_outcomes(passed=2, failed=1)
    out = result.stdout.str()
    assert ("TokenBudgetExceeded: token budget of test_refuse.py::test_not_caught ($0.0001): call to "
            "claude-haiku-4-5 refused before sending: spent $0 + this call's worst case $0.005") in out
    assert "Nothing was sent." in out
    assert "refused before sending: 5 calls (5 by the test budget); nothing was sent" in out


def test_overrun_after_the_fact_fails_the_test_with_top_calls(inner):
    inner.makepyfile(test_over='''
        import pytest
        from conftest import MSG

        @pytest.mark.token_budget(usd=0.01)
        def test_over(claude, fake_llm_server):
            # the server bills far more input than the request body suggests: pre-flight lets it through
            fake_llm_server.set_usage(input=2300, output=2000)
            claude.messages.create(model="claude-haiku-4-5", max_tokens=1000, messages=MSG)

        @pytest.mark.token_budget(output_tokens=10)
        def test_tokens(claude, fake_llm_server):
            fake_llm_server.set_usage(output=15)
            claude.messages.create(model="claude-haiku-4-5", max_tokens=10, messages=MSG)
    ''')
    result = run(inner, "--token-budget")
    result.assert_outcomes(failed=2)
    out = result.stdout.str()
    assert ("token budget of test_over.py::test_over exceeded: spent $0.0123 of a $0.01 budget "
            "(+$0.0023, 23% over)") in out
    result.stdout.fnmatch_lines(["calls:", "*$0.0123 claude-haiku-4-5 ?call? in=2,300 cw=0 cr=0 out=2,000 max_tokens=1,000"])
    assert "used 15 output tokens of a 10 output tokens budget (+5, 50% over)" in out


def test_preflight_off(inner):
    inner.makeini(INI + "token_budget_preflight = false\n")
    inner.makepyfile(test_off='''
        import pytest
        from conftest import MSG

        @pytest.mark.token_budget(usd=0.00001)
        def test_over(claude, fake_llm_server):
            claude.messages.create(model="claude-haiku-4-5", max_tokens=1000, messages=MSG)
            assert fake_llm_server.request_count == 1
    ''')
    result = run(inner, "--token-budget")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*pre-flight off*", "*spent $0.000052 of a $0.00001 budget (+$0.000042, 420% over)*"])


@pytest.mark.parametrize(("ini", "env", "cli", "passes", "source"), [
    ("0.0001", None, None, False, "ini token_budget_per_test"),
    ("0.0001", "1", None, True, "$TOKEN_BUDGET_PER_TEST"),
    ("1", "0.0001", None, False, "$TOKEN_BUDGET_PER_TEST"),
    ("0.0001", "0.0001", "1", True, "--token-budget-per-test"),
    ("1", None, "none", True, "no limit (--token-budget-per-test)"),
])
def test_precedence_ini_env_cli(inner, monkeypatch, ini, env, cli, passes, source):
    inner.makeini(INI + f"token_budget_per_test = {ini}\n")
    if env is None:
        monkeypatch.delenv("TOKEN_BUDGET_PER_TEST", raising=False)
    else:
        monkeypatch.setenv("TOKEN_BUDGET_PER_TEST", env)
    inner.makepyfile(test_p='''
        from conftest import MSG
        def test_call(claude):
            claude.messages.create(model="claude-haiku-4-5", max_tokens=50, messages=MSG)
    ''')
    result = run(inner, *([f"--token-budget-per-test={cli}"] if cli else []))
    result.assert_outcomes(**({"passed": 1} if passes else {"failed": 1}))
    assert source in result.stdout.str()
    result.stdout.fnmatch_lines(["token budget: per test *, session no limit, pre-flight on, unknown models: *"])


def test_marker_beats_cli_and_closest_marker_wins_per_dimension(inner):
    inner.makepyfile(test_m='''
        import pytest
        from pytest_tokenbudget import TokenBudgetExceeded
        from conftest import MSG

        pytestmark = pytest.mark.token_budget(usd=0.0001)

        def call(c):
            c.messages.create(model="claude-haiku-4-5", max_tokens=50, messages=MSG)

        def test_module_marker_refuses(claude):
            with pytest.raises(TokenBudgetExceeded):
                call(claude)

        @pytest.mark.token_budget(usd=1)
        class TestClass:
            def test_class_marker_wins(self, claude):
                call(claude)

            @pytest.mark.token_budget(calls=1)
            def test_function_adds_calls_keeps_class_usd(self, claude):
                call(claude)
                with pytest.raises(TokenBudgetExceeded) as info:
                    call(claude)
                assert info.value.dimension == "calls"

            @pytest.mark.token_budget(usd=None)
            def test_none_lifts_the_limit(self, claude):
                for _ in range(3):
                    call(claude)

        @pytest.mark.token_budget(0)
        def test_usd_zero_allows_nothing_but_free_calls(claude, fake_llm_server):
            claude.messages.count_tokens(model="claude-haiku-4-5", messages=MSG)  # free: allowed
            with pytest.raises(TokenBudgetExceeded) as info:
                claude.messages.create(model="claude-haiku-4-5", max_tokens=1, messages=MSG)
            assert str(info.value.limit) == "0"
            assert fake_llm_server.request_count == 1

        @pytest.mark.token_budget(dollars=1)
        def test_bad_marker():
            pass
    ''')
    result = run(inner, "--token-budget-per-test=0.00001")
    result.assert_outcomes(passed=5, errors=1)
    result.stdout.fnmatch_lines(["*test_m.py::test_bad_marker: token_budget marker: unknown dimension(s) dollars*"])


def test_block_budgets_nest_and_yield_their_records(inner):
    inner.makepyfile(test_block='''
        import pytest
        from pytest_tokenbudget import TokenBudgetExceeded, price
        from conftest import MSG

        ONE = price("claude-haiku-4-5", {"input_tokens": 17, "output_tokens": 7}).total_usd

        def call(c, n=50):
            return c.messages.create(model="claude-haiku-4-5", max_tokens=n, messages=MSG)

        def test_nested(claude, token_budget, token_usage):
            call(claude)
            with token_budget(usd=0.01) as spent:
                call(claude)
                with token_budget(calls=1, name="inner") as inner:
                    call(claude)
                    with pytest.raises(TokenBudgetExceeded) as info:
                        call(claude)
                    assert (info.value.scope, info.value.budget) == ("block", "inner")
                assert inner.calls == 1 and inner.refused == 1
                call(claude)
            assert spent.calls == 3 and spent.cost_usd == 3 * ONE
            assert [e.refused for e in spent.records] == [False, False, True, False]
            assert token_usage.calls == 4 and token_usage.cost_usd == 4 * ONE

        def test_block_overrun_raises_at_exit(claude, token_budget, fake_llm_server):
            fake_llm_server.set_usage(input=2300, output=2000)
            with pytest.raises(TokenBudgetExceeded, match=r"spent \\$0.0123 of a \\$0.01 budget \\(\\+\\$0.0023, 23% over\\)"):
                with token_budget(usd=0.01):
                    call(claude, 1000)

        def test_block_inside_test_budget(claude, token_budget):
            with token_budget(usd=0.0001):
                with pytest.raises(TokenBudgetExceeded):
                    call(claude, 1000)
    ''')
    run(inner).assert_outcomes(passed=3)


def test_session_budget_refuses_further_calls_and_fails_the_run(inner):
    inner.makepyfile(test_s='''
        from conftest import MSG
        def test_1(claude):
            claude.messages.create(model="claude-haiku-4-5", max_tokens=50, messages=MSG)
        def test_2(claude):
            claude.messages.create(model="claude-haiku-4-5", max_tokens=50, messages=MSG)
        def test_3(claude, fake_llm_server):
            try:
                claude.messages.create(model="claude-haiku-4-5", max_tokens=50, messages=MSG)
            finally:
                assert fake_llm_server.request_count == 0
        def test_no_calls():
            pass
    ''')
    result = run(inner, "--token-budget-session=0.0003", "-p", "no:randomly")
    result.assert_outcomes(passed=2, failed=2)
    assert result.ret == 1
    out = result.stdout.str()
    assert "session token budget ($0.0003): call to claude-haiku-4-5 refused before sending" in out
    assert "FAILED: session token budget of $0.0003 reached: $0.000052 spent, 2 calls refused" in out
    assert "session $0.0003 (--token-budget-session)" in out


def test_session_budget_fails_the_run_even_when_every_test_passes(inner):
    inner.makepyfile(test_s='''
        import pytest
        from pytest_tokenbudget import TokenBudgetExceeded
        from conftest import MSG
        def test_1(claude):
            claude.messages.create(model="claude-haiku-4-5", max_tokens=50, messages=MSG)
            with pytest.raises(TokenBudgetExceeded):
                claude.messages.create(model="claude-haiku-4-5", max_tokens=50, messages=MSG)
    ''')
    result = run(inner, "--token-budget-session=0.0003")
    result.assert_outcomes(passed=1)
    assert result.ret == 1
    result.stdout.fnmatch_lines(["FAILED: session token budget of $0.0003 reached*1 call refused"])


def test_session_budget_without_preflight_stops_the_run(inner):
    inner.makeini(INI + "token_budget_preflight = false\ntoken_budget_session = 0.0001\n")
    inner.makepyfile(test_s='''
        from conftest import MSG
        def test_1(claude):
            claude.messages.create(model="claude-haiku-4-5", max_tokens=50, messages=MSG)
        def test_2(claude):
            claude.messages.create(model="claude-haiku-4-5", max_tokens=50, messages=MSG)
        def test_3(claude):
            claude.messages.create(model="claude-haiku-4-5", max_tokens=50, messages=MSG)
    ''')
    result = run(inner)
    result.assert_outcomes(passed=2)
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*token budget: session spent $0.000104 of a $0.0001 budget*"])


def test_unknown_model_errors_the_test(inner):
    inner.makepyfile(test_u='''
        from conftest import MSG
        def test_unknown(claude, fake_llm_server):
            fake_llm_server.fault = "unknown-model"
            claude.messages.create(model="claude-haiku-4-5", max_tokens=50, messages=MSG)
    ''')
    result = run(inner, "--token-budget")
    result.assert_outcomes(passed=1, errors=1)
    out = result.stdout.str()
    assert "ERROR at teardown of test_unknown" in out
    assert "token budget: a call could not be priced: unknown model 'claude-nonexistent-9-20990101'" in out
    assert '[tool.tokenbudget.models."claude-nonexistent-9-20990101"]' in out


def test_unknown_model_warn_marks_totals_incomplete(inner):
    inner.makeini(INI + "token_budget_unknown_model = warn\n")
    inner.makepyfile(test_u='''
        from conftest import MSG
        def test_unknown(claude, fake_llm_server, token_usage):
            fake_llm_server.fault = "unknown-model"
            claude.messages.create(model="claude-haiku-4-5", max_tokens=50, messages=MSG)
            assert token_usage.records[0].cost is None and not token_usage.totals.complete
    ''')
    result = run(inner, "--token-budget")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["live: 1 call, 24 tokens *cost $0 (incomplete: a lower bound)",
                                 "unpriced: 1 call to claude-nonexistent-9-20990101; cost totals are incomplete.*"])


def test_unknown_request_model_is_refused_under_a_usd_budget(inner):
    inner.makepyfile(test_u='''
        import pytest
        from pytest_tokenbudget import TokenBudgetExceeded
        from conftest import MSG
        def test_unknown(claude, fake_llm_server):
            with pytest.raises(TokenBudgetExceeded, match="cannot be bounded.*unknown model 'claude-mystery-1'"):
                claude.messages.create(model="claude-mystery-1", max_tokens=50, messages=MSG)
            assert fake_llm_server.request_count == 0
    ''')
    run(inner, "--token-budget-per-test=1").assert_outcomes(passed=1)


def test_mocked_calls_are_shown_apart_from_live_spend(inner):
    inner.makepyfile(test_mock='''
        import anthropic, httpx2
        from conftest import MSG

        BODY = {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-haiku-4-5",
                "content": [{"type": "text", "text": "hi"}], "stop_reason": "end_turn", "stop_sequence": None,
                "usage": {"input_tokens": 1000, "output_tokens": 100}}

        def test_mocked(claude, token_usage):
            client = anthropic.Anthropic(api_key="x", http_client=httpx2.Client(
                transport=httpx2.MockTransport(lambda request: httpx2.Response(200, json=BODY))))
            client.messages.create(model="claude-haiku-4-5", max_tokens=200, messages=MSG)
            claude.messages.create(model="claude-haiku-4-5", max_tokens=50, messages=MSG)
            assert [e.live for e in token_usage.records] == [False, True]
    ''')
    result = run(inner, "--token-budget")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([
        "live: 1 call, 24 tokens *cost $0.000052",
        "mocked/replayed (not live, not in the live cost): 1 call, 1,100 tokens, would cost $0.0015 live",
    ])


def test_inactive_without_budget_patches_nothing(inner, monkeypatch):
    monkeypatch.delenv("TOKEN_BUDGET_PER_TEST", raising=False)
    monkeypatch.delenv("TOKEN_BUDGET_SESSION", raising=False)
    inner.makepyfile(test_off='''
        import httpx2
        from pytest_tokenbudget.plugin import capture
        from conftest import MSG

        def test_nothing_patched(claude, fake_llm_server):
            assert not capture.installed()
            assert not hasattr(httpx2.Client.send, "_tokenbudget_original")
            claude.messages.create(model="claude-haiku-4-5", max_tokens=50, messages=MSG)
            assert fake_llm_server.request_count == 1
    ''')
    result = run(inner)
    result.assert_outcomes(passed=1)
    assert "token budget" not in result.stdout.str()


def test_bad_settings_are_usage_errors(inner, monkeypatch):
    inner.makepyfile(test_x="def test_x(): pass")
    result = run(inner, "--token-budget-per-test=cheap")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--token-budget-per-test usd: expected a dollar amount such as 0.05, got 'cheap'*"])
    monkeypatch.setenv("TOKEN_BUDGET_SESSION", "-1")
    result = run(inner)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*$TOKEN_BUDGET_SESSION usd: a dollar amount must be a finite number >= 0*"])


def test_a_plugin_bug_that_hides_spend_fails_the_run(inner):
    inner.makepyfile(test_bug='''
        from pytest_tokenbudget.plugin.ledger.ledger import Ledger
        from conftest import MSG

        def test_call(claude, monkeypatch):
            def boom(self, token, record):
                raise RuntimeError("ledger bug")
            monkeypatch.setattr(Ledger, "on_record", boom)
            claude.messages.create(model="claude-haiku-4-5", max_tokens=50, messages=MSG)  # still works
    ''')
    result = run(inner, "--token-budget")
    result.assert_outcomes(passed=1)
    assert result.ret == 1
    result.stdout.fnmatch_lines([
        "plugin error: recording a call (its spend is missing from the totals): RuntimeError: ledger bug",
        "FAILED: some calls could not be recorded (plugin error)",
    ])


def test_fixture_requested_dynamically_starts_measuring(inner, monkeypatch):
    monkeypatch.delenv("TOKEN_BUDGET_PER_TEST", raising=False)
    monkeypatch.delenv("TOKEN_BUDGET_SESSION", raising=False)
    inner.makepyfile(test_dyn='''
        from conftest import MSG
        def test_dyn(request, claude):
            usage = request.getfixturevalue("token_usage")
            claude.messages.create(model="claude-haiku-4-5", max_tokens=50, messages=MSG)
            assert usage.calls == 1 and usage.records[0].nodeid == request.node.nodeid
    ''')
    result = run(inner)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["live: 1 call, 24 tokens*"])
