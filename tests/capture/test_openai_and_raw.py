"""openai 3.x, raw httpx2 and classic httpx clients: what is recorded, and what is not."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import httpx
import httpx2
import openai
import pytest

from pytest_tokenbudget.plugin import capture

from .conftest import MSG

GPT = "gpt-4o-mini"


@pytest.fixture
def oclient(fake_llm_server):
    fake_llm_server.set_usage(input=20, output=9, cache_read=100)
    with openai.OpenAI(base_url=fake_llm_server.openai_url, api_key="sk-openai-secret") as c:
        yield c


def test_openai_create_usage_exact(recorder, oclient):
    resp = oclient.chat.completions.create(model=GPT, messages=MSG, max_completion_tokens=50)
    rec = recorder.last
    assert len(recorder.records) == 1
    assert rec.usage == resp.usage.model_dump(exclude_none=True)
    assert (rec.request.api, rec.request.endpoint, rec.request.max_tokens) == ("openai", "chat.completions", 50)
    assert rec.complete and not rec.streamed and rec.response_model == GPT


def test_openai_stream_with_include_usage(recorder, oclient):
    chunks = list(oclient.chat.completions.create(model=GPT, messages=MSG, stream=True,
                                                  stream_options={"include_usage": True}))
    rec = recorder.last
    assert rec.usage == chunks[-1].usage.model_dump(exclude_none=True)
    assert rec.complete and rec.streamed and rec.request.stream


def test_openai_stream_without_usage_is_unknown(recorder, oclient):
    chunks = list(oclient.chat.completions.create(model=GPT, messages=MSG, stream=True))
    assert all(c.usage is None for c in chunks)
    rec = recorder.last
    assert rec.usage is None  # unknown, never zero
    assert rec.complete and rec.response_model == GPT


def test_openai_async_and_responses_and_embeddings(recorder, fake_llm_server):
    async def main():
        async with openai.AsyncOpenAI(base_url=fake_llm_server.openai_url, api_key="k") as c:
            a = await c.chat.completions.create(model=GPT, messages=MSG)
            b = await c.responses.create(model=GPT, input="hi", max_output_tokens=40)
            async with c.responses.stream(model=GPT, input="hi") as s:
                final = await s.get_final_response()
            e = await c.embeddings.create(model="text-embedding-3-small", input="x")
            return a, b, final, e

    a, b, final, e = asyncio.run(main())
    recs = recorder.records
    assert [r.request.endpoint for r in recs] == ["chat.completions", "responses", "responses", "embeddings"]
    assert recs[0].usage == a.usage.model_dump(exclude_none=True)
    assert recs[1].usage == b.usage.model_dump(exclude_none=True) and recs[1].request.max_tokens == 40
    assert recs[2].usage == final.usage.model_dump(exclude_none=True) and recs[2].streamed and recs[2].complete
    assert recs[3].usage == e.usage.model_dump(exclude_none=True)


def test_openai_with_classic_httpx_client(recorder, fake_llm_server):
    """openai 3.x accepts a classic httpx.Client: the classic patch sees it."""
    with httpx.Client() as http, openai.OpenAI(base_url=fake_llm_server.openai_url, api_key="k", http_client=http) as c:
        resp = c.chat.completions.create(model=GPT, messages=MSG)
        chunks = list(c.chat.completions.create(model=GPT, messages=MSG, stream=True,
                                                stream_options={"include_usage": True}))
    assert len(recorder.records) == 2
    assert recorder.records[0].usage == resp.usage.model_dump(exclude_none=True)
    assert recorder.records[1].usage == chunks[-1].usage.model_dump(exclude_none=True)
    assert all(r.live for r in recorder.records)


def test_classic_httpx_older_sdk_shaped_client(recorder, fake_llm_server):
    """What anthropic 0.x does: a classic httpx.Client posting Messages JSON, sync and async, stream too."""
    body = {"model": "claude-haiku-4-5", "max_tokens": 10, "messages": MSG}
    headers = {"x-api-key": "sk-ant-old", "x-stainless-retry-count": "0", "anthropic-version": "2023-06-01"}
    with httpx.Client(base_url=fake_llm_server.url) as c:
        r = c.post("/v1/messages", json=body, headers=headers)
        with c.stream("POST", "/v1/messages", json={**body, "stream": True}, headers=headers) as s:
            raw = b"".join(s.iter_raw())

    async def main():
        async with httpx.AsyncClient(base_url=fake_llm_server.url) as c:
            return await c.post("/v1/messages", json=body, headers=headers)

    ra = asyncio.run(main())
    assert len(recorder.records) == 3
    assert recorder.records[0].usage == r.json()["usage"]
    assert recorder.records[1].complete and recorder.records[1].streamed and b"message_stop" in raw
    assert recorder.records[2].usage == ra.json()["usage"]
    assert all(rec.request.attempt == 0 for rec in recorder.records)
    assert "sk-ant-old" not in repr(recorder.records)


def test_raw_httpx2_calls(recorder, fake_llm_server):
    with httpx2.Client() as c:
        r = c.post(fake_llm_server.url + "/v1/messages?beta=true&key=secret",
                   json={"model": "claude-sonnet-4-5", "max_tokens": 3, "messages": MSG})
        c.get(fake_llm_server.url + "/v1/messages/batches/nope")  # GET: ignored
        c.post(fake_llm_server.url + "/v1/other", json={})  # not an LLM path: ignored
    assert len(recorder.records) == 1
    rec = recorder.last
    assert rec.request.attempt is None  # no x-stainless-retry-count
    assert rec.request.url == fake_llm_server.url + "/v1/messages"  # query string stripped
    assert rec.usage == r.json()["usage"]


def test_mocked_transport_is_not_live(recorder):
    body = {"type": "message", "model": "claude-haiku-4-5", "usage": {"input_tokens": 3, "output_tokens": 4}}
    transport = httpx2.MockTransport(lambda request: httpx2.Response(200, json=body))
    with httpx2.Client(transport=transport) as c:
        c.post("http://127.0.0.1:9/v1/messages", json={"model": "claude-haiku-4-5", "max_tokens": 5})
        with c.stream("POST", "http://127.0.0.1:9/v1/messages", json={"model": "m"}) as r:
            r.read()
    assert [(r.live, r.usage) for r in recorder.records] == [(False, body["usage"])] * 2


def test_bypass_and_non_post(recorder, fake_llm_server):
    with capture.bypass(), httpx2.Client() as c:
        c.post(fake_llm_server.url + "/v1/messages", json={"model": "m", "max_tokens": 1, "messages": MSG})
    assert recorder.records == [] and fake_llm_server.request_count == 1


def test_install_patches_once_and_uninstall_restores():
    original = httpx2.Client.__dict__["send"]
    capture.install(object())
    capture.install(object())  # re-install replaces the listener, does not wrap twice
    try:
        wrapped = httpx2.Client.__dict__["send"]
        assert wrapped is not original and wrapped._tokenbudget_original is original
        assert capture.installed()
    finally:
        capture.uninstall()
    assert httpx2.Client.__dict__["send"] is original and not capture.installed()


def test_uninstall_goes_inert_when_patched_over(fake_llm_server):
    from .conftest import Recorder

    rec = Recorder()
    original = httpx2.Client.__dict__["send"]
    capture.install(rec)
    ours = httpx2.Client.__dict__["send"]

    def theirs(self, request, **kw):
        return ours(self, request, **kw)

    httpx2.Client.send = theirs
    try:
        capture.uninstall()
        assert httpx2.Client.__dict__["send"] is theirs  # not clobbered
        with httpx2.Client() as c:
            c.post(fake_llm_server.url + "/v1/messages", json={"model": "m", "max_tokens": 1})
        assert rec.records == []  # inert
        capture.install(rec)  # re-install reuses the wrapper in their chain: no double wrapping
        with httpx2.Client() as c:
            c.post(fake_llm_server.url + "/v1/messages", json={"model": "m", "max_tokens": 1})
        assert len(rec.records) == 1
        capture.uninstall()
    finally:
        httpx2.Client.send = ours
        capture.uninstall()
    assert httpx2.Client.__dict__["send"] is original


def test_alias_httpx_patched_once():
    code = """
