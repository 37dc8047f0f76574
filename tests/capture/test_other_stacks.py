"""requests / urllib3, urllib / http.client, aiohttp and boto3 Bedrock against the fake server:
each attempt recorded once (by the outermost layer only), usage exact, refusals send nothing."""

from __future__ import annotations

import asyncio
import http.client
import json
import urllib.request

import aiohttp
import boto3
import httpx2
import pytest
import requests
import urllib3
from botocore.config import Config

from pytest_tokenbudget.core.errors import TokenBudgetExceeded

HAIKU = "claude-haiku-4-5"
BODY = {"model": HAIKU, "max_tokens": 64, "messages": [{"role": "user", "content": "hello there"}]}
FULL_USAGE = {"input_tokens": 30, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0,
              "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
              "output_tokens": 11, "service_tier": "standard"}


@pytest.fixture
def server(fake_llm_server):
    fake_llm_server.set_usage(input=30, output=11)
    return fake_llm_server


def one(recorder):
    assert len(recorder.records) == 1, recorder.records
    return recorder.records[0]


def _stream_body(**extra):
    return {**BODY, "stream": True, **extra}


# -- requests / urllib3 ----------------------------------------------------------------------------

def test_requests_json_recorded_once(recorder, server):
    r = requests.post(server.url + "/v1/messages?beta=true", json=BODY, headers={"x-api-key": "sk-secret-key-123456"})
    assert r.json()["usage"]["output_tokens"] == 11
    rec = one(recorder)  # requests -> urllib3 -> http.client: urllib3 alone records it
    assert rec.usage == FULL_USAGE and rec.complete and rec.live and not rec.streamed
    assert (rec.request.model, rec.request.max_tokens, rec.status) == (HAIKU, 64, 200)
    assert rec.request.url == server.url + "/v1/messages"  # query string gone
    assert rec.request.input_estimate and rec.request.input_estimate > 0


def test_requests_stream_iter_lines_and_early_close(recorder, server):
    with requests.post(server.url + "/v1/messages", json=_stream_body(), stream=True) as r:
        lines = [line for line in r.iter_lines() if line]
    assert lines[-1].startswith(b"data: ") and b"message_stop" in lines[-1]
    rec = one(recorder)
    assert rec.streamed and rec.complete and rec.usage["output_tokens"] == 11 and rec.usage["input_tokens"] == 30

    recorder.clear()
    r = requests.post(server.url + "/v1/messages", json=_stream_body(), stream=True,
                      headers={"x-fake-event-delay-ms": "5"})
    for line in r.iter_lines(chunk_size=64):
        if line.startswith(b"data: ") and b"message_start" in line:
            break
    r.close()
    rec = one(recorder)
    assert rec.streamed and not rec.complete and rec.usage["output_tokens"] == 1  # message_start only


def test_requests_gzip_json_and_stream(recorder, server):
    server.gzip = True
    requests.post(server.url + "/v1/messages", json=BODY)
    with requests.post(server.url + "/v1/messages", json=_stream_body(), stream=True) as r:
        for _ in r.iter_content(None):
            pass
    assert [(rec.usage or {}).get("output_tokens", rec.error) for rec in recorder.records] == [11, 11]
    assert all(rec.complete for rec in recorder.records)


def test_urllib3_preloaded_and_streamed(recorder, server):
    pool = urllib3.PoolManager()
    r = pool.request("POST", server.url + "/v1/messages", body=json.dumps(BODY).encode(),
                     headers={"content-type": "application/json"})
    assert r.status == 200
    assert one(recorder).usage == FULL_USAGE
    recorder.clear()
    r = pool.request("POST", server.url + "/v1/messages", body=json.dumps(_stream_body()).encode(),
                     preload_content=False)
    data = b"".join(r.stream(7))
    r.release_conn()
    assert b"message_stop" in data
    rec = one(recorder)
    assert rec.complete and rec.usage["output_tokens"] == 11


