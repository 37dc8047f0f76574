"""Concurrency at the plugin level (issue 8): 50 threads and 200 asyncio tasks calling inside one
test, and budgets raced by them.

- Every call is recorded once, attributed to its test, and the totals are exact: the count
  matches what the fake server received, tokens and cost are 250 x the configured usage x price.
- A ``calls`` cap raced by 50 threads lets exactly that many calls through.
- A budget under concurrency: pre-flight reserves each call's worst case, so while calls cost no
  more than their worst case the cap is never exceeded, whatever the interleaving. When the API
  reports more than the worst case (input above the estimate), the overspend is bounded by what
  the calls in flight when the cap was reached exceeded their reservations:
  ``spent <= cap + peak_in_flight x max(actual - reserved)``, with the peak measured by the test.

(The capture layer's own 50-thread / 200-task test is in tests/capture/; this one goes through the
ledger, the budgets and the JSON report.)
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from conftest import run

from pytest_tokenbudget import price

INNER = '''
import asyncio, json, threading
import anthropic, pytest
from pytest_tokenbudget import TokenBudgetExceeded
from conftest import MSG

MODEL = "claude-haiku-4-5"


def test_every_call_once(fake_llm_server, token_usage):
    fake_llm_server.set_usage(input=1000, output=100, cache_read=2000, cache_write_5m=300)
    client = anthropic.Anthropic(base_url=fake_llm_server.url, api_key="sk-test", max_retries=0)
    errors = []

    def work(i):
        try:
            if i % 2:
                client.messages.create(model=MODEL, max_tokens=200 + i, messages=MSG)
            else:
                with client.messages.stream(model=MODEL, max_tokens=200 + i, messages=MSG) as s:
                    s.until_done()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    async def main():
        async with anthropic.AsyncAnthropic(base_url=fake_llm_server.url, api_key="sk-test", max_retries=0) as c:
            async def one(i):
                if i % 2:
                    return await c.messages.create(model=MODEL, max_tokens=1000 + i, messages=MSG)
                async with c.messages.stream(model=MODEL, max_tokens=1000 + i, messages=MSG) as s:
                    return await s.get_final_message()
            return await asyncio.gather(*(one(i) for i in range(200)))

    asyncio.run(main())
    assert not errors
    assert fake_llm_server.request_count == 250
    assert token_usage.calls == 250 and len(token_usage.records) == 250


class Peak:
    """Calls in flight (started, not finished), and the most there ever were."""
    def __init__(self):
        self.lock = threading.Lock()
        self.now = self.peak = self.sent = self.refused = 0

    def __enter__(self):
        with self.lock:
            self.now += 1
            self.peak = max(self.peak, self.now)

    def __exit__(self, *exc):
        with self.lock:
            self.now -= 1
            if exc[0] is None:
                self.sent += 1
            elif issubclass(exc[0], TokenBudgetExceeded):
                self.refused += 1

    def save(self, name, server):
        with open(f"peak-{name}.json", "w") as f:
            json.dump({"peak": self.peak, "sent": self.sent, "refused": self.refused,
                       "received": server.request_count}, f)


def race_threads(server, peak, n=50):
    client = anthropic.Anthropic(base_url=server.url, api_key="sk-test", max_retries=0)

    def work():
        while True:
            try:
                with peak:
                    client.messages.create(model=MODEL, max_tokens=50, messages=MSG)
            except TokenBudgetExceeded:
                return

    threads = [threading.Thread(target=work) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def race_tasks(server, peak, n=200, width=20):
    async def main():
        gate = asyncio.Semaphore(width)
        async with anthropic.AsyncAnthropic(base_url=server.url, api_key="sk-test", max_retries=0) as c:
            async def one():
                async with gate:
                    try:
                        with peak:
                            await c.messages.create(model=MODEL, max_tokens=50, messages=MSG)
                    except TokenBudgetExceeded:
                        pass
            await asyncio.gather(*(one() for _ in range(n)))
    asyncio.run(main())


# 1 input + 50 output tokens: never more than the worst case (estimate + max_tokens): no overspend
@pytest.mark.token_budget(usd="0.01")
def test_cap_threads_within_worst_case(fake_llm_server):
    fake_llm_server.set_usage(input=1, output=50)
    peak = Peak()
    race_threads(fake_llm_server, peak)
    peak.save("threads-within", fake_llm_server)


@pytest.mark.token_budget(usd="0.01")
def test_cap_tasks_within_worst_case(fake_llm_server):
    fake_llm_server.set_usage(input=1, output=50)
    peak = Peak()
    race_tasks(fake_llm_server, peak)
    peak.save("tasks-within", fake_llm_server)


@pytest.mark.token_budget(calls=37)
def test_call_cap_threads_exact(fake_llm_server):
    peak = Peak()
    race_threads(fake_llm_server, peak)
    peak.save("threads-calls", fake_llm_server)
    assert (peak.sent, peak.refused, fake_llm_server.request_count) == (37, 50, 37)


# 400 input tokens, far above the estimate of the 2-word prompt: each call costs more than it reserved
@pytest.mark.token_budget(usd="0.03")
def test_cap_threads_above_worst_case(fake_llm_server):
    fake_llm_server.set_usage(input=400, output=50)
    peak = Peak()
    race_threads(fake_llm_server, peak)
    peak.save("threads-above", fake_llm_server)


@pytest.mark.token_budget(usd="0.03")
def test_cap_tasks_above_worst_case(fake_llm_server):
    fake_llm_server.set_usage(input=400, output=50)
    peak = Peak()
    race_tasks(fake_llm_server, peak)
    peak.save("tasks-above", fake_llm_server)
'''

CAPS = {"threads-within": Decimal("0.01"), "tasks-within": Decimal("0.01"), "threads-above": Decimal("0.03"),
        "tasks-above": Decimal("0.03")}


def _tests(report):
    return {t["nodeid"].split("::")[1]: t for t in report["tests"]}


@pytest.mark.slow
def test_fifty_threads_two_hundred_tasks_and_capped_races(inner):
    inner.makepyfile(test_conc=INNER)
    result = run(inner, "--token-budget", "--token-budget-json=report.json", "-p", "no:xdist")
    out = result.stdout.str()
    assert "INTERNALERROR" not in out and "plugin error" not in out
    # the over-budget races fail their test (an overrun is a failure), the rest pass
    result.assert_outcomes(passed=4, failed=2)
    report = json.loads((inner.path / "report.json").read_text())
    tests = _tests(report)

    # -- 50 threads + 200 tasks: every call recorded once, totals exact --------------------------
    every = tests["test_every_call_once"]
    assert every["outcome"] == "passed"
    calls = every["calls"]
    assert len(calls) == 250 and len({c["seq"] for c in calls}) == 250
    assert sorted(c["max_tokens"] for c in calls) == sorted([200 + i for i in range(50)] +
                                                            [1000 + i for i in range(200)])
    assert all(c["complete"] and c["status"] == 200 and c["phase"] == "call" and not c["flags"][1:]
               for c in calls)
    assert sum(c["streamed"] for c in calls) == 125
    usage = {"input_tokens": 1000, "output_tokens": 100, "cache_read_input_tokens": 2000,
             "cache_creation_input_tokens": 300,
             "cache_creation": {"ephemeral_5m_input_tokens": 300, "ephemeral_1h_input_tokens": 0}}
    one = price("claude-haiku-4-5", usage).total_usd
    live = every["live"]
    assert (live["calls"], live["input_tokens"], live["cache_read_tokens"], live["cache_write_tokens"],
            live["output_tokens"]) == (250, 250 * 1000, 250 * 2000, 250 * 300, 250 * 100)
    assert Decimal(live["cost_usd"]) == 250 * one and live["complete"]
    assert all(Decimal(c["cost_usd"]) == one == Decimal(c["charged"]["usd"]) for c in calls)

    # -- a calls cap raced by 50 threads: exactly 37 calls, never 38 ----------------------------------
    capped = tests["test_call_cap_threads_exact"]
    assert capped["outcome"] == "passed" and capped["live"]["calls"] == 37 and capped["live"]["refused"] == 50

    # -- capped races: overspend bounded by the calls in flight -----------------------------------
    for name, cap in CAPS.items():
        kind, _, variant = name.partition("-")
        test = tests[f"test_cap_{kind}_{variant}_worst_case"]
        peak = json.loads((inner.path / f"peak-{name}.json").read_text())
        sent = [c for c in test["calls"] if not c["refused"]]
        refused = [c for c in test["calls"] if c["refused"]]
        # every attempt recorded once; nothing refused was sent
        assert len(sent) == peak["sent"] == peak["received"], (name, peak)
        assert len(refused) == peak["refused"] == test["live"]["refused"]
        assert len(refused) == (50 if kind == "threads" else 200 - len(sent))
        spent = sum(Decimal(c["charged"]["usd"]) for c in sent)
        assert spent == Decimal(test["charged"]["usd"])
        excess = max(Decimal(c["cost_usd"]) - Decimal(c["worst"]["usd"]) for c in sent)
        assert peak["peak"] <= (50 if kind == "threads" else 20)
        if variant == "within":
            assert excess <= 0
            assert spent <= cap, (name, spent)  # no race lets spend pass the cap
            assert test["outcome"] == "passed"
        else:
            assert excess > 0
            bound = cap + peak["peak"] * excess
            assert spent <= bound, (name, spent, bound, peak)
            if kind == "tasks":  # the bound means something: far more calls were made than were ever in flight
                assert len(sent) > 2 * peak["peak"]
            assert spent > cap and test["over_budget"] and test["outcome"] == "failed"