import httpx2
httpx2.alias_httpx()
import httpx
assert httpx.Client is httpx2.Client
from pytest_tokenbudget.plugin import capture
capture.install(object())
names = sorted(f"{c.__module__}.{c.__name__}" for c in capture.patched_classes())
print(names)
orig = httpx2.Client.send._tokenbudget_original
assert getattr(orig, "_tokenbudget_original", None) is None
capture.uninstall()
assert not hasattr(httpx2.Client.send, "_tokenbudget_original")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    # httpx2 once (httpx is the same module now), plus http.client (always patched: stdlib)
    assert out.stdout.strip() == str(["http.client.HTTPConnection", "httpx2.AsyncClient", "httpx2.Client"])


def test_listener_bugs_become_warnings(fake_llm_server):
    class Broken:
        def before_send(self, request):
            raise RuntimeError("bug in before_send")

        def on_record(self, token, record):
            raise ValueError("bug in on_record")

    capture.install(Broken())
    try:
        with pytest.warns(capture.CaptureWarning) as warned, httpx2.Client() as c:
            r = c.post(fake_llm_server.url + "/v1/messages", json={"model": "m", "max_tokens": 1, "messages": MSG})
        assert r.status_code == 200 and json.loads(r.content)["usage"]
        assert {str(w.message).split(" failed")[0] for w in warned} == {
            "pytest-tokenbudget: capture listener before_send", "pytest-tokenbudget: capture listener on_record"}
    finally:
        capture.uninstall()


