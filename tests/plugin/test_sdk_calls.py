"""Real anthropic / openai SDK calls against the fake API: every kind of call is recorded once per
attempt, attributed to its test, and priced exactly as ``price(model, usage)``."""

from __future__ import annotations

from conftest import run


def test_every_call_kind_is_recorded_and_priced_exactly(inner):
    inner.makepyfile(test_calls='''
        import asyncio, threading
        from decimal import Decimal
        from pytest_tokenbudget import price
        from conftest import MSG

        def test_sync_create(claude, fake_llm_server, token_usage):
            fake_llm_server.set_usage(input=1200, output=300, cache_read=5000, cache_write_5m=700, cache_write_1h=100)
            r = claude.messages.create(model="claude-haiku-4-5", max_tokens=400, messages=MSG)
            [e] = token_usage.records
            assert e.cost == price(r.model, r.usage)
            assert isinstance(e.cost_usd, Decimal) and e.cost_usd == price(r.model, r.usage).total_usd
            assert (e.phase, e.streamed, e.live, e.max_tokens, e.status) == ("call", False, True, 400, 200)
            assert (token_usage.input_tokens, token_usage.cache_write_tokens, token_usage.cache_read_tokens,
                    token_usage.output_tokens) == (1200, 800, 5000, 300)
            assert token_usage.cache_hit_rate == 5000 / 7000
            assert token_usage.cost_usd == e.cost_usd

        def test_async_create(aclaude, token_usage):
            r = asyncio.run(aclaude.messages.create(model="claude-haiku-4-5", max_tokens=50, messages=MSG))
            [e] = token_usage.records
            assert e.cost == price(r.model, r.usage)

        def test_messages_stream(claude, fake_llm_server, token_usage):
            fake_llm_server.set_usage(input=40, output=90, cache_read=300)
            with claude.messages.stream(model="claude-haiku-4-5", max_tokens=200, messages=MSG) as s:
                text = "".join(s.text_stream)
                final = s.get_final_message()
            assert text
            [e] = token_usage.records
            assert e.streamed and e.complete
            assert e.usage.output_tokens == final.usage.output_tokens == 90
            assert e.cost == price(final.model, final.usage)

        def test_create_stream_true(claude, token_usage):
            events = list(claude.messages.create(model="claude-haiku-4-5", max_tokens=50, messages=MSG, stream=True))
            assert events[-1].type == "message_stop"
            [e] = token_usage.records
            assert e.streamed and e.complete and e.usage.output_tokens == 7
            assert e.cost == price("claude-haiku-4-5", {"input_tokens": 17, "output_tokens": 7})

        def test_async_stream(aclaude, token_usage):
            async def go():
                async with aclaude.messages.stream(model="claude-haiku-4-5", max_tokens=50, messages=MSG) as s:
                    return await s.get_final_message()
            final = asyncio.run(go())
            [e] = token_usage.records
            assert e.complete and e.cost == price(final.model, final.usage)

        def test_early_abort(claude, token_usage):
            stream = claude.messages.create(model="claude-haiku-4-5", max_tokens=500, messages=MSG, stream=True)
            for event in stream:
                break
            stream.close()
            [e] = token_usage.records
            assert e.streamed and not e.complete and e.incomplete_stream
            # what was seen is priced; the budget is charged the worst case (output up to max_tokens)
            assert e.charged.output_tokens == 500
            assert not token_usage.totals.complete

        def test_retries(fake_llm_server, token_usage):
            import anthropic
            fake_llm_server.fail = [529, 500]
            c = anthropic.Anthropic(base_url=fake_llm_server.url, api_key="x", max_retries=2)
            r = c.messages.create(model="claude-haiku-4-5", max_tokens=50, messages=MSG)
            assert [e.status for e in token_usage.records] == [529, 500, 200]
            assert [e.attempt for e in token_usage.records] == [0, 1, 2]
            assert token_usage.calls == 3 and token_usage.totals.errors == 2
            assert token_usage.cost_usd == price(r.model, r.usage).total_usd
            assert token_usage.totals.complete  # failed attempts carry no usage: not "unknown"

        def test_threads_and_gather(claude, aclaude, token_usage):
            threads = [threading.Thread(target=claude.messages.create,
                                        kwargs=dict(model="claude-haiku-4-5", max_tokens=20, messages=MSG))
                       for _ in range(6)]
            for t in threads: t.start()
            for t in threads: t.join()
            async def many():
                await asyncio.gather(*(aclaude.messages.create(model="claude-haiku-4-5", max_tokens=20, messages=MSG)
                                       for _ in range(5)))
            asyncio.run(many())
            assert token_usage.calls == 11
            assert token_usage.cost_usd == 11 * price("claude-haiku-4-5", {"input_tokens": 17, "output_tokens": 7}).total_usd

        def test_openai_create(oai, fake_llm_server, token_usage):
            fake_llm_server.set_usage(input=100, cache_read=50, output=20)
            r = oai.chat.completions.create(model="claude-haiku-4-5", max_completion_tokens=60,
                                            messages=MSG)
            [e] = token_usage.records
            assert e.api == "openai" and e.max_tokens == 60
            assert e.cost == price(r.model, r.usage.model_dump())
            assert (token_usage.input_tokens, token_usage.cache_read_tokens) == (100, 50)

        def test_openai_stream_include_usage(oai, token_usage):
            chunks = list(oai.chat.completions.create(model="claude-haiku-4-5", max_tokens=60, messages=MSG,
                                                      stream=True, stream_options={"include_usage": True}))
            [e] = token_usage.records
            assert e.complete and not e.usage_unknown
            assert e.cost == price("claude-haiku-4-5", chunks[-1].usage.model_dump())

        def test_openai_stream_without_usage(oai, token_usage):
            list(oai.chat.completions.create(model="claude-haiku-4-5", max_tokens=60, messages=MSG, stream=True))
            [e] = token_usage.records
            assert e.usage_unknown and e.usage is None and e.cost is None
            assert token_usage.calls == 1 and token_usage.output_tokens == 0
            assert e.charged.output_tokens == 60  # charged the worst case, never 0
            assert not token_usage.totals.complete
    ''')
    result = run(inner, "--token-budget", "--token-budget-top=3")
    result.assert_outcomes(passed=11)
    out = result.stdout.str()
    assert "= token budget =" in out
    assert "incomplete streams: 1 call" in out
    assert "usage unknown: 1 call (1 OpenAI stream(s) without stream_options" in out
    assert "failed attempts: 2 calls" in out
    result.stdout.fnmatch_lines(["*3 most expensive tests:*", "*test_calls.py::test_sync_create*",
                                 "*cheaper tests hidden: --token-budget-top=0 or tokenbudget report --top 0 shows all)"])