def test_urllib3_retries_are_one_record_each(recorder, server):
    server.fail_next = [529]
    retry = urllib3.Retry(total=2, status_forcelist=[529], allowed_methods=None, backoff_factor=0,
                         respect_retry_after_header=False)
    r = urllib3.PoolManager().request("POST", server.url + "/v1/messages", body=json.dumps(BODY), retries=retry)
    assert r.status == 200
    assert [rec.status for rec in recorder.records] == [529, 200]
    assert recorder.records[0].usage is None and recorder.records[1].usage == FULL_USAGE


def test_requests_refused_sends_nothing(recorder, server):
    recorder.refuse = lambda req: True
    with pytest.raises(TokenBudgetExceeded):
        requests.post(server.url + "/v1/messages", json=BODY)
    assert server.request_count == 0
    rec = one(recorder)
    assert rec.refused and rec.status is None


def test_requests_other_traffic_not_recorded(recorder, server):
    requests.get(server.url + "/v1/messages/batches/nope")
    requests.post(server.url + "/v1/models", json={})
    assert recorder.records == []


# -- urllib / http.client --------------------------------------------------------------------------

def test_urllib_urlopen_json_and_sse(recorder, server):
    req = urllib.request.Request(server.url + "/v1/messages", data=json.dumps(BODY).encode(),
                                 headers={"content-type": "application/json"}, method="POST")
    with urllib.request.urlopen(req) as resp:
        assert json.loads(resp.read())["usage"]["input_tokens"] == 30
    assert one(recorder).usage == FULL_USAGE

    recorder.clear()
    req = urllib.request.Request(server.url + "/v1/messages", data=json.dumps(_stream_body()).encode(), method="POST")
    with urllib.request.urlopen(req) as resp:
        events = [line for line in resp if line.startswith(b"event: ")]
    assert events[-1] == b"event: message_stop\n"
    rec = one(recorder)
    assert rec.streamed and rec.complete and rec.usage["output_tokens"] == 11


def test_http_client_raw_and_early_close(recorder, server):
    conn = http.client.HTTPConnection("127.0.0.1", server.port)
    conn.request("POST", "/v1/chat/completions", json.dumps({"model": "gpt-4o-mini", "messages": []}),
                 {"content-type": "application/json"})
    resp = conn.getresponse()
    body = json.loads(resp.read(5) + resp.read())
    rec = one(recorder)
    assert rec.usage == body["usage"] and rec.complete and rec.request.api == "openai"

    recorder.clear()
    conn.request("POST", "/v1/messages", json.dumps(_stream_body()), {"x-fake-event-delay-ms": "5"})
    resp = conn.getresponse()
    resp.read(40)
    resp.close()
    rec = one(recorder)
    assert rec.streamed and not rec.complete
    conn.close()


def test_http_client_refused_sends_nothing(recorder, server):
    recorder.refuse = lambda req: True
    conn = http.client.HTTPConnection("127.0.0.1", server.port)
    with pytest.raises(TokenBudgetExceeded):
        conn.request("POST", "/v1/messages", json.dumps(BODY))
    assert server.request_count == 0 and one(recorder).refused


# -- aiohttp ---------------------------------------------------------------------------------------

def test_aiohttp_json_stream_gzip_and_release(recorder, server):
    async def main():
        async with aiohttp.ClientSession(base_url=server.url) as s:
            async with s.post("/v1/messages", json=BODY) as r:
                assert (await r.json())["usage"]["output_tokens"] == 11
            async with s.post("/v1/messages", json=_stream_body()) as r:
                lines = [line async for line in r.content]
            async with s.post("/v1/messages", json=_stream_body(), headers={"x-fake-gzip": "1"}) as r:
                async for _ in r.content.iter_chunked(3):
                    pass
            async with s.post("/v1/messages", json=_stream_body(), headers={"x-fake-event-delay-ms": "5"}) as r:
                await r.content.readline()  # leave early
            return lines
    lines = asyncio.run(main())
    assert lines[-2] == b"data: {\"type\":\"message_stop\"}\n"
    recs = recorder.records
    assert len(recs) == 4
    assert recs[0].usage == FULL_USAGE and recs[0].complete and not recs[0].streamed
    assert [r.complete for r in recs[1:]] == [True, True, False]
    assert recs[1].usage["output_tokens"] == recs[2].usage["output_tokens"] == 11
    assert all(r.live for r in recs)


