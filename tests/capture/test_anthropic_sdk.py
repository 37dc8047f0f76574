"""The real anthropic 2.x SDK against the fake server: every attempt recorded once, usage exact."""

from __future__ import annotations

import asyncio
import gc
import re
import time

import anthropic
import pytest

from .conftest import MSG

MODEL = "claude-haiku-4-5"
CACHE_USAGE = dict(input=17, output=7, cache_read=3400, cache_write_5m=1000, cache_write_1h=200)


@pytest.fixture
def server(fake_llm_server):
    fake_llm_server.set_usage(**CACHE_USAGE)
    fake_llm_server.model = "claude-haiku-4-5-20251001"
    return fake_llm_server


@pytest.fixture
def client(server):
    with anthropic.Anthropic(base_url=server.url, api_key="sk-ant-secret-key") as c:
        yield c


def dump(usage) -> dict:
    return usage.model_dump(exclude_none=True)


def test_sync_create_usage_exact(recorder, client, server):
    msg = client.messages.create(model=MODEL, max_tokens=64, messages=MSG)
    assert len(recorder.records) == 1
    rec = recorder.last
    assert rec.usage == dump(msg.usage)
    assert rec.usage["cache_creation"] == {"ephemeral_5m_input_tokens": 1000, "ephemeral_1h_input_tokens": 200}
    assert rec.status == 200 and rec.complete and not rec.streamed and rec.live and rec.error is None
    assert rec.response_model == "claude-haiku-4-5-20251001"
    req = rec.request
    assert (req.api, req.endpoint, req.model, req.max_tokens, req.stream, req.attempt) == (
        "anthropic", "messages", MODEL, 64, False, 0)
    assert req.url == f"{server.url}/v1/messages"
    assert req.input_estimate and req.input_estimate > 0
    assert req.body["messages"] == MSG
    assert recorder.tokens == [1]
    assert "sk-ant-secret-key" not in repr(rec) + repr(req.body)


def test_async_create_usage_exact(recorder, server):
    async def main():
        async with anthropic.AsyncAnthropic(base_url=server.url, api_key="k") as c:
            return await c.messages.create(model=MODEL, max_tokens=32, messages=MSG)

    msg = asyncio.run(main())
    assert len(recorder.records) == 1
    assert recorder.last.usage == dump(msg.usage) and recorder.last.complete


def test_messages_stream_usage_exact(recorder, client):
    with client.messages.stream(model=MODEL, max_tokens=64, messages=MSG) as stream:
        text = stream.get_final_text()
        final = stream.get_final_message()
    assert text == "the quick brown fox jumps over the lazy dog"
    assert len(recorder.records) == 1
    rec = recorder.last
    assert rec.usage == dump(final.usage)
    assert rec.streamed and rec.complete and rec.request.stream and rec.error is None
    assert rec.response_model == "claude-haiku-4-5-20251001"
    assert rec.events == 15  # start, block start, ping, 9 deltas, block stop, message delta, stop


def test_create_stream_true_merges_start_and_delta(recorder, client):
    events = list(client.messages.create(model=MODEL, max_tokens=64, messages=MSG, stream=True))
    start = events[0].message.usage
    delta = [e for e in events if e.type == "message_delta"][-1].usage
    rec = recorder.last
    assert len(recorder.records) == 1 and rec.complete
    assert rec.usage["output_tokens"] == delta.output_tokens == 7
    assert rec.usage["cache_read_input_tokens"] == start.cache_read_input_tokens == 3400
    assert rec.usage["service_tier"] == "standard"
    assert rec.usage["cache_creation"] == dump(start)["cache_creation"]


def test_async_stream_and_create_stream(recorder, server):
    async def main():
        async with anthropic.AsyncAnthropic(base_url=server.url, api_key="k") as c:
            async with c.messages.stream(model=MODEL, max_tokens=64, messages=MSG) as s:
                final = await s.get_final_message()
            events = [e async for e in await c.messages.create(model=MODEL, max_tokens=64, messages=MSG, stream=True)]
            return final, events

    final, events = asyncio.run(main())
    assert events[-1].type == "message_stop"
    assert len(recorder.records) == 2
    assert all(r.complete and r.streamed for r in recorder.records)
    assert recorder.records[0].usage == dump(final.usage)


