"""Refusal, concurrency, and faults: the caller sees exactly what it would without capture."""

from __future__ import annotations

import asyncio
import gc
import re
import threading

import anthropic
import httpx
import openai
import pytest

from pytest_tokenbudget.plugin import capture
from pytest_tokenbudget.core.errors import TokenBudgetExceeded
from pytest_tokenbudget.testing import UNKNOWN_MODEL

from .conftest import MSG, Recorder

MODEL = "claude-haiku-4-5"


# -- refusal ---------------------------------------------------------------------------------------

def test_refusal_sync_nothing_sent_no_retry(recorder, fake_llm_server):
    recorder.refuse = lambda req: True
    client = anthropic.Anthropic(base_url=fake_llm_server.url, api_key="k", max_retries=3)
    with pytest.raises(TokenBudgetExceeded) as info:
        client.messages.create(model=MODEL, max_tokens=16000, messages=MSG)
    assert type(info.value) is TokenBudgetExceeded and info.value.refused
    assert fake_llm_server.request_count == 0
    assert len(recorder.requests) == 1  # not retried
    rec = recorder.last
    assert rec.refused and rec.status is None and rec.usage is None and rec.request.max_tokens == 16000
    assert recorder.tokens == [None]


def test_refusal_stream_async_openai_classic(recorder, fake_llm_server):
    recorder.refuse = lambda req: True
    client = anthropic.Anthropic(base_url=fake_llm_server.url, api_key="k")
    with pytest.raises(TokenBudgetExceeded):
        with client.messages.stream(model=MODEL, max_tokens=10, messages=MSG) as s:
            s.until_done()

    async def main():
        async with anthropic.AsyncAnthropic(base_url=fake_llm_server.url, api_key="k") as c:
            await c.messages.create(model=MODEL, max_tokens=10, messages=MSG)

    with pytest.raises(TokenBudgetExceeded):
        asyncio.run(main())
    with pytest.raises(TokenBudgetExceeded):
        openai.OpenAI(base_url=fake_llm_server.openai_url, api_key="k").chat.completions.create(model="gpt-4o", messages=MSG)
    with pytest.raises(TokenBudgetExceeded), httpx.Client() as c:
        c.post(fake_llm_server.url + "/v1/messages", json={"model": MODEL, "max_tokens": 1})
    assert fake_llm_server.request_count == 0
    assert len(recorder.records) == 4 and all(r.refused for r in recorder.records)


def test_refusal_of_some_calls_only(recorder, fake_llm_server):
    recorder.refuse = lambda req: req.max_tokens > 100
    client = anthropic.Anthropic(base_url=fake_llm_server.url, api_key="k")
    client.messages.create(model=MODEL, max_tokens=50, messages=MSG)
    with pytest.raises(TokenBudgetExceeded):
        client.messages.create(model=MODEL, max_tokens=500, messages=MSG)
    client.messages.create(model=MODEL, max_tokens=50, messages=MSG)
    assert fake_llm_server.request_count == 2
    assert [r.refused for r in recorder.records] == [False, True, False]


# -- concurrency -----------------------------------------------------------------------------------

def test_cancelled_stream_recorded_once(recorder, fake_llm_server):
    fake_llm_server.fault = "stall"
    fake_llm_server.stall_ms = 600

    async def main():
        async with anthropic.AsyncAnthropic(base_url=fake_llm_server.url, api_key="k") as c:
            async def consume():
                async with c.messages.stream(model=MODEL, max_tokens=10, messages=MSG) as s:
                    await s.until_done()
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(consume(), 0.2)

    asyncio.run(main())
    gc.collect()
    assert len(recorder.records) == 1
    rec = recorder.last
    assert not rec.complete and rec.usage["output_tokens"] == 1 and "Cancelled" in rec.error


def test_threads_and_gather_all_recorded_once(recorder, fake_llm_server):
    client = anthropic.Anthropic(base_url=fake_llm_server.url, api_key="k")
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            if i % 2:
                client.messages.create(model=MODEL, max_tokens=10 + i, messages=MSG)
            else:
                with client.messages.stream(model=MODEL, max_tokens=10 + i, messages=MSG) as s:
                    s.until_done()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    async def main():
        async with anthropic.AsyncAnthropic(base_url=fake_llm_server.url, api_key="k") as c:
            async def one(i: int):
                if i % 2:
                    return await c.messages.create(model=MODEL, max_tokens=100 + i, messages=MSG)
                async with c.messages.stream(model=MODEL, max_tokens=100 + i, messages=MSG) as s:
                    return await s.get_final_message()
            return await asyncio.gather(*(one(i) for i in range(200)))

    asyncio.run(main())
    gc.collect()
    assert not errors
    assert len(recorder.records) == 250 == fake_llm_server.request_count == len(recorder.requests)
    assert sorted(recorder.tokens) == list(range(1, 251))  # each attempt delivered exactly once
    assert sorted(r.request.max_tokens for r in recorder.records) == sorted(
        [10 + i for i in range(50)] + [100 + i for i in range(200)])
    assert all(r.complete and r.usage["output_tokens"] == 7 for r in recorder.records)
    assert len(set(recorder.threads)) >= 51  # 50 worker threads + the event loop's


# -- faults: same outcome for the caller, honest record -------------------------------------------

_IDS = re.compile(r"(req|msg|chatcmpl|resp)_?fake_?[0-9a-f]+")


def _norm(text: str) -> str:
    return _IDS.sub("<id>", text)


