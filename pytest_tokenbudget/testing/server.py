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

This module is the plumbing (HTTP server, threads, knobs, faults, request log); the bodies and
events are built by :mod:`pytest_tokenbudget.testing.wire`, the knobs live in
:mod:`pytest_tokenbudget.testing.knobs`.
"""

from __future__ import annotations

import gzip as _gzip
import json
import re
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

from pytest_tokenbudget.testing import wire
from pytest_tokenbudget.testing.knobs import DEFAULT_TEXT, DEFAULT_USAGE, FAULTS, Settings
from pytest_tokenbudget.testing.wire import UNKNOWN_MODEL, eventstream_frame

__all__ = ["FAULTS", "FakeLLMServer", "ReceivedRequest", "UNKNOWN_MODEL", "eventstream_frame"]

_SECRET_HEADERS = frozenset({"x-api-key", "authorization", "api-key", "proxy-authorization", "cookie"})
_BEDROCK = re.compile(r"/model/([^/]+)/(invoke|invoke-with-response-stream)")
_VERTEX = re.compile(r"/v1/projects/[^/]+/locations/[^/]+/publishers/anthropic/models/([^/:]+):(rawPredict|streamRawPredict)")
_OPENAI_PATHS = ("/v1/chat/", "/v1/responses", "/v1/completions", "/v1/embeddings")
_GARBAGE = b"\x1f\x8b\x08\x00garbage-that-is-not-deflate" * 4

Route = Callable[[dict[str, Any], Settings], None]


@dataclass(frozen=True)
class ReceivedRequest:
    """One request as the server saw it (secrets removed)."""

    method: str
    path: str
    headers: dict[str, str] = field(repr=False)
    body: Any = field(repr=False)
    attempt: int | None


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
        self.send_header("request-id", wire.request_id())
        if gzip:
            self.send_header("content-encoding", "gzip")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        # One write for headers and body.
        self._headers_buffer.append(b"\r\n" + body)
        self.flush_headers()

    def _json(self, status: int, obj: Any, s: Settings | None = None, headers: dict[str, str] | None = None) -> None:
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

    def _gzip_garbage(self, body: Any) -> None:
        stream = isinstance(body, dict) and body.get("stream") is True
        self.send_response(200)
        self.send_header("content-type", "text/event-stream" if stream else "application/json")
        self.send_header("content-encoding", "gzip")
        self.send_header("content-length", str(len(_GARBAGE)))
        self._headers_buffer.append(b"\r\n" + _GARBAGE)
        self.flush_headers()

    def _start_chunked(self, content_type: str, gzip: bool) -> None:
        self.send_response(200)
        self.send_header("content-type", content_type)
        self.send_header("cache-control", "no-cache")
        self.send_header("transfer-encoding", "chunked")
        self.send_header("request-id", wire.request_id())
        if gzip:
            self.send_header("content-encoding", "gzip")
        self.end_headers()
        self._gz = zlib.compressobj(1, zlib.DEFLATED, 31) if gzip else None

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

    def _stream(self, stream: wire.Stream, s: Settings) -> None:
        """Send a stream chunked, applying the stream faults (stall, sse-cut, stream-error) and pacing."""
        self._start_chunked(stream.content_type, s.gzip)
        for event in stream.events:
            if event.delta == 1 and s.fault == "sse-cut":
                self._cut(event.data[: len(event.data) // 2])
                return
            if event.delta is not None and s.event_delay_ms:
                self.wfile.flush()
                time.sleep(s.event_delay_ms / 1000)
            self._chunk(event.data)
            if event.stall and s.fault == "stall":
                self.wfile.flush()
                time.sleep(s.stall_ms / 1000)
            if event.delta == 0 and s.fault == "stream-error" and stream.error is not None:
                self._chunk(stream.error)
                break
        self._end_chunked()

    def _error(self, status: int, api: str, s: Settings) -> None:
        headers = {"retry-after-ms": str(s.retry_after_ms), "x-should-retry": "true" if status >= 500 or status == 429 else "false"}
        self._json(status, wire.error_body(status, api), None, headers)

    # -- dispatch ------------------------------------------------------------------------------
    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _receive(self, method: str) -> tuple[str, Any, int | None] | None:
        """Read and log the request: (path, parsed body, retry attempt), or None after a 400."""
        try:
            raw = self._read_body() if method == "POST" else b""
        except Exception:
            self._json(400, wire.invalid_request("bad body"))
            return None
        path = self.path.split("?", 1)[0]
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        retry = self.headers.get("x-stainless-retry-count")
        attempt = int(retry) if retry and retry.isdigit() else None
        headers = {k.lower(): v for k, v in self.headers.items() if k.lower() not in _SECRET_HEADERS}
        self.fake._received(ReceivedRequest(method, path, headers, body, attempt))
        return path, body, attempt

    def _failed(self, api: str, s: Settings, attempt: int | None, body: Any) -> bool:
        """Apply the failure knobs and the transport faults; True when the answer has been sent."""
        with self.fake._lock:
            queued = self.fake.fail_next.pop(0) if self.fake.fail_next else None
        n = attempt or 0
        status = queued if queued and queued != 200 else (s.fail[n] if n < len(s.fail) else None)
        if status and status != 200:
            self._error(status, api, s)
        elif s.fault == "reset":
            self._reset_connection()
        elif s.fault == "gzip-garbage":
            self._gzip_garbage(body)
        elif s.fault == "html-502":
            self._send(502, b"<html><body>502 Bad Gateway</body></html>", "text/html", gzip=s.gzip)
        else:
            return False
        return True

    def _dispatch(self, method: str) -> None:
        received = self._receive(method)
        if received is None:
            return
        path, body, attempt = received
        try:
            s = Settings(self.fake, self.headers)
        except (ValueError, TypeError) as exc:
            self._json(400, wire.invalid_request(f"fake knob: {exc}"))
            return
        api = "openai" if path.startswith(_OPENAI_PATHS) else "anthropic"
        if s.delay_ms:
            time.sleep(s.delay_ms / 1000)
        if self._failed(api, s, attempt, body):
            return
        if not isinstance(body, dict) and method == "POST":
            self._error(400, api, s)
            return
        body = body or {}
        if s.fault == "stall" and not body.get("stream"):
            time.sleep(s.stall_ms / 1000)
        route = self._route(method, path)
        if route is None:
            self._error(404, api, s)
            return
        try:
            route(body, s)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _route(self, method: str, path: str) -> Route | None:
        route: Route | None = {
            ("POST", "/v1/messages"): self._messages,
            ("POST", "/v1/messages/count_tokens"): self._count_tokens,
            ("POST", "/v1/messages/batches"): self._batch_create,
            ("POST", "/v1/chat/completions"): self._chat,
            ("POST", "/v1/responses"): self._responses,
            ("POST", "/v1/completions"): lambda body, s: self._json(200, wire.completion_obj(body, s), s),
            ("POST", "/v1/embeddings"): lambda body, s: self._json(200, wire.embeddings_obj(body, s), s),
        }.get((method, path))
        if route is None and path.startswith("/v1/messages/batches/"):
            route = self._batch_get
        if route is None and method == "POST":
            route = self._platform_route(path)
        return route

    def _platform_route(self, path: str) -> Route | None:
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

    # -- routes: the wire module builds, these send ----------------------------------------------
    def _messages(self, body: dict[str, Any], s: Settings, framing: str = "sse") -> None:
        if body.get("stream"):
            self._stream(wire.message_stream(body, s, framing), s)
        else:
            self._json(200, wire.message_obj(body, s), s)

    def _count_tokens(self, body: dict[str, Any], s: Settings) -> None:
        self._json(200, wire.count_tokens_obj(s), s)

    def _batch_create(self, body: dict[str, Any], s: Settings) -> None:
        batch_id = wire.new_batch_id()
        n, results = wire.batch_results(body, s)
        with self.fake._lock:
            self.fake._batches[batch_id] = {"n": n, "results": results}
        self._json(200, wire.batch_obj(batch_id, n, self.fake.url), None)

    def _batch_get(self, body: dict[str, Any], s: Settings) -> None:
        rest = self.path.split("?", 1)[0][len("/v1/messages/batches/"):]
        batch_id, _, tail = rest.partition("/")
        batch = self.fake._batches.get(batch_id)
        if batch is None:
            self._error(404, "anthropic", s)
        elif tail == "results":
            self._send(200, batch["results"], "application/binary")
        else:
            self._json(200, wire.batch_obj(batch_id, batch["n"], self.fake.url), None)

    def _chat(self, body: dict[str, Any], s: Settings) -> None:
        if body.get("stream"):
            self._stream(wire.chat_stream(body, s), s)
        else:
            self._json(200, wire.chat_obj(body, s), s)

    def _responses(self, body: dict[str, Any], s: Settings) -> None:
        if body.get("stream"):
            self._stream(wire.response_stream(body, s), s)
        else:
            self._json(200, wire.response_obj(body, s), s)
