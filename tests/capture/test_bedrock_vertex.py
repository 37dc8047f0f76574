"""Bedrock and Vertex through the plugin: the model comes from the URL, is priced with the catalog's
Bedrock/Vertex ids, budgets it before sending, and the Bedrock event-stream framing is checked.

Clients: the real ``anthropic.AnthropicBedrock`` (bearer ``api_key``, so no SigV4 signing) for
``invoke``, and ``anthropic.AnthropicVertex`` (``access_token``) for ``rawPredict`` and
``streamRawPredict``. The SDK's Bedrock *stream* decoder needs botocore, which is not installed
here: ``invoke-with-response-stream`` is sent as a raw httpx2 request of the SDK's shape."""

from __future__ import annotations

import base64
import json
import struct
import zlib
from decimal import Decimal

import anthropic  # noqa: F401  (imported once: pytester's in-process runs restore sys.modules)

from pytest_tokenbudget.plugin.capture.parse import BedrockEventStream

BEDROCK_SECRET = "bedrock-bearer-SECRET-123"
VERTEX_SECRET = "ya29.SECRET-456"


def _frame(event: dict, message_type: str = "event") -> bytes:
    def header(name: str, value: str) -> bytes:
        return bytes([len(name)]) + name.encode() + b"\x07" + struct.pack(">H", len(value)) + value.encode()
    headers = header(":event-type", "chunk") + header(":message-type", message_type)
    payload = json.dumps({"bytes": base64.b64encode(json.dumps(event).encode()).decode(), "p": "abc"}).encode()
    prelude = struct.pack(">II", 12 + len(headers) + len(payload) + 4, len(headers))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    body = prelude + headers + payload
    return body + struct.pack(">I", zlib.crc32(body))


START = {"type": "message_start", "message": {"model": "claude-haiku-4-5-20251001", "usage": {
    "input_tokens": 10, "output_tokens": 1}}}
DELTA = {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 9}}
STOP = {"type": "message_stop", "amazon-bedrock-invocationMetrics": {"inputTokenCount": 10, "outputTokenCount": 9}}


def test_event_stream_frames_checked_by_crc():
    good = _frame(START) + _frame(DELTA) + _frame(STOP)
    r = BedrockEventStream("anthropic", "messages")
    for i in range(0, len(good), 7):  # any chunk boundary
        r.feed(good[i:i + 7])
    assert r.complete and r.error is None and r.usage["output_tokens"] == 9 and r.events == 3

    second = _frame(DELTA)
    corrupt = bytearray(second)
    corrupt[len(corrupt) // 2] ^= 0x01  # one flipped bit inside the payload: the message CRC fails
    r = BedrockEventStream("anthropic", "messages")
    r.feed(_frame(START) + bytes(corrupt) + _frame(STOP))
    assert not r.complete and r.error == "corrupt event-stream frame (message CRC)"
    assert r.usage["input_tokens"] == 10  # what was seen before the damage is kept

    bad_prelude = bytearray(second)
    bad_prelude[2] ^= 0x40  # the total length: the prelude CRC fails, nothing after it is trusted
    r = BedrockEventStream("anthropic", "messages")
    r.feed(_frame(START) + bytes(bad_prelude))
    r.feed(_frame(STOP))
    assert not r.complete and r.error == "corrupt event-stream frame (prelude CRC or lengths)"


INNER = '''
import anthropic, httpx2, pytest

MSG = [{{"role": "user", "content": "Say hi"}}]
BEDROCK = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
SONNET = "anthropic.claude-sonnet-4-5-20250929-v1:0"

@pytest.fixture
def bedrock(fake_llm_server):
    return anthropic.AnthropicBedrock(api_key={bedrock!r}, aws_region="us-east-1", base_url=fake_llm_server.url,
                                      max_retries=0)

@pytest.fixture
def vertex(fake_llm_server):
    return anthropic.AnthropicVertex(region="us-east5", project_id="proj", access_token={vertex!r},
                                     base_url=fake_llm_server.url + "/v1", max_retries=0)

def test_bedrock_invoke(bedrock, token_usage):
    bedrock.messages.create(model=BEDROCK, max_tokens=8, messages=MSG)
    (e,) = token_usage.records
    assert (e.request_model, e.priced_model, e.streamed) == (BEDROCK, "claude-haiku-4-5", False)
    # 17 in x $1/M + 7 out x $5/M, +10% for the us. regional inference profile (Claude 4.5 and later)
    assert str(e.cost_usd) == "0.0000572"

def test_bedrock_stream(fake_llm_server, token_usage):
    url = fake_llm_server.url + "/model/" + SONNET.replace(":", "%3A") + "/invoke-with-response-stream"
    body = {{"anthropic_version": "bedrock-2023-05-31", "max_tokens": 8, "messages": MSG}}
    with httpx2.Client() as c, c.stream("POST", url, json=body, headers={{"authorization": "Bearer " + {bedrock!r}}}) as r:
        assert r.headers["content-type"] == "application/vnd.amazon.eventstream"
        r.read()
    (e,) = token_usage.records
    assert (e.request_model, e.priced_model, e.streamed, e.complete) == (SONNET, "claude-sonnet-4-5", True, True)
    assert str(e.cost_usd) == "0.000156"  # 17 in x $3/M + 7 out x $15/M

def test_vertex(vertex, token_usage):
    vertex.messages.create(model="claude-haiku-4-5@20251001", max_tokens=8, messages=MSG)
    with vertex.messages.stream(model="claude-haiku-4-5@20251001", max_tokens=8, messages=MSG) as s:
        s.get_final_message()
    # the us-east5 regional endpoint costs 10% more than the global one on Claude 4.5 and later
    assert [(e.request_model, e.priced_model, e.streamed, str(e.cost_usd)) for e in token_usage.records] == [
        ("claude-haiku-4-5@20251001", "claude-haiku-4-5", False, "0.0000572"),
        ("claude-haiku-4-5@20251001", "claude-haiku-4-5", True, "0.0000572")]

@pytest.mark.token_budget(usd=0.001)
def test_bedrock_refused_by_url_model(bedrock, fake_llm_server):
    # the body names no model: the worst case is priced by the URL's (1,000 x $15/M = $0.015)
    with pytest.raises(BaseException) as info:
        bedrock.messages.create(model=SONNET, max_tokens=1000, messages=MSG)
    assert type(info.value).__name__ == "TokenBudgetExceeded"
    assert "call to " + SONNET + " refused before sending" in str(info.value)
    assert fake_llm_server.request_count == 0
'''


def test_bedrock_and_vertex_through_the_plugin(pytester):
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(test_platforms=INNER.format(bedrock=BEDROCK_SECRET, vertex=VERTEX_SECRET))
    result = pytester.runpytest("--token-budget", "--token-budget-json=run.json", "-p", "no:cacheprovider",
                                "-p", "no:randomly")
    result.assert_outcomes(passed=4)
    out = result.stdout.str()
    run = json.loads((pytester.path / "run.json").read_text())
    assert Decimal(run["totals"]["live"]["cost_usd"]) == Decimal("0.0003276")  # 3 regional calls at +10%
    result.stdout.fnmatch_lines([
        "live: 4 calls, 96 tokens *cost $0.000328",
        "  claude-haiku-4-5 * 3 * $0.000172",
        "  claude-sonnet-4-5 * 1 * $0.000156",
        "refused before sending: 1 call (1 by the test budget); nothing was sent",
    ])
    assert BEDROCK_SECRET not in out and VERTEX_SECRET not in out
