"""Stream readers and path classification, without HTTP."""

from __future__ import annotations

import base64
import binascii
import json
import random
import struct
import zlib

import httpx2
import pytest

from pytest_tokenbudget.plugin.capture.endpoints import classify_path
from pytest_tokenbudget.plugin.capture.parse import (
    AnthropicSSE, BedrockEventStream, OpenAIChatSSE, ResponsesSSE, make_decoder, parse_json_body, strip_none,
)

START = {"type": "message_start", "message": {"model": "claude-x-1", "usage": {
    "input_tokens": 10, "cache_creation_input_tokens": 30, "cache_read_input_tokens": 50,
    "cache_creation": {"ephemeral_5m_input_tokens": 10, "ephemeral_1h_input_tokens": 20},
    "output_tokens": 1, "service_tier": "standard", "inference_geo": None}}}
DELTA1 = {"type": "message_delta", "delta": {"stop_reason": None}, "usage": {"output_tokens": 5}}
DELTA2 = {"type": "message_delta", "delta": {"stop_reason": "end_turn"},
          "usage": {"output_tokens": 9, "input_tokens": 12, "server_tool_use": {"web_search_requests": 1}}}
EXPECTED = {"input_tokens": 12, "cache_creation_input_tokens": 30, "cache_read_input_tokens": 50,
            "cache_creation": {"ephemeral_5m_input_tokens": 10, "ephemeral_1h_input_tokens": 20},
            "output_tokens": 9, "service_tier": "standard", "server_tool_use": {"web_search_requests": 1}}


def anthropic_sse(eol: str = "\n") -> bytes:
    events = [("message_start", START), ("content_block_start", {"type": "content_block_start"}),
              ("ping", {"type": "ping"})]
    events += [("content_block_delta", {"type": "content_block_delta", "delta": {"text": "a\\nb"}})] * 4
    events += [("message_delta", DELTA1), ("message_delta", DELTA2), ("message_stop", {"type": "message_stop"})]
    out = "".join(f": comment{eol}event: {n}{eol}data: {json.dumps(d)}{eol}{eol}" for n, d in events)
    return out.encode()


def feed_in(reader, data: bytes, sizes) -> None:
    i = 0
    while i < len(data):
        n = next(sizes)
        reader.feed(data[i:i + n])
        i += n


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, 100000, "random"])
def test_anthropic_sse_any_chunking(eol, size):
    data = anthropic_sse(eol)
    rnd = random.Random(42)
    sizes = iter(lambda: rnd.randint(1, 40), None) if size == "random" else iter(lambda: size, None)
    reader = AnthropicSSE("anthropic", "messages")
    feed_in(reader, data, sizes)
    if eol == "\r":  # a trailing lone CR may be half of a CRLF: the next byte decides
        reader.feed(b"\n")
    assert reader.usage == EXPECTED
    assert reader.complete and reader.model == "claude-x-1" and reader.events == 10


def test_gzip_and_deflate_decoders_chunked():
    data = anthropic_sse()
    for wbits, enc in ((31, "gzip"), (15, "deflate"), (-15, "deflate")):
        c = zlib.compressobj(6, zlib.DEFLATED, wbits)
        blob = c.compress(data) + c.flush()
        dec = make_decoder(enc, httpx2)
        reader = AnthropicSSE("anthropic", "messages")
        for i in range(0, len(blob), 5):
            reader.feed(dec(blob[i:i + 5]))
        assert reader.usage == EXPECTED and reader.complete
    assert make_decoder("identity", httpx2) is None
    with pytest.raises(LookupError):
        make_decoder("x-unknown", httpx2)


def test_openai_chat_reader():
    chunks = [{"model": "gpt-x", "choices": [{"delta": {"content": "hi"}}], "usage": None},
              {"model": "gpt-x", "choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 2,
                                                          "prompt_tokens_details": None}}]
    data = b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks) + b"data: [DONE]\n\n"
    r = OpenAIChatSSE("openai", "chat.completions")
    r.feed(data)
    assert r.usage == {"prompt_tokens": 3, "completion_tokens": 2} and r.complete and r.model == "gpt-x"


