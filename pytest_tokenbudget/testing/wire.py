"""The fake server's wire formats: pure functions that build response bodies and stream events.

Nothing here touches a socket, a thread or the request log (that is :mod:`.server`). Each function
takes the request body and the :class:`~pytest_tokenbudget.testing.knobs.Settings` in effect and
returns JSON-able objects or encoded events; the server frames them (chunked, gzip) and applies the
transport faults (stall, cut, pacing) at the points a :class:`Stream` marks. New API shapes (batch
variants, new endpoints) belong here.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pytest_tokenbudget.testing.knobs import Settings

UNKNOWN_MODEL = "claude-nonexistent-9-20990101"
SSE = "text/event-stream; charset=utf-8"
EVENTSTREAM = "application/vnd.amazon.eventstream"
_ANTHROPIC_ERRORS = {
    400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
    404: "not_found_error", 413: "request_too_large", 429: "rate_limit_error", 500: "api_error",
    502: "api_error", 503: "api_error", 504: "api_error", 529: "overloaded_error",
}


@dataclass(frozen=True)
class Event:
    """One encoded stream event; ``delta`` numbers the text deltas (0, 1, …), ``stall`` marks where
    ``fault="stall"`` pauses (after this event)."""

    data: bytes
    delta: int | None = None
    stall: bool = False


@dataclass
class Stream:
    """A whole streamed answer: its events, and the error event ``stream-error`` sends after delta 0."""

    content_type: str
    events: list[Event] = field(default_factory=list)
    error: bytes | None = None


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def _words(text: str) -> list[str]:
    return [word if i == 0 else " " + word for i, word in enumerate(text.split(" "))]


def _new_id(prefix: str, n: int = 12) -> str:
    return prefix + uuid.uuid4().hex[:n]


def request_id() -> str:
    return _new_id("req_fake_", 16)


# -- AWS event stream (Bedrock) -------------------------------------------------------------------
def _es_header(name: str, value: str) -> bytes:
    n, v = name.encode(), value.encode()
    return bytes([len(n)]) + n + b"\x07" + len(v).to_bytes(2, "big") + v


def eventstream_frame(payload: bytes, message_type: str = "event", event_type: str = "chunk") -> bytes:
    """One AWS event-stream message (prelude, headers, payload, CRCs), as Bedrock streams them."""
    headers = _es_header(":event-type" if message_type == "event" else ":exception-type", event_type)
    headers += _es_header(":content-type", "application/json") + _es_header(":message-type", message_type)
    total = 12 + len(headers) + len(payload) + 4
    prelude = total.to_bytes(4, "big") + len(headers).to_bytes(4, "big")
    prelude += binascii.crc32(prelude).to_bytes(4, "big")
    message = prelude + headers + payload
    return message + binascii.crc32(message).to_bytes(4, "big")


# -- errors ---------------------------------------------------------------------------------------
def error_body(status: int, api: str) -> dict[str, Any]:
    """The JSON error body of ``api`` ("anthropic" or "openai") for an HTTP status."""
    if api == "anthropic":
        etype = _ANTHROPIC_ERRORS.get(status, "api_error")
        return {"type": "error", "error": {"type": etype, "message": f"fake {status} ({etype})"},
                "request_id": request_id()}
    return {"error": {"message": f"fake {status}", "type": "server_error" if status >= 500 else "invalid_request_error",
                      "param": None, "code": None}}


def invalid_request(message: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": "invalid_request_error", "message": message}}


# -- Anthropic ------------------------------------------------------------------------------------
def model_name(body: dict[str, Any], s: Settings, default: str = "claude-haiku-4-5") -> str:
    if s.fault == "unknown-model":
        return UNKNOWN_MODEL
    return s.model or body.get("model") or default


def anthropic_usage(s: Settings, *, start: bool = False) -> dict[str, Any] | None:
    if s.fault == "missing-usage":
        return None
    u = s.usage
    w5, w1 = u["cache_write_5m"], u["cache_write_1h"]
    usage: dict[str, Any] = {
        "input_tokens": u["input"],
        "cache_creation_input_tokens": w5 + w1,
        "cache_read_input_tokens": u["cache_read"],
        "cache_creation": {"ephemeral_5m_input_tokens": w5, "ephemeral_1h_input_tokens": w1},
        "output_tokens": 1 if start else u["output"],
        "service_tier": "standard",
    }
    if s.fault == "bad-usage":
        usage["input_tokens"] = -5
        usage["output_tokens"] = 2.5
    return usage


def message_obj(body: dict[str, Any], s: Settings) -> dict[str, Any]:
    """A complete Messages API response."""
    msg: dict[str, Any] = {
        "id": _new_id("msg_fake_", 20), "type": "message", "role": "assistant",
        "model": model_name(body, s), "content": [{"type": "text", "text": s.text}],
        "stop_reason": "end_turn", "stop_sequence": None,
    }
    usage = anthropic_usage(s)
    if usage is not None:
        msg["usage"] = usage
    return msg


def _anthropic_encoder(eventstream: bool) -> Callable[[str, dict[str, Any]], bytes]:
    def ev(name: str, data: dict[str, Any]) -> bytes:
        raw = _dumps(data)
        if not eventstream:
            return b"event: %s\ndata: %s\n\n" % (name.encode(), raw)
        if name == "error":
            return eventstream_frame(json.dumps({"message": data["error"]["message"]}).encode(),
                                     "exception", "modelStreamErrorException")
        return eventstream_frame(json.dumps({"bytes": base64.b64encode(raw).decode()}).encode())
    return ev


def message_stream(body: dict[str, Any], s: Settings, framing: str = "sse") -> Stream:
    """A streamed Messages answer, as SSE or (``framing="eventstream"``) Bedrock event-stream frames."""
    ev = _anthropic_encoder(framing == "eventstream")
    msg = message_obj(body, s)
    msg["content"], msg["stop_reason"] = [], None
    if "usage" in msg:
        msg["usage"] = anthropic_usage(s, start=True)
    out = Stream(EVENTSTREAM if framing == "eventstream" else SSE)
    out.events.append(Event(ev("message_start", {"type": "message_start", "message": msg}), stall=True))
    out.events.append(Event(ev("content_block_start", {"type": "content_block_start", "index": 0,
                                                       "content_block": {"type": "text", "text": ""}})))
    out.events.append(Event(ev("ping", {"type": "ping"})))
    for i, piece in enumerate(_words(s.text)):
        out.events.append(Event(ev("content_block_delta", {"type": "content_block_delta", "index": 0,
                                                           "delta": {"type": "text_delta", "text": piece}}), delta=i))
    out.error = ev("error", {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})
    out.events.append(Event(ev("content_block_stop", {"type": "content_block_stop", "index": 0})))
    delta: dict[str, Any] = {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None}}
    full = anthropic_usage(s)
    if full is not None and s.fault != "no-final-usage":
        delta["usage"] = {k: full[k] for k in ("input_tokens", "cache_creation_input_tokens",
                                               "cache_read_input_tokens", "output_tokens")}
    out.events.append(Event(ev("message_delta", delta)))
    out.events.append(Event(ev("message_stop", {"type": "message_stop"})))
    return out


def count_tokens_obj(s: Settings) -> dict[str, Any]:
    u = s.usage
    return {"input_tokens": u["input"] + u["cache_read"] + u["cache_write_5m"] + u["cache_write_1h"]}


# -- Message Batches ------------------------------------------------------------------------------
def new_batch_id() -> str:
    return _new_id("msgbatch_fake_", 16)


def batch_obj(batch_id: str, n: int, base_url: str) -> dict[str, Any]:
    """A batch that has ended with ``n`` succeeded requests."""
    now = "2026-01-01T00:00:00Z"
    return {
        "id": batch_id, "type": "message_batch", "processing_status": "ended",
        "request_counts": {"processing": 0, "succeeded": n, "errored": 0, "canceled": 0, "expired": 0},
        "ended_at": now, "created_at": now, "expires_at": now, "archived_at": None,
        "cancel_initiated_at": None, "results_url": f"{base_url}/v1/messages/batches/{batch_id}/results",
    }


def batch_results(body: dict[str, Any], s: Settings) -> tuple[int, bytes]:
    """The results JSONL of a batch create request: (number of requests, body)."""
    lines = []
    for item in body.get("requests") or []:
        msg = message_obj(item.get("params") or {}, s)
        if "usage" in msg:
            msg["usage"]["service_tier"] = "batch"
        lines.append(json.dumps({"custom_id": item.get("custom_id"),
                                 "result": {"type": "succeeded", "message": msg}}, separators=(",", ":")))
    return len(lines), ("\n".join(lines) + "\n").encode()


# -- OpenAI ---------------------------------------------------------------------------------------
def openai_usage(s: Settings, chat: bool = True) -> dict[str, Any] | None:
    if s.fault == "missing-usage":
        return None
    u = s.usage
    prompt = u["input"] + u["cache_read"] + u["cache_write_5m"] + u["cache_write_1h"]
    out: Any = u["output"]
    if s.fault == "bad-usage":
        prompt, out = -5, 2.5
    if chat:
        return {"prompt_tokens": prompt, "completion_tokens": out, "total_tokens": prompt + out,
                "prompt_tokens_details": {"cached_tokens": u["cache_read"], "audio_tokens": 0},
                "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
                                              "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}}
    return {"input_tokens": prompt, "input_tokens_details": {"cached_tokens": u["cache_read"]},
            "output_tokens": out, "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": prompt + out}


def chat_obj(body: dict[str, Any], s: Settings) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "id": _new_id("chatcmpl-fake"), "object": "chat.completion", "created": int(time.time()),
        "model": model_name(body, s, "gpt-4o-mini"),
        "choices": [{"index": 0, "message": {"role": "assistant", "content": s.text, "refusal": None},
                     "logprobs": None, "finish_reason": "stop"}],
        "service_tier": "default", "system_fingerprint": "fp_fake",
    }
    usage = openai_usage(s)
    if usage is not None:
        obj["usage"] = usage
    return obj


def chat_stream(body: dict[str, Any], s: Settings) -> Stream:
    """A streamed chat completion; the usage chunk only with ``stream_options.include_usage``."""
    model = model_name(body, s, "gpt-4o-mini")
    cid, created = _new_id("chatcmpl-fake"), int(time.time())
    include_usage = bool((body.get("stream_options") or {}).get("include_usage"))

    def chunk(delta: dict[str, Any], finish: str | None = None, choices: bool = True, u: Any = None) -> bytes:
        obj = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
               "system_fingerprint": "fp_fake",
               "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}] if choices else []}
        if include_usage:
            obj["usage"] = u
        return b"data: " + _dumps(obj) + b"\n\n"

    out = Stream(SSE, [Event(chunk({"role": "assistant", "content": "", "refusal": None}), stall=True)])
    out.events += [Event(chunk({"content": piece}), delta=i) for i, piece in enumerate(_words(s.text))]
    out.error = b'data: {"error":{"message":"fake overloaded","type":"server_error","param":null,"code":null}}\n\n'
    out.events.append(Event(chunk({}, "stop")))
    if include_usage:
        out.events.append(Event(chunk({}, choices=False, u=openai_usage(s))))
    out.events.append(Event(b"data: [DONE]\n\n"))
    return out


def completion_obj(body: dict[str, Any], s: Settings) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "id": _new_id("cmpl-fake"), "object": "text_completion", "created": int(time.time()),
        "model": model_name(body, s, "gpt-3.5-turbo-instruct"),
        "choices": [{"text": s.text, "index": 0, "logprobs": None, "finish_reason": "stop"}],
    }
    usage = openai_usage(s)
    if usage is not None:
        obj["usage"] = {k: usage[k] for k in ("prompt_tokens", "completion_tokens", "total_tokens")}
    return obj


def embeddings_obj(body: dict[str, Any], s: Settings) -> dict[str, Any]:
    inputs = body.get("input")
    n = len(inputs) if isinstance(inputs, list) and inputs and not isinstance(inputs[0], int) else 1
    obj: dict[str, Any] = {
        "object": "list", "model": model_name(body, s, "text-embedding-3-small"),
        "data": [{"object": "embedding", "index": i, "embedding": [0.0, 0.1, 0.2]} for i in range(n)],
    }
    if s.fault != "missing-usage":
        obj["usage"] = {"prompt_tokens": s.usage["input"], "total_tokens": s.usage["input"]}
    return obj


def response_obj(body: dict[str, Any], s: Settings, status: str = "completed",
                 rid: str | None = None) -> dict[str, Any]:
    """A Responses API object (``status="in_progress"``: no output, no usage)."""
    obj: dict[str, Any] = {
        "id": rid or _new_id("resp_fake"), "object": "response", "created_at": int(time.time()),
        "status": status, "model": model_name(body, s, "gpt-4o-mini"), "error": None,
        "incomplete_details": None, "instructions": None, "max_output_tokens": body.get("max_output_tokens"),
        "output": [] if status != "completed" else [{
            "type": "message", "id": "msg_fake", "status": "completed", "role": "assistant",
            "content": [{"type": "output_text", "text": s.text, "annotations": []}]}],
        "parallel_tool_calls": True, "temperature": 1.0, "tool_choice": "auto", "tools": [], "top_p": 1.0,
        "usage": None,
    }
    if status == "completed":
        obj["usage"] = openai_usage(s, chat=False)
        if obj["usage"] is None:
            del obj["usage"]
    return obj


def response_stream(body: dict[str, Any], s: Settings) -> Stream:
    """A streamed Responses answer (no stall point, no error event: as before the split)."""
    seq, rid = 0, _new_id("resp_fake")

    def ev(name: str, data: dict[str, Any]) -> bytes:
        nonlocal seq
        data = {"type": name, "sequence_number": seq, **data}
        seq += 1
        return b"event: %s\ndata: %s\n\n" % (name.encode(), _dumps(data))

    out = Stream(SSE)
    out.events.append(Event(ev("response.created", {"response": response_obj(body, s, "in_progress", rid)})))
    out.events.append(Event(ev("response.output_item.added", {"output_index": 0, "item": {
        "type": "message", "id": "msg_fake", "status": "in_progress", "role": "assistant", "content": []}})))
    out.events.append(Event(ev("response.content_part.added", {
        "item_id": "msg_fake", "output_index": 0, "content_index": 0,
        "part": {"type": "output_text", "text": "", "annotations": []}})))
    for i, piece in enumerate(_words(s.text)):
        out.events.append(Event(ev("response.output_text.delta", {
            "item_id": "msg_fake", "output_index": 0, "content_index": 0, "delta": piece, "logprobs": []}), delta=i))
    out.events.append(Event(ev("response.completed", {"response": response_obj(body, s, rid=rid)})))
    return out