def _outcome(fn):
    try:
        return ("ok", fn())
    except BaseException as exc:  # noqa: BLE001 - comparing exactly what the caller sees
        return ("raised", type(exc).__module__ + "." + type(exc).__qualname__, _norm(str(exc)))


def _anthropic_create(url, fault, **kw):
    c = anthropic.Anthropic(base_url=url, api_key="k", max_retries=0, timeout=kw.pop("timeout", 10))
    msg = c.messages.create(model=MODEL, max_tokens=10, messages=MSG, extra_headers={"x-fake-fault": fault} if fault else None)
    return msg.content[0].text, msg.model


def _anthropic_stream(url, fault, **kw):
    c = anthropic.Anthropic(base_url=url, api_key="k", max_retries=0, timeout=kw.pop("timeout", 10))
    with c.messages.stream(model=MODEL, max_tokens=10, messages=MSG,
                           extra_headers={"x-fake-fault": fault} if fault else None) as s:
        return list(s.text_stream)


def _openai_stream(url, fault, **kw):
    c = openai.OpenAI(base_url=url + "/v1", api_key="k", max_retries=0, timeout=kw.pop("timeout", 10))
    chunks = c.chat.completions.create(model="gpt-4o", messages=MSG, stream=True,
                                       stream_options={"include_usage": True},
                                       extra_headers={"x-fake-fault": fault} if fault else None)
    return [ch.choices[0].delta.content if ch.choices else None for ch in chunks]


CASES = [
    # (id, call, fault, kwargs, check(record))
    ("create", _anthropic_create, None, {}, lambda r: r.complete and r.usage["output_tokens"] == 7),
    ("stream", _anthropic_stream, None, {}, lambda r: r.complete and r.streamed),
    ("stream-error", _anthropic_stream, "stream-error", {},
     lambda r: r.status == 200 and not r.complete and r.error.startswith("overloaded_error")
     and r.usage["output_tokens"] == 1),
    ("html-502", _anthropic_create, "html-502", {},
     lambda r: r.status == 502 and r.usage is None and r.error == "HTTP 502 (body is not JSON)"),
    ("html-502-stream", _anthropic_stream, "html-502", {}, lambda r: r.status == 502 and r.usage is None),
    ("truncated-json", _anthropic_create, "truncated-json", {},
     lambda r: r.status == 200 and not r.complete and r.usage is None and "unparseable" in r.error),
    ("sse-cut", _anthropic_stream, "sse-cut", {},
     lambda r: not r.complete and r.error and r.usage["input_tokens"] == 17),
    ("reset", _anthropic_create, "reset", {}, lambda r: r.status is None and r.error and not r.complete),
    ("stall-json", _anthropic_create, "stall", {"timeout": 0.3},
     lambda r: r.status is None and "Timeout" in r.error),
    ("stall-stream", _anthropic_stream, "stall", {"timeout": 0.3},
     lambda r: r.status == 200 and not r.complete and "Timeout" in r.error and r.usage["output_tokens"] == 1),
    ("missing-usage", _anthropic_create, "missing-usage", {}, lambda r: r.usage is None and r.complete),
    # the SDK itself fails on a message_delta without usage; the record says "unknown", not 0
    ("missing-usage-stream", _anthropic_stream, "missing-usage", {}, lambda r: r.usage is None and not r.complete),
    ("unknown-model", _anthropic_create, "unknown-model", {}, lambda r: r.response_model == UNKNOWN_MODEL),
    ("bad-usage", _anthropic_create, "bad-usage", {}, lambda r: r.usage["input_tokens"] == -5),
    ("gzip-garbage", _anthropic_create, "gzip-garbage", {},
     lambda r: r.usage is None and not r.complete and ("Decoding" in r.error and r.status is None  # httpx: in send()
                                                       or "decompress" in r.error and r.status == 200)),  # httpx2: after
    ("gzip-garbage-stream", _anthropic_stream, "gzip-garbage", {},
     lambda r: r.status == 200 and not r.complete and r.usage is None and r.error),
    ("openai-stream", _openai_stream, None, {}, lambda r: r.complete and r.usage["completion_tokens"] == 7),
    ("openai-stream-error", _openai_stream, "stream-error", {}, lambda r: not r.complete and r.error),
    ("openai-sse-cut", _openai_stream, "sse-cut", {}, lambda r: not r.complete and r.usage is None),
]


@pytest.mark.parametrize("name,call,fault,kwargs,check", CASES, ids=[c[0] for c in CASES])
def test_caller_sees_the_same_and_record_is_honest(fake_llm_server, name, call, fault, kwargs, check):
    fake_llm_server.stall_ms = 600
    without = _outcome(lambda: call(fake_llm_server.url, fault, **dict(kwargs)))
    rec = Recorder()
    capture.install(rec)
    try:
        with_capture = _outcome(lambda: call(fake_llm_server.url, fault, **dict(kwargs)))
    finally:
        capture.uninstall()
    gc.collect()
    assert with_capture == without
    assert len(rec.records) == 1, rec.records
    assert check(rec.records[0]), rec.records[0]


def test_gzip_fault_stream_errors_the_same(fake_llm_server):
    """Garbage after a valid gzip header: the observer stops, the caller's error is unchanged."""
    fake_llm_server.gzip = True
    out = _outcome(lambda: _anthropic_stream(fake_llm_server.url, "sse-cut"))
    rec = Recorder()
    capture.install(rec)
    try:
        assert _outcome(lambda: _anthropic_stream(fake_llm_server.url, "sse-cut")) == out
    finally:
        capture.uninstall()
    assert len(rec.records) == 1 and not rec.records[0].complete
