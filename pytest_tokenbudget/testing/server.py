"""A fake Anthropic + OpenAI-compatible API server on 127.0.0.1, speaking the real wire format.

It runs in its own thread on an ephemeral port (HTTP/1.1 keep-alive, chunked SSE, Nagle off) and
answers:

- ``POST /v1/messages`` (JSON, or SSE when ``"stream": true``: ``message_start`` with the full usage
  — cache-write 5m/1h split, ``service_tier`` —, ``content_block_start``, ``ping``,
  ``content_block_delta`` × N, ``content_block_stop``, ``message_delta`` with cumulative usage,
  ``message_stop``)
- ``POST /v1/messages/count_tokens``
- ``POST /v1/messages/batches``, ``GET /v1/messages/batches/{id}``, ``GET …/{id}/results`` (JSONL)
- ``POST /v1/chat/completions`` (JSON or SSE; the final usage chunk only with
  ``stream_options.include_usage``; then ``data: [DONE]``)
- ``POST /v1/responses`` (JSON or SSE), ``POST /v1/completions``, ``POST /v1/embeddings``
- Vertex AI: ``POST /v1/projects/{p}/locations/{l}/publishers/anthropic/models/{model}:rawPredict``
  (JSON) / ``:streamRawPredict`` (SSE), ``…/models/count-tokens:rawPredict`` (``AnthropicVertex(
  base_url=server.url + "/v1", access_token="x", …)``)
- Bedrock: ``POST /model/{id}/invoke`` (JSON) / ``/invoke-with-response-stream`` (AWS event stream,
  ``{"bytes": base64(event)}`` payloads; ``stream-error`` becomes an exception frame)

Every knob can be set on the server (Python API, lasts until :meth:`FakeLLMServer.reset`) or per
request with an ``x-fake-*`` header (SDKs: ``extra_headers={...}``):

==========================  ===========================================================
attribute / header          meaning
==========================  ===========================================================
``model`` / x-fake-model    model named in the response (default: the request's model)
``text`` / x-fake-text      the answer text (streams send it word by word)
``usage`` / x-fake-usage    token counts: dict with ``input``, ``output``, ``cache_read``,
                            ``cache_write_5m``, ``cache_write_1h`` (header: JSON, or
                            ``input=10,output=5``)
``fail`` / x-fake-fail      statuses by attempt, e.g. ``[529, 500]``: attempt *n* (from
                            ``x-stainless-retry-count``, 0 without it) fails with
                            ``fail[n]``; later attempts succeed. Errors carry
                            ``retry-after-ms`` (``retry_after_ms``, default 1)
``fail_next`` (Python only)  statuses consumed one per request, whatever its headers
                            (for raw clients that send no retry count): ``[500]``
``delay_ms`` / x-fake-delay-ms  wait before answering
``gzip`` / x-fake-gzip      gzip the body (SSE: one sync-flushed gzip member per event)
``fault`` / x-fake-fault    one of :data:`FAULTS` (below)
``stall_ms`` / x-fake-stall-ms  for ``fault="stall"``: how long to stall (default 5000)
``event_delay_ms`` / x-fake-event-delay-ms  streams: pause before each text delta
==========================  ===========================================================

Faults (:data:`FAULTS`): ``stream-error`` (SSE ``event: error`` after the first delta),
``truncated-json`` (a 200 whose JSON body is cut in half), ``sse-cut`` (SSE cut in the middle of
an event, connection dropped), ``html-502`` (an HTML 502 page), ``reset`` (TCP reset right after
reading the request), ``stall`` (stream: stall after ``message_start``; JSON: stall before the
headers — for read timeouts), ``missing-usage`` (no ``usage`` anywhere), ``unknown-model`` (the
response names a model no catalog has), ``bad-usage`` (negative and non-integer counts),
``gzip-garbage`` (``content-encoding: gzip`` on bytes that are not gzip), ``no-final-usage``
(Anthropic streams: ``message_delta`` without ``usage``, so only ``message_start``'s is known).

The server counts what it received (:attr:`FakeLLMServer.request_count`,
:attr:`FakeLLMServer.requests`) so a test can prove that a refused call never reached it. It
ignores authentication and never stores or logs ``x-api-key`` / ``authorization`` / ``api-key``.
"""

from __future__ import annotations