def test_responses_reader():
    resp = {"model": "gpt-y", "usage": {"input_tokens": 4, "output_tokens": 5, "total_tokens": 9}}
    data = (b'event: response.created\ndata: {"type":"response.created","response":{"model":"gpt-y","usage":null}}\n\n'
            b'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"x"}\n\n'
            b"event: response.completed\ndata: " + json.dumps({"type": "response.completed", "response": resp}).encode()
            + b"\n\n")
    r = ResponsesSSE("openai", "responses")
    r.feed(data)
    assert r.usage == resp["usage"] and r.complete and r.model == "gpt-y"


def _eventstream_frame(payload: bytes, headers: bytes = b"") -> bytes:
    total = 12 + len(headers) + len(payload) + 4
    prelude = struct.pack(">II", total, len(headers))
    prelude += struct.pack(">I", binascii.crc32(prelude))
    body = prelude + headers + payload
    return body + struct.pack(">I", binascii.crc32(body))


def test_bedrock_event_stream():
    frames = b""
    for ev in (START, DELTA2, {"type": "message_stop"}):
        frames += _eventstream_frame(json.dumps({"bytes": base64.b64encode(json.dumps(ev).encode()).decode()}).encode(),
                                     b"\x0b:event-type\x07\x00\x05chunk")
    r = BedrockEventStream("anthropic", "messages")
    feed_in(r, frames, iter(lambda: 17, None))
    assert r.complete and r.usage["output_tokens"] == 9 and r.usage["cache_read_input_tokens"] == 50


def test_parse_json_body_and_strip_none():
    assert parse_json_body("anthropic", "messages", b'{"type":"error","error":{"type":"overloaded_error",'
                           b'"message":"Overloaded"}}', 529) == (None, None, "overloaded_error: Overloaded", True)
    assert parse_json_body("openai", "chat.completions", b"<html>", 502)[2] == "HTTP 502 (body is not JSON)"
    assert parse_json_body("anthropic", "count_tokens", b'{"input_tokens": 5}', 200) == (None, None, None, True)
    assert strip_none({"a": None, "b": {"c": None, "d": 1}}) == {"b": {"d": 1}}


@pytest.mark.parametrize("path,expected", [
    (b"/v1/messages", ("anthropic", "messages", None, None)),
    (b"/anthropic/v1/messages", ("anthropic", "messages", None, None)),
    (b"/v1/messages/count_tokens", ("anthropic", "count_tokens", None, None)),
    (b"/v1/messages/batches", ("anthropic", "batches", None, None)),
    (b"/v1/chat/completions", ("openai", "chat.completions", None, None)),
    (b"/openai/deployments/d/chat/completions", ("openai", "chat.completions", None, None)),
    (b"/v1/completions", ("openai", "completions", None, None)),
    (b"/v1/responses", ("openai", "responses", None, None)),
    (b"/v1/embeddings", ("openai", "embeddings", None, None)),
    (b"/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke",
     ("anthropic", "messages", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", False)),
    (b"/model/anthropic.claude-haiku-4-5-20251001-v1:0/invoke-with-response-stream",
     ("anthropic", "messages", "anthropic.claude-haiku-4-5-20251001-v1:0", True)),
    (b"/v1/projects/p/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:streamRawPredict",
     ("anthropic", "messages", "claude-sonnet-4-5@20250929", True)),
    (b"/v1/projects/p/locations/global/publishers/anthropic/models/claude-haiku-4-5@20251001:rawPredict",
     ("anthropic", "messages", "claude-haiku-4-5@20251001", False)),
    (b"/v1/projects/p/locations/global/publishers/anthropic/models/count-tokens:rawPredict",
     ("anthropic", "count_tokens", None, False)),
    (b"/v1/threads/t/messages", None),
    (b"/2010-04-01/Accounts/A/Messages.json", None),
    (b"/api/invoke", None),
    (b"/v1/models", None),
])
def test_classify_path(path, expected):
    got = classify_path(path)
    assert (got[:4] if got else None) == expected


def test_scrub_removes_queries_and_keys():
    from pytest_tokenbudget.plugin.capture.parse import describe_error, scrub

    text = scrub("POST https://h.example/v1/messages?key=abc#x failed for sk-ant-api03-abcdefghijkl (Bearer tok123)")
    assert "abc" not in text and "abcdefghijkl" not in text and "tok123" not in text
    assert "https://h.example/v1/messages" in text
    assert "sk-proj-secretsecret" not in describe_error(
        {"error": {"type": "authentication_error", "message": "bad key sk-proj-secretsecret"}})