def test_bedrock_and_vertex_model_from_url(recorder):
    """Bedrock invoke (JSON) and Vertex streamRawPredict (SSE) through a mock transport."""
    message = {"type": "message", "model": "claude-haiku-4-5-20251001",
               "usage": {"input_tokens": 5, "output_tokens": 6}}
    sse = (b'event: message_start\ndata: {"type":"message_start","message":{"model":"claude-haiku-4-5",'
           b'"usage":{"input_tokens":8,"output_tokens":1}}}\n\n'
           b'event: message_delta\ndata: {"type":"message_delta","usage":{"output_tokens":4}}\n\n'
           b'event: message_stop\ndata: {"type":"message_stop"}\n\n')

    def handler(request):
        if request.url.path.endswith(":streamRawPredict"):
            return httpx2.Response(200, content=sse, headers={"content-type": "text/event-stream"})
        return httpx2.Response(200, json=message)

    body = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 9, "messages": MSG}
    with httpx2.Client(transport=httpx2.MockTransport(handler)) as c:
        c.post("https://bedrock-runtime.us-east-1.example/model/"
               "us.anthropic.claude-haiku-4-5-20251001-v1%3A0/invoke", json=body)
        c.post("https://us-east5-aiplatform.example/v1/projects/p/locations/us-east5/publishers/anthropic/models/"
               "claude-haiku-4-5@20251001:streamRawPredict", json={**body, "stream": True})
    bedrock, vertex = recorder.records
    assert bedrock.request.model == "us.anthropic.claude-haiku-4-5-20251001-v1:0" and bedrock.request.max_tokens == 9
    assert bedrock.usage == message["usage"] and not bedrock.request.stream and not bedrock.live
    assert vertex.request.model == "claude-haiku-4-5@20251001" and vertex.request.stream
    assert vertex.usage == {"input_tokens": 8, "output_tokens": 4} and vertex.complete and vertex.streamed


def test_estimate_input_off(fake_llm_server):
    from .conftest import Recorder

    rec = Recorder()
    capture.install(rec, estimate_input=False)
    try:
        httpx2.post(fake_llm_server.url + "/v1/messages", json={"model": "m", "max_tokens": 1, "messages": MSG})
    finally:
        capture.uninstall()
    assert rec.last.request.input_estimate is None and rec.last.request.model == "m"