import base64
import binascii
import gzip as _gzip
import json
import re
import socket
import struct
import threading
import time
import uuid
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

__all__ = ["FAULTS", "FakeLLMServer", "ReceivedRequest", "UNKNOWN_MODEL"]

FAULTS = frozenset({
    "stream-error", "truncated-json", "sse-cut", "html-502", "reset", "stall", "missing-usage",
    "unknown-model", "bad-usage", "gzip-garbage", "no-final-usage",
})
UNKNOWN_MODEL = "claude-nonexistent-9-20990101"
DEFAULT_TEXT = "the quick brown fox jumps over the lazy dog"
DEFAULT_USAGE = {"input": 17, "output": 7, "cache_read": 0, "cache_write_5m": 0, "cache_write_1h": 0}
_SECRET_HEADERS = frozenset({"x-api-key", "authorization", "api-key", "proxy-authorization", "cookie"})
_ANTHROPIC_ERRORS = {
    400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
    404: "not_found_error", 413: "request_too_large", 429: "rate_limit_error", 500: "api_error",
    502: "api_error", 503: "api_error", 504: "api_error", 529: "overloaded_error",
}
_USAGE_KEYS = ("input", "output", "cache_read", "cache_write_5m", "cache_write_1h")
_BEDROCK = re.compile(r"/model/([^/]+)/(invoke|invoke-with-response-stream)")
_VERTEX = re.compile(r"/v1/projects/[^/]+/locations/[^/]+/publishers/anthropic/models/([^/:]+):(rawPredict|streamRawPredict)")
_OPENAI_PATHS = ("/v1/chat/", "/v1/responses", "/v1/completions", "/v1/embeddings")


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


@dataclass(frozen=True)
class ReceivedRequest:
    """One request as the server saw it (secrets removed)."""

    method: str
    path: str
    headers: dict[str, str] = field(repr=False)
    body: Any = field(repr=False)
    attempt: int | None


def _parse_usage(value: Any) -> dict[str, int]:
    if isinstance(value, dict):
        raw = value
    else:
        text = str(value).strip()
        if text.startswith("{"):
            raw = json.loads(text)
        else:
            raw = dict(part.split("=", 1) for part in text.split(",") if part.strip())
    out: dict[str, int] = {}
    for key, v in raw.items():
        key = key.strip()
        key = {"input_tokens": "input", "output_tokens": "output", "cache_read_input_tokens": "cache_read",
               "cache_write": "cache_write_5m"}.get(key, key)
        if key not in _USAGE_KEYS:
            raise ValueError(f"unknown usage knob {key!r} (use {', '.join(_USAGE_KEYS)})")
        out[key] = int(v)
    return out


class _Settings:
    """The knobs in effect for one request: server values overridden by x-fake-* headers."""

    __slots__ = ("model", "text", "usage", "fail", "retry_after_ms", "delay_ms", "gzip", "fault", "stall_ms",
                 "event_delay_ms")

    def __init__(self, server: FakeLLMServer, headers: Any) -> None:
        self.model = headers.get("x-fake-model") or server.model
        self.text = headers.get("x-fake-text") or server.text
        usage = dict(DEFAULT_USAGE)
        usage.update(server.usage)
        if headers.get("x-fake-usage"):
            usage.update(_parse_usage(headers["x-fake-usage"]))
        self.usage = usage
        fail = headers.get("x-fake-fail")
        self.fail = [int(s) for s in fail.split(",") if s.strip()] if fail is not None else list(server.fail)
        self.retry_after_ms = int(headers.get("x-fake-retry-after-ms") or server.retry_after_ms)
        self.delay_ms = float(headers.get("x-fake-delay-ms") or server.delay_ms)
        g = headers.get("x-fake-gzip")
        self.gzip = server.gzip if g is None else g.lower() not in ("0", "false", "no", "")
        self.fault = headers.get("x-fake-fault") or server.fault
        if self.fault is not None and self.fault not in FAULTS:
            raise ValueError(f"unknown fault {self.fault!r}")
        self.stall_ms = float(headers.get("x-fake-stall-ms") or server.stall_ms)
        self.event_delay_ms = float(headers.get("x-fake-event-delay-ms") or server.event_delay_ms)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512  # listen backlog: hundreds of concurrent clients must not be refused

    def handle_error(self, request: Any, client_address: Any) -> None:  # clients hang up: expected
        pass