def test_early_abort_records_partial_once(recorder, client):
    stream = client.messages.create(model=MODEL, max_tokens=64, messages=MSG, stream=True)
    for event in stream:
        if event.type == "content_block_delta":
            break
    stream.close()
    gc.collect()
    assert len(recorder.records) == 1
    rec = recorder.last
    assert not rec.complete and rec.streamed
    assert rec.usage["output_tokens"] == 1  # only message_start was seen
    assert rec.usage["cache_read_input_tokens"] == 3400
    assert 1 <= rec.events < 15


def test_messages_stream_context_exit_early(recorder, client):
    with client.messages.stream(model=MODEL, max_tokens=64, messages=MSG) as stream:
        for _ in stream.text_stream:
            break
    gc.collect()
    assert len(recorder.records) == 1 and not recorder.last.complete


def test_async_early_abort(recorder, server):
    async def main():
        async with anthropic.AsyncAnthropic(base_url=server.url, api_key="k") as c:
            stream = await c.messages.create(model=MODEL, max_tokens=64, messages=MSG, stream=True)
            async for event in stream:
                if event.type == "content_block_delta":
                    break
            await stream.close()

    asyncio.run(main())
    gc.collect()
    assert len(recorder.records) == 1
    assert not recorder.last.complete and recorder.last.usage["output_tokens"] == 1


def test_dropped_stream_recorded_by_gc(recorder, client):
    stream = client.messages.create(model=MODEL, max_tokens=64, messages=MSG, stream=True)
    assert recorder.records == []
    del stream
    gc.collect()
    assert recorder.records == []  # a finaliser takes no lock: it only queues the call (issue 17)
    client.messages.create(model=MODEL, max_tokens=64, messages=MSG)  # the next call records it first
    assert len(recorder.records) == 2
    assert not recorder.records[0].complete and recorder.records[0].error


def test_retries_one_record_per_attempt(recorder, client, server):
    server.fail = [529, 500]
    msg = client.messages.create(model=MODEL, max_tokens=64, messages=MSG)
    assert server.request_count == 3
    got = [(r.request.attempt, r.status, r.usage is None, r.complete) for r in recorder.records]
    assert got == [(0, 529, True, False), (1, 500, True, False), (2, 200, False, True)]
    assert recorder.records[0].error.startswith("overloaded_error")
    assert recorder.records[1].error.startswith("api_error")
    assert recorder.last.usage == dump(msg.usage)


def test_retried_stream(recorder, client, server):
    server.fail = [529]
    with client.messages.stream(model=MODEL, max_tokens=64, messages=MSG) as stream:
        stream.until_done()
    assert [(r.request.attempt, r.status, r.complete) for r in recorder.records] == [(0, 529, False), (1, 200, True)]
    assert recorder.records[0].usage is None


def test_gzip_json_and_sse(recorder, client, server):
    server.gzip = True
    msg = client.messages.create(model=MODEL, max_tokens=64, messages=MSG)
    with client.messages.stream(model=MODEL, max_tokens=64, messages=MSG) as stream:
        final = stream.get_final_message()
    raw = client.messages.with_streaming_response.create(model=MODEL, max_tokens=64, messages=MSG)
    with raw as response:
        parsed = response.parse()
    assert [r.complete for r in recorder.records] == [True, True, True]
    assert recorder.records[0].usage == dump(msg.usage)
    assert recorder.records[1].usage == dump(final.usage) and recorder.records[1].streamed
    assert recorder.records[2].usage == dump(parsed.usage) and not recorder.records[2].streamed


