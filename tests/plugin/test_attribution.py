"""Attribution rules (README "Attribution"): a call belongs to the test whose thread or task started
it, even after that test ended; import/collection time and session/module fixture setup and
teardown have scopes of their own, counted against the session budget only."""

from __future__ import annotations

from conftest import INI, run


def test_a_thread_outliving_its_test_is_charged_to_it(inner):
    inner.makepyfile(test_threads='''
        import threading, time, pytest
        from concurrent.futures import ThreadPoolExecutor
        from conftest import MSG

        started = {}
        POOL = ThreadPoolExecutor(2)  # made at import time: its threads serve every test

        def test_a(claude):
            def later():
                time.sleep(0.3)  # the call starts while test B runs
                claude.messages.create(model="claude-haiku-4-5", max_tokens=5, messages=MSG)
            t = threading.Thread(target=later)
            t.start()
            started["t"] = t
            POOL.submit(claude.messages.create, model="claude-haiku-4-5", max_tokens=5, messages=MSG).result()

        @pytest.mark.token_budget(usd=0)
        def test_b(claude, token_usage):
            started["t"].join()  # A's call finishes while B runs: B's usd=0 does not refuse it
            assert token_usage.calls == 0 and token_usage.refused == 0

        def test_c(claude, token_usage):
            POOL.submit(claude.messages.create, model="claude-haiku-4-5", max_tokens=5, messages=MSG).result()
            assert token_usage.calls == 1  # a pooled thread runs C's task in C's context
    ''')
    result = run(inner, "--token-budget")
    result.assert_outcomes(passed=3)
    out = result.stdout.str()
    assert "2 calls" in [ln for ln in out.splitlines() if ln.endswith("test_threads.py::test_a")][0]


def test_tasks_inherit_their_test(inner):
    inner.makepyfile(test_tasks='''
        import asyncio
        from conftest import MSG

        def test_tasks(aclaude, token_usage):
            async def main():
                await asyncio.gather(*(aclaude.messages.create(model="claude-haiku-4-5", max_tokens=5, messages=MSG)
                                       for _ in range(3)))
                await asyncio.to_thread(lambda: None)
            asyncio.run(main())
            assert token_usage.calls == 3
    ''')
    run(inner, "--token-budget").assert_outcomes(passed=1)


def test_collection_and_fixture_scopes(inner):
    inner.makeconftest(INNER_CONFTEST_WITH_IMPORT_CALL)
    inner.makepyfile(test_scopes='''
        import pytest
        import anthropic
        from conftest import MSG, URL

        claude = anthropic.Anthropic(base_url=URL, api_key="sk-test", max_retries=0)
        claude.messages.create(model="claude-haiku-4-5", max_tokens=5, messages=MSG)  # at import time

        @pytest.fixture(scope="session")
        def warm():
            claude.messages.create(model="claude-haiku-4-5", max_tokens=5, messages=MSG)
            yield
            claude.messages.create(model="claude-haiku-4-5", max_tokens=5, messages=MSG)

        @pytest.fixture(scope="module")
        def per_module():
            claude.messages.create(model="claude-haiku-4-5", max_tokens=5, messages=MSG)

        @pytest.mark.token_budget(usd=0)  # only the marker activates the plugin
        def test_first(warm, per_module, token_usage):
            assert token_usage.calls == 0  # the fixtures' calls are not this test's

        def test_last(warm, token_usage):
            assert token_usage.calls == 0
    ''')
    result = run(inner)
    result.assert_outcomes(passed=2)
    report = result.stdout.str().split("token budget ====")[-1]
    rows = {ln.split(" tok  ")[-1]: ln.split()[1] for ln in report.splitlines() if " tok  " in ln}
    assert rows == {"collection": "2",  # the conftest's and the test module's import-time calls
                    "setup of warm": "1", "teardown of warm": "1", "setup of per_module (test_scopes.py)": "1"}
    assert "live: 5 calls" in report


def test_fixture_scopes_count_against_the_session_budget(inner):
    inner.makepyfile(test_session='''
        import pytest
        from conftest import MSG

        import anthropic

        @pytest.fixture(scope="session")
        def costly(_fake_llm_server_session):
            _fake_llm_server_session.set_usage(input=100000, output=10)
            claude = anthropic.Anthropic(base_url=_fake_llm_server_session.url, api_key="sk-test")
            claude.messages.create(model="claude-haiku-4-5", max_tokens=10, messages=MSG)

        def test_one(costly):
            pass
    ''')
    result = run(inner, "--token-budget", "--token-budget-session=0.01")
    result.assert_outcomes(passed=1)  # the test itself spent nothing
    assert result.ret == 1  # the session did: $0.10 of input in the fixture's setup
    out = result.stdout.str()
    assert "FAILED: session token budget exceeded: spent $0.10 of a $0.01 budget" in out
    assert "$0.10  1 call  100,010 tok  setup of costly" in out


INNER_CONFTEST_WITH_IMPORT_CALL = '''
import anthropic, pytest
from pytest_tokenbudget.testing.server import FakeLLMServer

SERVER = FakeLLMServer().start()
URL = SERVER.url
MSG = [{"role": "user", "content": "Say hi"}]
anthropic.Anthropic(base_url=URL, api_key="sk-test").messages.create(
    model="claude-haiku-4-5", max_tokens=5, messages=MSG)  # a call at conftest import time
'''