def test_secrets_never_recorded(recorder, fake_llm_server):
    client = openai.OpenAI(base_url=fake_llm_server.openai_url, api_key="sk-live-SECRET123")
    client.chat.completions.create(model=GPT, messages=MSG, extra_query={"api-key": "SECRET456"})
    with httpx2.Client() as c:
        c.post(fake_llm_server.url + "/v1/messages?key=SECRET789", json={"model": "m", "max_tokens": 1},
               headers={"authorization": "Bearer SECRET000"})
    text = repr(recorder.records) + repr([r.request.body for r in recorder.records])
    for secret in ("SECRET123", "SECRET456", "SECRET789", "SECRET000"):
        assert secret not in text
    assert all("SECRET" not in repr(r.headers) for r in fake_llm_server.requests)


def test_aiohttp_transport_counts_as_live():
    from pytest_tokenbudget.plugin.capture import patch

    class AiohttpTransport(httpx2.AsyncBaseTransport):
        pass

    class FakeClient:
        def _transport_for_url(self, url):
            return AiohttpTransport()

    response = httpx2.Response(200)
    assert patch._is_live(FakeClient(), httpx2.Request("POST", "http://x/v1/messages"), response)
    assert not patch._is_live(httpx2.Client(), httpx2.Request("POST", "http://x/v1/messages"), response)


def test_vcr_record_is_live_and_replay_is_not(recorder, fake_llm_server, tmp_path):
    import vcr  # vcrpy is in the [test] extra
    import anthropic

    cassettes = vcr.VCR(cassette_library_dir=str(tmp_path), record_mode="once",
                        filter_headers=["x-api-key", "authorization"])
    client = anthropic.Anthropic(base_url=fake_llm_server.url, api_key="k", max_retries=0)

    def calls():
        with cassettes.use_cassette("call.yaml"):
            msg = client.messages.create(model="claude-haiku-4-5", max_tokens=5, messages=MSG)
            with client.messages.stream(model="claude-haiku-4-5", max_tokens=5, messages=MSG) as s:
                final = s.get_final_message()
        return msg, final

    recorded = calls()
    replayed = calls()
    assert fake_llm_server.request_count == 2  # the replays never reached the server
    assert [(r.live, r.streamed, r.complete) for r in recorder.records] == [
        (True, False, True), (True, True, True), (False, False, True), (False, True, True)]
    for rec, msg in zip(recorder.records, recorded + replayed):
        assert rec.usage == msg.usage.model_dump(exclude_none=True)


def test_unreadable_request_still_recorded(recorder, fake_llm_server, monkeypatch):
    from pytest_tokenbudget.plugin.capture import patch

    def broken(*a):
        raise RuntimeError("capture bug")

    monkeypatch.setattr(patch, "_build_request", broken)
    with pytest.warns(capture.CaptureWarning, match="request parsing"), httpx2.Client() as c:
        r = c.post(fake_llm_server.url + "/v1/messages", json={"model": "m", "max_tokens": 1, "messages": MSG})
    assert r.status_code == 200
    assert recorder.last.request.url == "/v1/messages" and recorder.last.usage == r.json()["usage"]


def test_classic_httpx_gzip_stream_and_error(recorder, fake_llm_server):
    body = {"model": "claude-haiku-4-5", "max_tokens": 10, "messages": MSG, "stream": True}
    fake_llm_server.fail_next = [529]
    with httpx.Client(base_url=fake_llm_server.url, headers={"x-fake-gzip": "1"}) as c:
        with c.stream("POST", "/v1/messages", json=body) as r:
            error = r.read()
        with c.stream("POST", "/v1/messages", json=body) as r:
            text = "".join(r.iter_text())
    assert b"overloaded_error" in error and "message_stop" in text
    failed, ok = recorder.records
    assert failed.status == 529 and failed.error.startswith("overloaded_error") and failed.usage is None
    assert ok.complete and ok.streamed and ok.usage["output_tokens"] == 7