def test_count_tokens_and_batches_endpoints(recorder, client):
    client.messages.count_tokens(model=MODEL, messages=MSG)
    batch = client.messages.batches.create(requests=[
        {"custom_id": "a", "params": {"model": MODEL, "max_tokens": 5, "messages": MSG}}])
    client.messages.batches.retrieve(batch.id)  # GET: not an LLM call
    assert [r.request.endpoint for r in recorder.records] == ["count_tokens", "batches"]
    assert all(r.usage is None and r.status == 200 for r in recorder.records)


def test_with_raw_response_headers_unchanged(recorder, client):
    raw = client.messages.with_raw_response.create(model=MODEL, max_tokens=8, messages=MSG)
    assert raw.headers["content-type"] == "application/json"
    assert raw.parse().usage.output_tokens == 7
    assert len(recorder.records) == 1


def test_uninstalled_records_nothing(client, server):
    from pytest_tokenbudget.plugin import capture

    assert not capture.installed()
    client.messages.create(model=MODEL, max_tokens=8, messages=MSG)
    assert server.request_count == 1


def test_stream_stays_incremental_and_bytes_identical(recorder, server):
    """The observer never holds chunks back: the first delta arrives long before the end."""
    import httpx2

    server.event_delay_ms = 40
    server.text = "a b c d e f"

    def read():
        with httpx2.Client() as c, c.stream("POST", server.url + "/v1/messages",
                                            json={"model": MODEL, "max_tokens": 5, "messages": MSG, "stream": True}) as r:
            t0 = time.perf_counter()
            first = None
            data = b""
            for chunk in r.iter_raw():
                if first is None and b"text_delta" in chunk:
                    first = time.perf_counter() - t0
                data += chunk
            return first, time.perf_counter() - t0, data

    first, total, observed = read()
    from pytest_tokenbudget.plugin import capture

    capture.uninstall()
    _, _, plain = read()
    strip = re.compile(rb"msg_fake_[0-9a-f]+")
    assert strip.sub(b"", observed) == strip.sub(b"", plain)
    assert first < total - 0.1  # ≥ 3 more paced deltas still to come when the first was yielded
    assert recorder.last.complete


def test_vertex_sdk_model_from_url(recorder, server):
    vertex = anthropic.AnthropicVertex(region="us-east5", project_id="p", access_token="ya29.secret",
                                       base_url=server.url + "/v1")
    msg = vertex.messages.create(model="claude-haiku-4-5@20251001", max_tokens=8, messages=MSG)
    with vertex.messages.stream(model="claude-haiku-4-5@20251001", max_tokens=8, messages=MSG) as s:
        final = s.get_final_message()
    plain, streamed = recorder.records
    assert plain.request.model == streamed.request.model == "claude-haiku-4-5@20251001"
    assert plain.usage == dump(msg.usage) and streamed.usage == dump(final.usage)
    assert not plain.request.stream and streamed.request.stream and streamed.complete
    assert ":rawPredict" in plain.request.url and ":streamRawPredict" in streamed.request.url
    assert "ya29" not in repr(recorder.records)


@pytest.mark.parametrize("fault", [None, "stream-error", "sse-cut"])
def test_bedrock_event_stream_over_the_wire(recorder, server, fault):
    import httpx2

    url = server.url + "/model/us.anthropic.claude-haiku-4-5-20251001-v1%3A0/invoke-with-response-stream"
    with httpx2.Client() as c, c.stream("POST", url, json={"max_tokens": 8, "messages": MSG},
                                        headers={"x-fake-fault": fault} if fault else {}) as r:
        assert r.headers["content-type"] == "application/vnd.amazon.eventstream"
        try:
            r.read()
        except httpx2.RemoteProtocolError:
            assert fault == "sse-cut"
    rec = recorder.last
    assert rec.request.model == "us.anthropic.claude-haiku-4-5-20251001-v1:0" and rec.request.stream
    assert rec.streamed and rec.complete == (fault is None)
    assert rec.usage["input_tokens"] == 17
    assert rec.usage["output_tokens"] == (7 if fault is None else 1)
    if fault == "stream-error":
        assert rec.error == "Overloaded"
