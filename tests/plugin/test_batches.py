"""Message Batches: results retrieval is observed (sync, async, streamed or read at once), each
succeeded request priced at the batch rate (50%) from its usage and charged to the test that
retrieves the results; ``batches.create`` reserves the batch's worst case and costs nothing itself;
the report shows batch spend apart; an over-budget batch fails its test."""

from __future__ import annotations

import json
from textwrap import dedent

from conftest import run

BATCH = '''
import asyncio, pytest
from decimal import Decimal
from pytest_tokenbudget import price

def requests(n, max_tokens=100):
    return [{"custom_id": f"r{i}", "params": {"model": "claude-haiku-4-5", "max_tokens": max_tokens,
             "messages": [{"role": "user", "content": "Say hi"}]}} for i in range(n)]

requests_ = requests

def standard(u):  # what one request costs outside a batch
    return price("claude-haiku-4-5", {"input_tokens": u[0], "output_tokens": u[1]}, batch=False).total_usd
'''


def test_results_priced_at_the_batch_rate_sync_and_async(inner):
    inner.makepyfile(test_b=BATCH + dedent('''
        def test_sync(claude, fake_llm_server, token_usage):
            fake_llm_server.set_usage(input=1000, output=200)
            batch = claude.messages.batches.create(requests=requests(3))
            assert token_usage.cost_usd == 0 and token_usage.calls == 0   # creating costs nothing
            got = list(claude.messages.batches.results(batch.id))
            assert [r.result.type for r in got] == ["succeeded"] * 3
            billed = [e for e in token_usage.records if e.endpoint == "messages"]
            assert len(billed) == 3 and all(e.batch for e in billed)
            for e, r in zip(billed, got):
                assert e.cost == price(r.result.message.model, r.result.message.usage)  # service_tier batch
                assert e.cost_usd == standard((1000, 200)) / 2
            assert token_usage.calls == 3
            assert token_usage.cost_usd == 3 * standard((1000, 200)) / 2
            # read twice: billed once
            list(claude.messages.batches.results(batch.id))
            assert token_usage.calls == 3

        def test_async(aclaude, fake_llm_server, token_usage):
            fake_llm_server.set_usage(input=40, output=10)
            async def go():
                batch = await aclaude.messages.batches.create(requests=requests(2))
                await aclaude.messages.batches.retrieve(batch.id)
                return [r async for r in await aclaude.messages.batches.results(batch.id)]
            got = asyncio.run(go())
            assert len(got) == 2
            assert token_usage.calls == 2
            assert token_usage.cost_usd == 2 * standard((40, 10)) / 2

        def test_read_at_once_with_raw_httpx(fake_llm_server, claude, token_usage):
            import httpx2
            batch = claude.messages.batches.create(requests=requests(2))
            body = httpx2.get(f"{fake_llm_server.url}/v1/messages/batches/{batch.id}/results").content
            assert body.count(b"\\n") == 2
            assert token_usage.calls == 2
            assert token_usage.cost_usd == 2 * standard((17, 7)) / 2

        def test_requests_streamed_in_small_chunks(fake_llm_server, claude, token_usage):
            import requests
            batch = claude.messages.batches.create(requests=requests_(3))
            r = requests.get(f"{fake_llm_server.url}/v1/messages/batches/{batch.id}/results", stream=True)
            assert len(b"".join(r.iter_content(chunk_size=7)).splitlines()) == 3
            r.close()
            assert token_usage.calls == 3
            assert token_usage.cost_usd == 3 * standard((17, 7)) / 2
    '''))
    run(inner, "--token-budget", "-p", "no:randomly").assert_outcomes(passed=4)


def test_charged_to_the_retrieving_test_and_reported_apart(inner, tmp_path):
    inner.makepyfile(test_b=BATCH + dedent('''
        IDS = []

        def test_create(claude, token_usage):
            IDS.append(claude.messages.batches.create(requests=requests(4)).id)
            assert token_usage.cost_usd == 0

        def test_retrieve(claude, token_usage):
            assert len(list(claude.messages.batches.results(IDS[0]))) == 4
            assert token_usage.calls == 4
            assert token_usage.cost_usd == 4 * standard((17, 7)) / 2
    '''))
    path = tmp_path / "r.json"
    result = run(inner, "--token-budget", f"--token-budget-json={path}", "-p", "no:randomly")
    result.assert_outcomes(passed=2)
    from decimal import Decimal
    from pytest_tokenbudget import price
    each = price("claude-haiku-4-5", {"input_tokens": 17, "output_tokens": 7}, batch=True).total_usd
    from pytest_tokenbudget.core.money import format_usd
    result.stdout.fnmatch_lines([f"*batch (Message Batches*1 batch created, 4 results billed at the batch rate, "
                                 f"cost {format_usd(4 * each)}*"])
    report = json.loads(path.read_text())
    tests = {t["nodeid"].split("::")[-1]: t for t in report["tests"]}
    assert Decimal(tests["test_create"]["cost_usd"]) == 0
    assert Decimal(tests["test_retrieve"]["cost_usd"]) == 4 * each
    billed = [c for c in tests["test_retrieve"]["calls"] if c["endpoint"] == "messages"]
    assert len(billed) == 4 and all(c["batch"] and "batch" in c["flags"] for c in billed)
    [create] = tests["test_create"]["calls"]
    assert create["batch"] and create["endpoint"] == "batches" and Decimal(create["charged"]["usd"]) == 0


def test_create_reserves_the_worst_case(inner):
    inner.makepyfile(test_b=BATCH + dedent('''
        from pytest_tokenbudget import TokenBudgetExceeded

        @pytest.mark.token_budget(usd=0.01)
        def test_worst_case_over_budget_is_refused(claude, fake_llm_server):
            # 3 requests x 4000 output tokens at $5/M x 50% = $0.03 worst case > $0.01
            with pytest.raises(TokenBudgetExceeded, match="refused before sending"):
                claude.messages.batches.create(requests=requests(3, max_tokens=4000))
            assert fake_llm_server.count("/v1/messages/batches") == 0

        @pytest.mark.token_budget(usd=0.01)
        def test_reservation_held_until_results(claude, fake_llm_server):
            # each batch's worst case ~$0.006: the second does not fit while the first is in flight
            first = claude.messages.batches.create(requests=requests(1, max_tokens=2400))
            with pytest.raises(TokenBudgetExceeded, match="in flight"):
                claude.messages.batches.create(requests=requests(1, max_tokens=2400))
            list(claude.messages.batches.results(first.id))   # settled at its real (tiny) cost
            claude.messages.batches.create(requests=requests(1, max_tokens=2400))
    '''))
    run(inner, "--token-budget", "-p", "no:randomly").assert_outcomes(passed=2)


def test_over_budget_batch_fails_its_test(inner):
    inner.makepyfile(test_b=BATCH + dedent('''
        @pytest.mark.token_budget(usd=0.001)
        def test_over(claude, fake_llm_server):
            fake_llm_server.set_usage(input=100000, output=100)   # $0.05 each at the batch rate
            batch = claude.messages.batches.create(requests=requests(1, max_tokens=100))  # worst case is small
            list(claude.messages.batches.results(batch.id))
    '''))
    result = run(inner, "--token-budget", "-p", "no:randomly")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*token budget of test_b.py::test_over exceeded: spent $0.0502 of a $0.001 budget*",
                                 "*$0.0502 claude-haiku-4-5 ?call? in=100,000*(batch)",
                                 "*batches.create*", "*batches.results*"])