class FakeLLMServer:
    """The fake API. ``with FakeLLMServer() as s: Anthropic(base_url=s.url, api_key="x")``."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the fake server only listens on the loopback interface")
        self._host = host
        self._port = port
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._batches: dict[str, dict[str, Any]] = {}
        self.requests: list[ReceivedRequest] = []
        self.reset()

    # -- knobs -------------------------------------------------------------------------------
    def reset(self) -> None:
        """Back to the defaults, and forget the requests received (batches stay: like the real API's,
        a batch outlives the test that created it)."""
        self.model: str | None = None
        self.text: str = DEFAULT_TEXT
        self.usage: dict[str, int] = dict(DEFAULT_USAGE)
        self.fail: list[int] = []
        self.fail_next: list[int] = []
        self.retry_after_ms: int = 1
        self.delay_ms: float = 0.0
        self.gzip: bool = False
        self.fault: str | None = None
        self.stall_ms: float = 5000.0
        self.event_delay_ms: float = 0.0
        with self._lock:
            self.requests.clear()

    def set_usage(self, input: int | None = None, output: int | None = None, cache_read: int | None = None,
                  cache_write_5m: int | None = None, cache_write_1h: int | None = None) -> None:
        """Set the token counts the next responses report (``None`` keeps the current value)."""
        for key, value in (("input", input), ("output", output), ("cache_read", cache_read),
                           ("cache_write_5m", cache_write_5m), ("cache_write_1h", cache_write_1h)):
            if value is not None:
                self.usage[key] = int(value)

    @property
    def request_count(self) -> int:
        """How many requests reached the server since the last :meth:`reset`."""
        return len(self.requests)

    def count(self, path_suffix: str = "") -> int:
        """Requests received whose path ends with ``path_suffix``."""
        with self._lock:
            return sum(1 for r in self.requests if r.path.endswith(path_suffix))

    # -- lifecycle -----------------------------------------------------------------------------
    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the fake server is not running")
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        """Base URL for ``Anthropic(base_url=...)`` (no trailing ``/v1``)."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}"

    @property
    def openai_url(self) -> str:
        """Base URL for ``OpenAI(base_url=...)``."""
        return self.url + "/v1"

    def start(self) -> FakeLLMServer:
        if self._httpd is not None:
            return self
        handler = type("Handler", (_Handler,), {"fake": self})
        server_cls: type[ThreadingHTTPServer] = _QuietServer
        if ":" in self._host:
            server_cls = type("V6Server", (_QuietServer,), {"address_family": socket.AF_INET6})
        httpd = server_cls((self._host, self._port), handler)
        httpd.daemon_threads = True
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fake-llm-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeLLMServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.url if self._httpd is not None else "stopped"
        return f"<FakeLLMServer {where} requests={self.request_count}>"

    # -- bookkeeping used by the handler -------------------------------------------------------
    def _received(self, req: ReceivedRequest) -> None:
        with self._lock:
            self.requests.append(req)


