"""Batch results (JSONL) as capture reports them: succeeded requests with their model and usage,
errored ones counted, any chunking; a batch create's id; a plain GET is not an LLM call."""

from __future__ import annotations

import json

import httpx2
import pytest

LINES = [
    {"custom_id": "a", "result": {"type": "succeeded", "message": {
        "model": "claude-haiku-4-5-20251001", "usage": {"input_tokens": 10, "output_tokens": 3,
                                                        "cache_read_input_tokens": None}}}},
    {"custom_id": "b", "result": {"type": "errored", "error": {"type": "invalid_request_error"}}},
    {"custom_id": "c", "result": {"type": "expired"}},
    {"custom_id": "d", "result": {"type": "succeeded", "message": {
        "model": "claude-sonnet-4-5", "usage": {"input_tokens": 5, "output_tokens": 9}}}},
]
BODY = ("\n".join(json.dumps(line) for line in LINES) + "\n").encode()


@pytest.mark.parametrize("chunk", [1, 7, 64, len(BODY)])
def test_results_any_chunking(recorder, chunk):
    def handler(request):
        return httpx2.Response(200, stream=httpx2.ByteStream(BODY) if chunk == len(BODY) else
                               _Chunks([BODY[i:i + chunk] for i in range(0, len(BODY), chunk)]))
    with httpx2.Client(transport=httpx2.MockTransport(handler)) as c:
        with c.stream("GET", "https://api.anthropic.com/v1/messages/batches/msgbatch_1/results?x=1") as r:
            assert b"".join(r.iter_bytes()) == BODY
    rec = recorder.last
    assert rec.request.endpoint == "batch_results" and rec.complete and rec.usage is None
    assert rec.batch == {"id": "msgbatch_1", "errored": 1, "results": [
        ("a", "claude-haiku-4-5-20251001", {"input_tokens": 10, "output_tokens": 3}),
        ("d", "claude-sonnet-4-5", {"input_tokens": 5, "output_tokens": 9})]}


class _Chunks(httpx2.SyncByteStream):
    def __init__(self, chunks):
        self.chunks = chunks

    def __iter__(self):
        yield from self.chunks


def test_results_read_at_once_and_create_id(recorder):
    def handler(request):
        if request.method == "POST":
            return httpx2.Response(200, json={"id": "msgbatch_9", "type": "message_batch"})
        return httpx2.Response(200, content=BODY)
    with httpx2.Client(transport=httpx2.MockTransport(handler)) as c:
        c.post("https://api.anthropic.com/v1/messages/batches", json={"requests": []})
        c.get("https://api.anthropic.com/v1/messages/batches/msgbatch_9/results")
        c.get("https://api.anthropic.com/v1/messages/batches/msgbatch_9")  # retrieve: not an LLM call
        c.get("https://api.anthropic.com/v1/models")
    create, results = recorder.records
    assert create.request.endpoint == "batches" and create.batch == {"id": "msgbatch_9"}
    assert results.batch["id"] == "msgbatch_9" and len(results.batch["results"]) == 2


def test_results_error_status_is_not_parsed_as_jsonl(recorder):
    transport = httpx2.MockTransport(lambda request: httpx2.Response(
        404, json={"type": "error", "error": {"type": "not_found_error", "message": "no such batch"}}))
    with httpx2.Client(transport=transport) as c:
        c.get("https://api.anthropic.com/v1/messages/batches/nope/results")
    rec = recorder.last
    assert rec.status == 404 and rec.batch is None and rec.error == "not_found_error: no such batch"