def test_aiohttp_refused_sends_nothing(recorder, server):
    recorder.refuse = lambda req: True

    async def main():
        async with aiohttp.ClientSession() as s:
            await s.post(server.url + "/v1/messages", data=json.dumps(BODY))
    with pytest.raises(TokenBudgetExceeded):
        asyncio.run(main())
    assert server.request_count == 0 and one(recorder).refused


# -- boto3 Bedrock (botocore -> urllib3, SigV4 with dummy credentials) ----------------------------

BEDROCK = "us.anthropic.claude-haiku-4-5-20251001-v1:0"


@pytest.fixture
def bedrock(server):
    return boto3.client("bedrock-runtime", region_name="us-east-1", endpoint_url=server.url,
                        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="dummy-secret",
                        config=Config(retries={"max_attempts": 1}))


def test_boto3_invoke_model_and_stream(recorder, bedrock):
    body = json.dumps({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 64,
                       "messages": [{"role": "user", "content": "hi"}]})
    out = json.loads(bedrock.invoke_model(modelId=BEDROCK, body=body)["body"].read())
    rec = one(recorder)
    assert rec.usage == out["usage"] and rec.request.model == BEDROCK and rec.request.max_tokens == 64
    assert rec.complete and rec.live and "dummy-secret" not in repr(rec)

    recorder.clear()
    resp = bedrock.invoke_model_with_response_stream(modelId=BEDROCK, body=body)
    events = [json.loads(e["chunk"]["bytes"]) for e in resp["body"]]
    assert events[-1]["type"] == "message_stop"
    rec = one(recorder)
    assert rec.streamed and rec.complete and rec.usage["output_tokens"] == 11 and rec.events == len(events)


def test_boto3_refused_sends_nothing(recorder, bedrock, server):
    recorder.refuse = lambda req: True
    with pytest.raises(TokenBudgetExceeded):
        bedrock.invoke_model(modelId=BEDROCK, body=json.dumps({"max_tokens": 5, "messages": []}))
    assert server.request_count == 0 and one(recorder).refused


# -- layers on top of each other -------------------------------------------------------------------

class Urllib3Transport(httpx2.BaseTransport):
    """An httpx2 transport not built on httpcore: urllib3 carries the request to the network."""

    def __init__(self) -> None:
        self.pool = urllib3.PoolManager()

    def handle_request(self, request):
        r = self.pool.request(request.method, str(request.url), body=request.read(), headers=dict(request.headers))
        return httpx2.Response(r.status, headers=list(r.headers.items()), content=r.data)


class CannedTransport(httpx2.BaseTransport):
    def handle_request(self, request):
        return httpx2.Response(200, json={"model": HAIKU, "usage": {"input_tokens": 1, "output_tokens": 1}})


def test_httpx_over_urllib3_is_one_live_record(recorder, server):
    with httpx2.Client(transport=Urllib3Transport()) as c:
        c.post(server.url + "/v1/messages", json=BODY)
    rec = one(recorder)  # httpx2 (outermost) records; urllib3 only says it went to the network
    assert rec.live and rec.usage == FULL_USAGE
    recorder.clear()
    with httpx2.Client(transport=CannedTransport()) as c:
        c.post(server.url + "/v1/messages", json=BODY)
    assert not one(recorder).live  # a mock transport: nothing went to the network