def test_calls_in_fixtures_are_attributed_to_the_phase(inner):
    inner.makepyfile(test_phases='''
        import pytest
        from conftest import MSG

        @pytest.fixture
        def warm(claude):
            claude.messages.create(model="claude-haiku-4-5", max_tokens=5, messages=MSG)
            yield
            claude.messages.create(model="claude-haiku-4-5", max_tokens=6, messages=MSG)

        def test_one(warm, claude, token_usage):
            claude.messages.create(model="claude-haiku-4-5", max_tokens=7, messages=MSG)
            assert [(e.phase, e.max_tokens) for e in token_usage.records] == [("setup", 5), ("call", 7)]

        def test_two(token_usage):
            assert token_usage.calls == 0
    ''')
    result = run(inner, "--token-budget", "--token-budget-top=0")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*all tests by cost:*", "*3 calls*test_phases.py::test_one*"])


def test_classic_httpx_client(inner):
    """A raw call through classic httpx (what older SDKs use) is seen and priced."""
    inner.makepyfile(test_httpx='''
        import httpx
        from pytest_tokenbudget import price

        def test_raw(fake_llm_server, token_usage):
            with httpx.Client(base_url=fake_llm_server.url) as c:
                r = c.post("/v1/messages", json={"model": "claude-haiku-4-5", "max_tokens": 10,
                                                 "messages": [{"role": "user", "content": "x"}]})
            [e] = token_usage.records
            assert e.attempt is None and e.cost == price("claude-haiku-4-5", r.json()["usage"])
    ''')
    run(inner, "--token-budget").assert_outcomes(passed=1)


def test_broken_usage_and_streams_are_flagged_not_zeroed(inner):
    inner.makepyfile(test_broken='''
        import anthropic, pytest
        from pytest_tokenbudget import price
        from conftest import MSG

        def test_missing_usage(claude, fake_llm_server, token_usage):
            fake_llm_server.fault = "missing-usage"
            claude.messages.create(model="claude-haiku-4-5", max_tokens=40, messages=MSG)
            [e] = token_usage.records
            assert e.usage_unknown and e.cost is None and e.charged.output_tokens == 40

        def test_bad_usage(oai, fake_llm_server, token_usage):
            fake_llm_server.fault = "bad-usage"
            oai.chat.completions.create(model="claude-haiku-4-5", max_tokens=40, messages=MSG)
            [e] = token_usage.records
            assert e.usage_unknown and "usage could not be read" in e.error

        def test_gzip_stream(claude, fake_llm_server, token_usage):
            fake_llm_server.gzip = True
            fake_llm_server.set_usage(input=30, output=12, cache_read=100)
            with claude.messages.stream(model="claude-haiku-4-5", max_tokens=40, messages=MSG) as s:
                final = s.get_final_message()
            [e] = token_usage.records
            assert e.complete and e.cost == price(final.model, final.usage)

        def test_stream_error_event(claude, fake_llm_server, token_usage):
            fake_llm_server.fault = "stream-error"
            with pytest.raises(anthropic.APIStatusError):
                with claude.messages.stream(model="claude-haiku-4-5", max_tokens=40, messages=MSG) as s:
                    s.get_final_message()
            [e] = token_usage.records
            assert e.incomplete_stream and e.charged.output_tokens == 40
    ''')
    result = run(inner, "--token-budget")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["*incomplete streams: 1 call*", "*usage unknown: 2 calls;*"])