def _anthropic_usage(s: _Settings, *, start: bool = False) -> dict[str, Any] | None:
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


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes: avoid 40 ms delayed-ACK stalls
    server_version = "fake-llm"
    sys_version = ""
    fake: FakeLLMServer

    def log_message(self, format: str, *args: Any) -> None:  # never log (headers may hold keys)
        pass

    # -- plumbing ------------------------------------------------------------------------------
    def _read_body(self) -> bytes:
        length = int(self.headers.get("content-length") or 0)
        data = self.rfile.read(length) if length else b""
        if self.headers.get("content-encoding", "").lower() == "gzip" and data:
            data = _gzip.decompress(data)
        return data

    def _send(self, status: int, body: bytes, content_type: str = "application/json",
              headers: dict[str, str] | None = None, gzip: bool = False) -> None:
        if gzip:
            body = _gzip.compress(body, compresslevel=1)
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(body)))
        self.send_header("request-id", "req_fake_" + uuid.uuid4().hex[:16])
        if gzip:
            self.send_header("content-encoding", "gzip")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        # One write for headers and body.
        self._headers_buffer.append(b"\r\n" + body)
        self.flush_headers()

    def _json(self, status: int, obj: Any, s: _Settings | None = None, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(obj, separators=(",", ":")).encode()
        if s is not None and s.fault == "truncated-json" and status == 200:
            body = body[: len(body) // 2]
        self._send(status, body, headers=headers, gzip=bool(s and s.gzip))

    def _reset_connection(self) -> None:
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.close_connection = True
        try:
            self.connection.close()
        except OSError:
            pass

    def _start_chunked(self, content_type: str, gzip: bool) -> None:
        self.send_response(200)
        self.send_header("content-type", content_type)
        self.send_header("cache-control", "no-cache")
        self.send_header("transfer-encoding", "chunked")
        self.send_header("request-id", "req_fake_" + uuid.uuid4().hex[:16])
        if gzip:
            self.send_header("content-encoding", "gzip")
        self.end_headers()
        self._gz = zlib.compressobj(1, zlib.DEFLATED, 31) if gzip else None

    def _pace(self, s: _Settings) -> None:
        if s.event_delay_ms:
            self.wfile.flush()
            time.sleep(s.event_delay_ms / 1000)

    def _chunk(self, data: bytes) -> None:
        if self._gz is not None:
            data = self._gz.compress(data) + self._gz.flush(zlib.Z_SYNC_FLUSH)
        if data:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def _end_chunked(self) -> None:
        if self._gz is not None:
            tail = self._gz.flush(zlib.Z_FINISH)
            if tail:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(tail), tail))
        self.wfile.write(b"0\r\n\r\n")

    def _cut(self, partial: bytes) -> None:
        """Send half an event, then drop the connection without the chunked terminator."""
        self._chunk(partial)
        self.wfile.flush()
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _error(self, status: int, api: str, s: _Settings) -> None:
        headers = {"retry-after-ms": str(s.retry_after_ms), "x-should-retry": "true" if status >= 500 or status == 429 else "false"}
        if api == "anthropic":
            etype = _ANTHROPIC_ERRORS.get(status, "api_error")
            obj: Any = {"type": "error", "error": {"type": etype, "message": f"fake {status} ({etype})"},
                        "request_id": "req_fake_" + uuid.uuid4().hex[:16]}
        else:
            obj = {"error": {"message": f"fake {status}", "type": "server_error" if status >= 500 else "invalid_request_error",
                             "param": None, "code": None}}
        self._json(status, obj, None, headers)

    # -- dispatch ------------------------------------------------------------------------------
    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        try:
            raw = self._read_body() if method == "POST" else b""
        except Exception:
            self._json(400, {"type": "error", "error": {"type": "invalid_request_error", "message": "bad body"}})
            return
        path = self.path.split("?", 1)[0]
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        retry = self.headers.get("x-stainless-retry-count")
        attempt = int(retry) if retry and retry.isdigit() else None
        headers = {k.lower(): v for k, v in self.headers.items() if k.lower() not in _SECRET_HEADERS}
        self.fake._received(ReceivedRequest(method, path, headers, body, attempt))
        try:
            s = _Settings(self.fake, self.headers)
        except (ValueError, TypeError) as exc:
            self._json(400, {"type": "error", "error": {"type": "invalid_request_error", "message": f"fake knob: {exc}"}})
            return
        api = "openai" if path.startswith(_OPENAI_PATHS) else "anthropic"
        if s.delay_ms:
            time.sleep(s.delay_ms / 1000)
        with self.fake._lock:
            queued = self.fake.fail_next.pop(0) if self.fake.fail_next else None
        if queued and queued != 200:
            self._error(queued, api, s)
            return
        n = attempt or 0
        if n < len(s.fail) and s.fail[n] and s.fail[n] != 200:
            self._error(s.fail[n], api, s)
            return
        if s.fault == "reset":
            self._reset_connection()
            return
        if s.fault == "gzip-garbage":
            stream = isinstance(body, dict) and body.get("stream") is True
            garbage = b"\x1f\x8b\x08\x00garbage-that-is-not-deflate" * 4
            self.send_response(200)
            self.send_header("content-type", "text/event-stream" if stream else "application/json")
            self.send_header("content-encoding", "gzip")
            self.send_header("content-length", str(len(garbage)))
            self._headers_buffer.append(b"\r\n" + garbage)
            self.flush_headers()
            return
        if s.fault == "html-502":
            self._send(502, b"<html><body>502 Bad Gateway</body></html>", "text/html", gzip=s.gzip)
            return
        if not isinstance(body, dict) and method == "POST":
            self._error(400, api, s)
            return
        body = body or {}
        if s.fault == "stall" and not body.get("stream"):
            time.sleep(s.stall_ms / 1000)
        route = {
            ("POST", "/v1/messages"): self._messages,
            ("POST", "/v1/messages/count_tokens"): self._count_tokens,
            ("POST", "/v1/messages/batches"): self._batch_create,
            ("POST", "/v1/chat/completions"): self._chat,
            ("POST", "/v1/responses"): self._responses,
            ("POST", "/v1/completions"): self._completions,
            ("POST", "/v1/embeddings"): self._embeddings,
        }.get((method, path))
        if route is None and path.startswith("/v1/messages/batches/"):
            route = self._batch_get
        if route is None and method == "POST":
            route = self._platform_route(path)
        if route is None:
            self._error(404, api, s)
            return
        try:
            route(body, s)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _platform_route(self, path: str) -> Any:
        """Bedrock and Vertex: the model (and streaming) come from the URL."""
        m = _BEDROCK.fullmatch(path)
        if m:
            model, stream = unquote(m[1]), m[2] != "invoke"
            return lambda body, s: self._messages({**body, "model": model, "stream": stream}, s,
                                                  "eventstream" if stream else "sse")
        m = _VERTEX.fullmatch(path)
        if m:
            if m[1] == "count-tokens":
                return self._count_tokens
            model, stream = unquote(m[1]), m[2] == "streamRawPredict"
            return lambda body, s: self._messages({**body, "model": model, "stream": stream}, s)
        return None

    # -- Anthropic -----------------------------------------------------------------------------
    def _model(self, body: dict[str, Any], s: _Settings, default: str = "claude-haiku-4-5") -> str:
        if s.fault == "unknown-model":
            return UNKNOWN_MODEL
        return s.model or body.get("model") or default

    def _message_obj(self, body: dict[str, Any], s: _Settings) -> dict[str, Any]:
        msg: dict[str, Any] = {
            "id": "msg_fake_" + uuid.uuid4().hex[:20], "type": "message", "role": "assistant",
            "model": self._model(body, s), "content": [{"type": "text", "text": s.text}],
            "stop_reason": "end_turn", "stop_sequence": None,
        }
        usage = _anthropic_usage(s)
        if usage is not None:
            msg["usage"] = usage
        return msg

    def _messages(self, body: dict[str, Any], s: _Settings, framing: str = "sse") -> None:
        if not body.get("stream"):
            self._json(200, self._message_obj(body, s), s)
            return
        msg = self._message_obj(body, s)
        msg["content"], msg["stop_reason"] = [], None
        if "usage" in msg:
            msg["usage"] = _anthropic_usage(s, start=True)
        eventstream = framing == "eventstream"
        self._start_chunked("application/vnd.amazon.eventstream" if eventstream else "text/event-stream; charset=utf-8",
                            s.gzip)

        def ev(name: str, data: dict[str, Any]) -> bytes:
            raw = json.dumps(data, separators=(",", ":")).encode()
            if not eventstream:
                return b"event: %s\ndata: %s\n\n" % (name.encode(), raw)
            if name == "error":
                return eventstream_frame(json.dumps({"message": data["error"]["message"]}).encode(),
                                         "exception", "modelStreamErrorException")
            return eventstream_frame(json.dumps({"bytes": base64.b64encode(raw).decode()}).encode())

        self._chunk(ev("message_start", {"type": "message_start", "message": msg}))
        if s.fault == "stall":
            self.wfile.flush()
            time.sleep(s.stall_ms / 1000)
        self._chunk(ev("content_block_start", {"type": "content_block_start", "index": 0,
                                               "content_block": {"type": "text", "text": ""}}))
        self._chunk(ev("ping", {"type": "ping"}))
        words = s.text.split(" ")
        for i, word in enumerate(words):
            piece = word if i == 0 else " " + word
            event = ev("content_block_delta", {"type": "content_block_delta", "index": 0,
                                               "delta": {"type": "text_delta", "text": piece}})
            if i == 1 and s.fault == "sse-cut":
                self._cut(event[: len(event) // 2])
                return
            self._pace(s)
            self._chunk(event)
            if i == 0 and s.fault == "stream-error":
                self._chunk(ev("error", {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}))
                self._end_chunked()
                return
        self._chunk(ev("content_block_stop", {"type": "content_block_stop", "index": 0}))
        delta: dict[str, Any] = {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None}}
        full = _anthropic_usage(s)
        if full is not None and s.fault != "no-final-usage":
            delta["usage"] = {k: full[k] for k in ("input_tokens", "cache_creation_input_tokens",
                                                   "cache_read_input_tokens", "output_tokens")}
        self._chunk(ev("message_delta", delta))
        self._chunk(ev("message_stop", {"type": "message_stop"}))
        self._end_chunked()

    def _count_tokens(self, body: dict[str, Any], s: _Settings) -> None:
        u = s.usage
        self._json(200, {"input_tokens": u["input"] + u["cache_read"] + u["cache_write_5m"] + u["cache_write_1h"]}, s)

    def _batch_obj(self, batch_id: str, n: int) -> dict[str, Any]:
        now = "2026-01-01T00:00:00Z"
        return {
            "id": batch_id, "type": "message_batch", "processing_status": "ended",
            "request_counts": {"processing": 0, "succeeded": n, "errored": 0, "canceled": 0, "expired": 0},
            "ended_at": now, "created_at": now, "expires_at": now, "archived_at": None,
            "cancel_initiated_at": None, "results_url": f"{self.fake.url}/v1/messages/batches/{batch_id}/results",
        }

    def _batch_create(self, body: dict[str, Any], s: _Settings) -> None:
        batch_id = "msgbatch_fake_" + uuid.uuid4().hex[:16]
        lines = []
        for item in body.get("requests") or []:
            params = item.get("params") or {}
            msg = self._message_obj(params, s)
            if "usage" in msg:
                msg["usage"]["service_tier"] = "batch"
            lines.append(json.dumps({"custom_id": item.get("custom_id"),
                                     "result": {"type": "succeeded", "message": msg}}, separators=(",", ":")))
        with self.fake._lock:
            self.fake._batches[batch_id] = {"n": len(lines), "results": ("\n".join(lines) + "\n").encode()}
        self._json(200, self._batch_obj(batch_id, len(lines)), None)

    def _batch_get(self, body: dict[str, Any], s: _Settings) -> None:
        rest = self.path.split("?", 1)[0][len("/v1/messages/batches/"):]
        batch_id, _, tail = rest.partition("/")
        batch = self.fake._batches.get(batch_id)
        if batch is None:
            self._error(404, "anthropic", s)
        elif tail == "results":
            self._send(200, batch["results"], "application/binary")
        else:
            self._json(200, self._batch_obj(batch_id, batch["n"]), None)

    # -- OpenAI --------------------------------------------------------------------------------
    def _openai_usage(self, s: _Settings, chat: bool = True) -> dict[str, Any] | None:
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

    def _chat(self, body: dict[str, Any], s: _Settings) -> None:
        model = self._model(body, s, "gpt-4o-mini")
        cid, created = "chatcmpl-fake" + uuid.uuid4().hex[:12], int(time.time())
        usage = self._openai_usage(s)
        if not body.get("stream"):
            obj: dict[str, Any] = {
                "id": cid, "object": "chat.completion", "created": created, "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": s.text, "refusal": None},
                             "logprobs": None, "finish_reason": "stop"}],
                "service_tier": "default", "system_fingerprint": "fp_fake",
            }
            if usage is not None:
                obj["usage"] = usage
            self._json(200, obj, s)
            return
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        self._start_chunked("text/event-stream; charset=utf-8", s.gzip)

        def chunk(delta: dict[str, Any], finish: str | None = None, choices: bool = True, u: Any = None) -> bytes:
            obj = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
                   "system_fingerprint": "fp_fake",
                   "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}] if choices else []}
            if include_usage:
                obj["usage"] = u
            return b"data: " + json.dumps(obj, separators=(",", ":")).encode() + b"\n\n"

        self._chunk(chunk({"role": "assistant", "content": "", "refusal": None}))
        if s.fault == "stall":
            self.wfile.flush()
            time.sleep(s.stall_ms / 1000)
        words = s.text.split(" ")
        for i, word in enumerate(words):
            event = chunk({"content": word if i == 0 else " " + word})
            if i == 1 and s.fault == "sse-cut":
                self._cut(event[: len(event) // 2])
                return
            self._pace(s)
            self._chunk(event)
            if i == 0 and s.fault == "stream-error":
                self._chunk(b'data: {"error":{"message":"fake overloaded","type":"server_error","param":null,"code":null}}\n\n')
                self._end_chunked()
                return
        self._chunk(chunk({}, "stop"))
        if include_usage:
            self._chunk(chunk({}, choices=False, u=usage))
        self._chunk(b"data: [DONE]\n\n")
        self._end_chunked()

    def _completions(self, body: dict[str, Any], s: _Settings) -> None:
        obj: dict[str, Any] = {
            "id": "cmpl-fake" + uuid.uuid4().hex[:12], "object": "text_completion", "created": int(time.time()),
            "model": self._model(body, s, "gpt-3.5-turbo-instruct"),
            "choices": [{"text": s.text, "index": 0, "logprobs": None, "finish_reason": "stop"}],
        }
        usage = self._openai_usage(s)
        if usage is not None:
            obj["usage"] = {k: usage[k] for k in ("prompt_tokens", "completion_tokens", "total_tokens")}
        self._json(200, obj, s)

    def _embeddings(self, body: dict[str, Any], s: _Settings) -> None:
        inputs = body.get("input")
        n = len(inputs) if isinstance(inputs, list) and inputs and not isinstance(inputs[0], int) else 1
        obj: dict[str, Any] = {
            "object": "list", "model": self._model(body, s, "text-embedding-3-small"),
            "data": [{"object": "embedding", "index": i, "embedding": [0.0, 0.1, 0.2]} for i in range(n)],
        }
        if s.fault != "missing-usage":
            obj["usage"] = {"prompt_tokens": s.usage["input"], "total_tokens": s.usage["input"]}
        self._json(200, obj, s)

    def _response_obj(self, body: dict[str, Any], s: _Settings, status: str = "completed",
                      rid: str | None = None) -> dict[str, Any]:
        obj: dict[str, Any] = {
            "id": rid or "resp_fake" + uuid.uuid4().hex[:12], "object": "response", "created_at": int(time.time()),
            "status": status, "model": self._model(body, s, "gpt-4o-mini"), "error": None,
            "incomplete_details": None, "instructions": None, "max_output_tokens": body.get("max_output_tokens"),
            "output": [] if status != "completed" else [{
                "type": "message", "id": "msg_fake", "status": "completed", "role": "assistant",
                "content": [{"type": "output_text", "text": s.text, "annotations": []}]}],
            "parallel_tool_calls": True, "temperature": 1.0, "tool_choice": "auto", "tools": [], "top_p": 1.0,
            "usage": None,
        }
        if status == "completed":
            obj["usage"] = self._openai_usage(s, chat=False)
            if obj["usage"] is None:
                del obj["usage"]
        return obj

    def _responses(self, body: dict[str, Any], s: _Settings) -> None:
        if not body.get("stream"):
            self._json(200, self._response_obj(body, s), s)
            return
        self._start_chunked("text/event-stream; charset=utf-8", s.gzip)
        seq, rid = 0, "resp_fake" + uuid.uuid4().hex[:12]

        def ev(name: str, data: dict[str, Any]) -> bytes:
            nonlocal seq
            data = {"type": name, "sequence_number": seq, **data}
            seq += 1
            return b"event: %s\ndata: %s\n\n" % (name.encode(), json.dumps(data, separators=(",", ":")).encode())

        self._chunk(ev("response.created", {"response": self._response_obj(body, s, "in_progress", rid)}))
        self._chunk(ev("response.output_item.added", {"output_index": 0, "item": {
            "type": "message", "id": "msg_fake", "status": "in_progress", "role": "assistant", "content": []}}))
        self._chunk(ev("response.content_part.added", {"item_id": "msg_fake", "output_index": 0, "content_index": 0,
                                                       "part": {"type": "output_text", "text": "", "annotations": []}}))
        words = s.text.split(" ")
        for i, word in enumerate(words):
            event = ev("response.output_text.delta", {"item_id": "msg_fake", "output_index": 0, "content_index": 0,
                                                      "delta": word if i == 0 else " " + word, "logprobs": []})
            if i == 1 and s.fault == "sse-cut":
                self._cut(event[: len(event) // 2])
                return
            self._pace(s)
            self._chunk(event)
        self._chunk(ev("response.completed", {"response": self._response_obj(body, s, rid=rid)}))
        self._end_chunked()
