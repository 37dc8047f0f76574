"""The fake API server: wire format, knobs, faults, request log, CLI."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time

import anthropic
import httpx2
import openai
import pytest

from pytest_tokenbudget.testing import UNKNOWN_MODEL, FakeLLMServer

MSG = [{"role": "user", "content": "hi"}]
BODY = {"model": "claude-haiku-4-5", "max_tokens": 10, "messages": MSG}


def sse_events(raw: bytes) -> list[tuple[str, dict]]:
    out = []
    for block in raw.decode().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "data" in lines:
            out.append((lines.get("event", ""), lines["data"]))
    return out


def test_messages_json_shape(fake_llm_server):
    fake_llm_server.set_usage(input=11, output=22, cache_read=33, cache_write_5m=44, cache_write_1h=55)
    r = httpx2.post(fake_llm_server.url + "/v1/messages", json=BODY, headers={"x-api-key": "sk-secret"})
    body = r.json()
    assert r.status_code == 200 and body["type"] == "message" and body["model"] == "claude-haiku-4-5"
    assert body["usage"] == {"input_tokens": 11, "output_tokens": 22, "cache_read_input_tokens": 33,
                             "cache_creation_input_tokens": 99, "service_tier": "standard",
                             "cache_creation": {"ephemeral_5m_input_tokens": 44, "ephemeral_1h_input_tokens": 55}}
    assert fake_llm_server.request_count == 1
    seen = fake_llm_server.requests[0]
    assert seen.body == BODY and seen.path == "/v1/messages"
    assert "x-api-key" not in seen.headers and "sk-secret" not in repr(seen.headers)


def test_messages_sse_sequence_and_cumulative_usage(fake_llm_server):
    fake_llm_server.text = "one two three"
    fake_llm_server.set_usage(input=5, output=3)
    with httpx2.Client() as c, c.stream("POST", fake_llm_server.url + "/v1/messages", json={**BODY, "stream": True}) as r:
        assert r.headers["transfer-encoding"] == "chunked"
        assert r.headers["content-type"].startswith("text/event-stream")
        raw = r.read()
    events = sse_events(raw)
    names = [n for n, _ in events]
    assert names == ["message_start", "content_block_start", "ping", "content_block_delta", "content_block_delta",
                     "content_block_delta", "content_block_stop", "message_delta", "message_stop"]
    start = json.loads(events[0][1])["message"]
    assert start["usage"]["output_tokens"] == 1 and start["usage"]["service_tier"] == "standard"
    assert "cache_creation" in start["usage"] and start["stop_reason"] is None
    assert json.loads(events[-2][1])["usage"]["output_tokens"] == 3


def test_header_knobs(fake_llm_server):
    headers = {"x-fake-model": "claude-opus-4-1-20250805", "x-fake-text": "yes", "x-fake-usage": "input=1,output=2"}
    body = httpx2.post(fake_llm_server.url + "/v1/messages", json=BODY, headers=headers).json()
    assert body["model"] == "claude-opus-4-1-20250805" and body["content"][0]["text"] == "yes"
    assert (body["usage"]["input_tokens"], body["usage"]["output_tokens"]) == (1, 2)
    body = httpx2.post(fake_llm_server.url + "/v1/messages", json=BODY,
                       headers={"x-fake-usage": json.dumps({"cache_write_1h": 7})}).json()
    assert body["usage"]["cache_creation"]["ephemeral_1h_input_tokens"] == 7
    r = httpx2.post(fake_llm_server.url + "/v1/messages", json=BODY, headers={"x-fake-fault": "nope"})
    assert r.status_code == 400


def test_fail_by_attempt_with_sdk_retries(fake_llm_server):
    fake_llm_server.fail = [529, 500]
    client = anthropic.Anthropic(base_url=fake_llm_server.url, api_key="k")
    t0 = time.perf_counter()
    client.messages.create(**BODY)
    assert time.perf_counter() - t0 < 2  # retry-after-ms keeps the SDK's back-off short
    assert [r.attempt for r in fake_llm_server.requests] == [0, 1, 2]
    r = httpx2.post(fake_llm_server.url + "/v1/messages", json=BODY, headers={"x-stainless-retry-count": "0"})
    assert r.status_code == 529 and r.json()["error"]["type"] == "overloaded_error"
    assert r.headers["retry-after-ms"] == "1" and r.headers["x-should-retry"] == "true"
    r = httpx2.post(fake_llm_server.url + "/v1/messages", json=BODY, headers={"x-fake-fail": "429"})
    assert r.status_code == 429 and r.json()["error"]["type"] == "rate_limit_error"


def test_gzip_json_and_sse(fake_llm_server):
    fake_llm_server.gzip = True
    r = httpx2.post(fake_llm_server.url + "/v1/messages", json=BODY)
    assert r.headers["content-encoding"] == "gzip" and r.json()["usage"]["output_tokens"] == 7
    with httpx2.Client() as c, c.stream("POST", fake_llm_server.url + "/v1/messages", json={**BODY, "stream": True}) as r:
        raw = b"".join(r.iter_raw())
    assert b"message_stop" in gzip.decompress(raw)


def test_count_tokens_batches_embeddings_completions(fake_llm_server):
    client = anthropic.Anthropic(base_url=fake_llm_server.url, api_key="k")
    assert client.messages.count_tokens(model="claude-haiku-4-5", messages=MSG).input_tokens == 17
    batch = client.messages.batches.create(requests=[
        {"custom_id": f"r{i}", "params": BODY} for i in range(3)])
    assert client.messages.batches.retrieve(batch.id).processing_status == "ended"
    results = list(client.messages.batches.results(batch.id))
    assert [r.custom_id for r in results] == ["r0", "r1", "r2"]
    assert results[0].result.message.usage.service_tier == "batch"
    oc = openai.OpenAI(base_url=fake_llm_server.openai_url, api_key="k")
    assert oc.embeddings.create(model="text-embedding-3-small", input=["a", "b"]).usage.prompt_tokens == 17
    assert oc.completions.create(model="gpt-3.5-turbo-instruct", prompt="x").usage.completion_tokens == 7


def test_openai_chat_stream_usage_only_when_asked(fake_llm_server):
    oc = openai.OpenAI(base_url=fake_llm_server.openai_url, api_key="k")
    plain = list(oc.chat.completions.create(model="gpt-4o", messages=MSG, stream=True))
    assert all(c.usage is None for c in plain) and plain[-1].choices[0].finish_reason == "stop"
    with_usage = list(oc.chat.completions.create(model="gpt-4o", messages=MSG, stream=True,
                                                 stream_options={"include_usage": True}))
    assert with_usage[-1].choices == [] and with_usage[-1].usage.completion_tokens == 7
    with httpx2.Client() as c, c.stream("POST", fake_llm_server.openai_url + "/chat/completions",
                                        json={"model": "gpt-4o", "messages": MSG, "stream": True}) as r:
        assert r.read().endswith(b"data: [DONE]\n\n")


@pytest.mark.parametrize("fault", ["stream-error", "sse-cut"])
def test_stream_faults_on_the_wire(fake_llm_server, fault):
    fake_llm_server.fault = fault
    with httpx2.Client() as c, c.stream("POST", fake_llm_server.url + "/v1/messages", json={**BODY, "stream": True}) as r:
        if fault == "sse-cut":
            with pytest.raises(httpx2.RemoteProtocolError):
                r.read()
        else:
            names = [n for n, _ in sse_events(r.read())]
            assert names[-1] == "error" and "message_stop" not in names


def test_json_faults(fake_llm_server):
    url = fake_llm_server.url + "/v1/messages"
    r = httpx2.post(url, json=BODY, headers={"x-fake-fault": "truncated-json"})
    with pytest.raises(ValueError):
        r.json()
    r = httpx2.post(url, json=BODY, headers={"x-fake-fault": "html-502"})
    assert r.status_code == 502 and r.headers["content-type"] == "text/html"
    with pytest.raises(httpx2.TransportError):
        httpx2.post(url, json=BODY, headers={"x-fake-fault": "reset"})
    with pytest.raises(httpx2.ReadTimeout):
        httpx2.post(url, json=BODY, headers={"x-fake-fault": "stall", "x-fake-stall-ms": "500"}, timeout=0.1)
    assert "usage" not in httpx2.post(url, json=BODY, headers={"x-fake-fault": "missing-usage"}).json()
    assert httpx2.post(url, json=BODY, headers={"x-fake-fault": "unknown-model"}).json()["model"] == UNKNOWN_MODEL
    assert fake_llm_server.count("/v1/messages") == 6


def test_delay_and_reset_knobs(fake_llm_server):
    fake_llm_server.delay_ms = 50
    t0 = time.perf_counter()
    httpx2.post(fake_llm_server.url + "/v1/messages", json=BODY)
    assert time.perf_counter() - t0 >= 0.05
    fake_llm_server.reset()
    assert fake_llm_server.delay_ms == 0 and fake_llm_server.request_count == 0


def test_loopback_only_and_context_manager():
    with pytest.raises(ValueError):
        FakeLLMServer(host="0.0.0.0")
    with FakeLLMServer() as s:
        assert s.url.startswith("http://127.0.0.1:") and s.openai_url == s.url + "/v1"
    with pytest.raises(RuntimeError):
        s.url


def test_keep_alive_is_fast(fake_llm_server):
    with httpx2.Client() as c:
        c.post(fake_llm_server.url + "/v1/messages", json=BODY)
        t0 = time.perf_counter()
        for _ in range(20):
            c.post(fake_llm_server.url + "/v1/messages", json=BODY)
        per_call = (time.perf_counter() - t0) / 20
    assert per_call < 0.03  # no 40 ms Nagle / delayed-ACK stall per request


def test_cli_serves_and_prints_url():
    proc = subprocess.Popen([sys.executable, "-m", "pytest_tokenbudget.testing"], stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("fake LLM API listening on http://127.0.0.1:")
        url = line.split()[-1]
        assert httpx2.post(url + "/v1/messages", json=BODY).json()["usage"]["output_tokens"] == 7
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        assert proc.wait(timeout=10) == 0


def test_fixture_plugin_module(pytester):
    pytester.makepyfile("""
        import anthropic

        def test_a(fake_llm_server):
            fake_llm_server.fail = [529]
            c = anthropic.Anthropic(base_url=fake_llm_server.url, api_key="k")
            c.messages.create(model="m", max_tokens=1, messages=[{"role": "user", "content": "x"}])
            assert fake_llm_server.request_count == 2

        def test_b(fake_llm_server):
            assert fake_llm_server.request_count == 0 and fake_llm_server.fail == []
    """)
    result = pytester.runpytest("-p", "pytest_tokenbudget.testing.fixture", "-p", "no:cacheprovider",
                               "-o", "asyncio_default_fixture_loop_scope=function")
    result.assert_outcomes(passed=2)


def test_fail_next_queue_for_raw_clients(fake_llm_server):
    fake_llm_server.fail_next = [503, 500]
    statuses = [httpx2.post(fake_llm_server.url + "/v1/messages", json=BODY).status_code for _ in range(3)]
    assert statuses == [503, 500, 200] and fake_llm_server.fail_next == []
