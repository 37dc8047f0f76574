"""Reading usage out of response bodies: whole JSON bodies, and streams fed chunk by chunk.

Stream readers are incremental (any chunk boundary, LF / CRLF / CR line ends) and only JSON-parse
the events that carry something we need: Anthropic ``message_start`` / ``message_delta`` /
``message_stop`` / ``error``; OpenAI chunks that name a model or a non-null ``usage``; Responses
``response.created`` / ``response.completed``. Usage mappings are returned with null fields
removed, so they equal the SDK's ``usage.model_dump(exclude_none=True)``.
"""

from __future__ import annotations

import base64
import json
import re
import struct
import zlib
from typing import Any

from pytest_tokenbudget.core.usage import merge_message_delta

__all__ = [
    "AnthropicSSE", "BedrockEventStream", "JSONBody", "OpenAIChatSSE", "ResponsesSSE", "StreamReader",
    "describe_error", "make_decoder", "make_stream_reader", "parse_json_body", "scrub", "strip_none",
]

_MAX_JSON_BODY = 32 * 1024 * 1024  # non-SSE bodies observed in streaming mode are buffered up to this


def strip_none(obj: Any) -> Any:
    """A copy of a JSON mapping without null fields (recursively)."""
    if isinstance(obj, dict):
        return {k: strip_none(v) for k, v in obj.items() if v is not None}
    if isinstance(obj, list):
        return [strip_none(v) for v in obj]
    return obj


_URL_QUERY = re.compile(r"((?:https?|wss?)://[^\s?#'\"<>]+)[?#][^\s'\"<>]*")
_KEYLIKE = re.compile(r"\b(sk-[A-Za-z0-9_-]{4})[A-Za-z0-9_-]{8,}|\b(Bearer\s+)\S+", re.IGNORECASE)


def scrub(text: str) -> str:
    """Remove query strings from URLs and anything shaped like an API key from a message."""
    if "://" in text:
        text = _URL_QUERY.sub(r"\1", text)
    if "sk-" in text or "earer" in text:
        text = _KEYLIKE.sub(lambda m: (m.group(1) or m.group(2)) + "***", text)
    return text


def describe_error(obj: Any) -> str | None:
    """``type: message`` from an Anthropic or OpenAI error body, or None."""
    if not isinstance(obj, dict):
        return None
    err = obj.get("error")
    if isinstance(err, dict):
        etype = err.get("type") or err.get("code") or "error"
        msg = err.get("message")
        return scrub(f"{etype}: {str(msg)[:200]}") if msg else str(etype)
    if isinstance(err, str):
        return scrub(err[:200])
    if obj.get("type") == "error":
        return "error"
    return None


def _usage_of(api: str, endpoint: str, obj: dict[str, Any]) -> dict[str, Any] | None:
    if endpoint in ("count_tokens", "batches"):
        return None  # not billable by itself (batch usage arrives with the results)
    if endpoint == "responses" and isinstance(obj.get("response"), dict):
        obj = obj["response"]
    usage = obj.get("usage")
    return strip_none(usage) if isinstance(usage, dict) else None


def parse_json_body(api: str, endpoint: str, data: bytes, status: int) -> tuple[str | None, dict | None, str | None, bool]:
    """(response model, usage, error, parsed) from a complete, already-decoded JSON body."""
    try:
        obj = json.loads(data.decode("utf-8") if isinstance(data, bytes) else data)
    except ValueError as exc:
        if status >= 400:
            return None, None, f"HTTP {status} (body is not JSON)", False
        return None, None, f"unparseable JSON body: {type(exc).__name__}: {exc}"[:300], False
    if not isinstance(obj, dict):
        return None, None, (f"HTTP {status}" if status >= 400 else None), True
    if status >= 400:
        return None, None, describe_error(obj) or f"HTTP {status}", True
    model = obj.get("model")
    return (model if isinstance(model, str) else None), _usage_of(api, endpoint, obj), describe_error(obj), True


# -- content decoding ---------------------------------------------------------------------------

class _ZlibDecoder:
    __slots__ = ("_d", "_wbits", "_first")

    def __init__(self, wbits: int) -> None:
        self._wbits = wbits
        self._d = zlib.decompressobj(wbits)
        self._first = wbits == 15  # deflate: zlib-wrapped, or raw on the first chunk's failure

    def __call__(self, data: bytes) -> bytes:
        try:
            out = self._d.decompress(data)
        except zlib.error:
            if not self._first:
                raise
            self._first = False
            self._d = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._d.decompress(data)
        self._first = False
        while self._d.eof and self._d.unused_data:  # concatenated members
            rest = self._d.unused_data
            self._d = zlib.decompressobj(self._wbits)
            out += self._d.decompress(rest)
        return out


def make_decoder(encoding: str, lib: Any) -> Any:
    """A callable bytes -> bytes for a Content-Encoding header; None for identity.

    Raises LookupError for an encoding we cannot decode."""
    encoding = encoding.strip().lower()
    if not encoding or encoding == "identity":
        return None
    if "," in encoding:
        decoders = [d for d in (make_decoder(e, lib) for e in reversed(encoding.split(","))) if d is not None]

        def multi(data: bytes) -> bytes:
            for d in decoders:
                data = d(data)
            return data
        return multi
    if encoding in ("gzip", "x-gzip"):
        return _ZlibDecoder(zlib.MAX_WBITS | 16)
    if encoding == "deflate":
        return _ZlibDecoder(zlib.MAX_WBITS)
    supported = getattr(getattr(lib, "_decoders", None), "SUPPORTED_DECODERS", {})
    cls = supported.get(encoding)
    if cls is None:
        raise LookupError(encoding)
    return cls().decode


# -- stream readers -----------------------------------------------------------------------------

class StreamReader:
    """Base: feed(bytes); exposes model, usage, complete, error, events."""

    __slots__ = ("api", "endpoint", "model", "usage", "complete", "error", "events")

    def __init__(self, api: str, endpoint: str) -> None:
        self.api = api
        self.endpoint = endpoint
        self.model: str | None = None
        self.usage: dict[str, Any] | None = None
        self.complete = False
        self.error: str | None = None
        self.events = 0

    def feed(self, data: bytes) -> None:
        raise NotImplementedError

    def eof(self, status: int) -> None:
        """The body ended (iterator exhausted)."""


class JSONBody(StreamReader):
    """A non-SSE body read in streaming mode (errors, ``with_streaming_response`` on JSON)."""

    __slots__ = ("_parts", "_size", "_status")

    def __init__(self, api: str, endpoint: str, status: int) -> None:
        super().__init__(api, endpoint)
        self._parts: list[bytes] = []
        self._size = 0
        self._status = status

    def feed(self, data: bytes) -> None:
        self._size += len(data)
        if self._size <= _MAX_JSON_BODY:
            self._parts.append(data)

    def eof(self, status: int) -> None:
        if self._size > _MAX_JSON_BODY:
            self.error = "body too large to inspect"
            return
        model, usage, error, parsed = parse_json_body(self.api, self.endpoint, b"".join(self._parts), self._status)
        self._parts = []
        self.model, self.usage, self.error = model, usage, error
        self.complete = parsed and self._status < 400


class _SSE(StreamReader):
    """Incremental SSE framing; subclasses implement ``_event(name, data)``.

    Fast path for LF-only streams (what the APIs send): complete events are cut at blank lines,
    and an event whose name the reader does not need (``_SKIP``) is only counted. Once a CR is
    seen, the reader switches to a general line parser (CRLF / CR line ends)."""

    __slots__ = ("_pending", "_generic", "_buf", "_name", "_data")
    _SKIP: frozenset[bytes] = frozenset()

    def __init__(self, api: str, endpoint: str) -> None:
        super().__init__(api, endpoint)
        self._pending: list[bytes] = []
        self._generic = False
        self._buf = b""
        self._name = b""
        self._data: list[bytes] = []

    def feed(self, data: bytes) -> None:
        if self._generic:
            self._feed_lines(data)
            return
        pending = self._pending
        if b"\r" in data:
            self._generic = True
            data = b"".join(pending) + data
            pending.clear()
            self._feed_lines(data)
            return
        if b"\n\n" not in data and not (pending and data[:1] == b"\n" and pending[-1][-1:] == b"\n"):
            if data:
                pending.append(data)
            return
        if pending:
            pending.append(data)
            data = b"".join(pending)
            pending.clear()
        blocks = data.split(b"\n\n")
        rest = blocks.pop()
        if rest:
            pending.append(rest)
        for block in blocks:
            if block:
                self._block(block)

    def _block(self, block: bytes) -> None:
        if block[:6] == b"data: " and b"\n" not in block:  # one data line (OpenAI chunks)
            self.events += 1
            self._event(b"", block[6:])
            return
        if block[:7] == b"event: ":
            nl = block.find(b"\n")
            if block[7:nl if nl >= 0 else None] in self._SKIP:
                self.events += 1
                return
        name = b""
        datas = []
        for line in block.split(b"\n"):
            if line[:5] == b"data:":
                v = line[5:]
                datas.append(v[1:] if v[:1] == b" " else v)
            elif line[:6] == b"event:":
                v = line[6:]
                name = v[1:] if v[:1] == b" " else v
        if datas or name:
            self.events += 1
            self._event(name, b"\n".join(datas))

    def _feed_lines(self, data: bytes) -> None:
        buf = self._buf + data if self._buf else data
        if not buf:
            return
        lines = buf.splitlines(keepends=True)
        if lines[-1][-1:] == b"\n":
            self._buf = b""
        else:
            # An unterminated line (or a lone CR that may be half of CRLF) waits for more bytes.
            self._buf = lines.pop()
        for line in lines:
            line = line.rstrip(b"\r\n")
            if not line:
                if self._data or self._name:
                    self.events += 1
                    data = b"\n".join(self._data)
                    name = self._name
                    self._name, self._data = b"", []
                    self._event(name, data)
                continue
            if line[:5] == b"data:":
                v = line[5:]
                self._data.append(v[1:] if v[:1] == b" " else v)
            elif line[:6] == b"event:":
                v = line[6:]
                self._name = v[1:] if v[:1] == b" " else v
            # comments (":"), id:, retry: are ignored

    def _event(self, name: bytes, data: bytes) -> None:
        raise NotImplementedError


class AnthropicSSE(_SSE):
    __slots__ = ("_final",)  # a message_delta carried usage (the final output count)
    _SKIP = frozenset({b"content_block_delta", b"content_block_start", b"content_block_stop", b"ping"})

    def _event(self, name: bytes, data: bytes) -> None:
        if not name:
            if not data.startswith(b"{"):
                return
            obj = json.loads(data)
            name = str(obj.get("type", "")).encode()
            self._dispatch(name, obj)
        elif name in (b"message_start", b"message_delta", b"message_stop", b"error"):
            self._dispatch(name, json.loads(data) if name != b"message_stop" else None)

    def _dispatch(self, name: bytes, obj: Any) -> None:
        if name == b"message_start":
            msg = obj.get("message") or {}
            model = msg.get("model")
            self.model = model if isinstance(model, str) else None
            usage = msg.get("usage")
            self.usage = strip_none(usage) if isinstance(usage, dict) else None
            self._final = False
        elif name == b"message_delta":
            usage = obj.get("usage")
            if isinstance(usage, dict):
                self.usage = merge_message_delta(self.usage, strip_none(usage))
                self._final = True
        elif name == b"message_stop":
            # without a final usage only message_start's (output_tokens: 1) is known: incomplete
            self.complete = getattr(self, "_final", True) or self.usage is None
            if not self.complete:
                self.error = self.error or "the stream ended without final usage (no message_delta usage)"
        elif name == b"error":
            self.error = describe_error(obj) or "error event"


class OpenAIChatSSE(_SSE):
    """``/chat/completions`` and ``/completions`` chunks, ended by ``data: [DONE]``."""

    __slots__ = ()

    def _event(self, name: bytes, data: bytes) -> None:
        if data == b"[DONE]":
            self.complete = True
            return
        if self.model is not None and b'"error"' not in data:
            i = data.find(b'"usage"')
            if i < 0 or data[i + 7:i + 24].lstrip(b" \t\r\n:")[:1] != b"{":
                return  # no usage, or "usage": null
        obj = json.loads(data)
        if not isinstance(obj, dict):
            return
        if self.model is None and isinstance(obj.get("model"), str):
            self.model = obj["model"]
        usage = obj.get("usage")
        if isinstance(usage, dict):
            self.usage = strip_none(usage)
        if "error" in obj:
            self.error = describe_error(obj)


class ResponsesSSE(_SSE):
    """OpenAI Responses API events."""

    __slots__ = ()
    _SKIP = frozenset({b"response.output_text.delta", b"response.content_part.added", b"response.output_item.added",
                       b"response.output_text.done", b"response.content_part.done", b"response.output_item.done",
                       b"response.function_call_arguments.delta", b"response.reasoning_summary_text.delta"})
    _WANTED = (b"response.created", b"response.in_progress", b"response.completed", b"response.incomplete",
               b"response.failed", b"error")

    def _event(self, name: bytes, data: bytes) -> None:
        if name and name not in self._WANTED:
            return
        obj = json.loads(data)
        if not isinstance(obj, dict):
            return
        kind = obj.get("type", name.decode())
        resp = obj.get("response")
        if isinstance(resp, dict):
            if isinstance(resp.get("model"), str):
                self.model = resp["model"]
            usage = resp.get("usage")
            if isinstance(usage, dict):
                self.usage = strip_none(usage)
        if kind in ("response.completed", "response.incomplete", "response.failed"):
            self.complete = kind == "response.completed"
            if kind != "response.completed":
                self.error = kind
        elif kind == "error":
            self.error = describe_error(obj) or "error event"


class BedrockEventStream(StreamReader):
    """AWS ``application/vnd.amazon.eventstream`` framing around Anthropic stream events."""

    __slots__ = ("_buf", "_inner", "_corrupt")

    def __init__(self, api: str, endpoint: str) -> None:
        super().__init__(api, endpoint)
        self._buf = b""
        self._inner = AnthropicSSE(api, endpoint)
        self._corrupt = False

    def feed(self, data: bytes) -> None:
        if self._corrupt:  # frame boundaries are lost: keep what was seen, read nothing more
            return
        buf = self._buf + data
        inner = self._inner
        while len(buf) >= 12:
            total, hlen = struct.unpack_from(">II", buf)
            # prelude: total length, headers length, CRC32 of those 8 bytes; the frame ends with a CRC32
            if struct.unpack_from(">I", buf, 8)[0] != zlib.crc32(buf[:8]) or total < 16 or hlen > total - 16:
                self._corrupt, buf = True, b""
                inner.error = inner.error or "corrupt event-stream frame (prelude CRC or lengths)"
                break
            if len(buf) < total:
                break
            if struct.unpack_from(">I", buf, total - 4)[0] != zlib.crc32(buf[:total - 4]):
                self._corrupt, buf = True, b""
                inner.error = inner.error or "corrupt event-stream frame (message CRC)"
                break
            payload = buf[12 + hlen: total - 4]
            buf = buf[total:]
            self.events += 1
            obj = json.loads(payload) if payload else {}
            if isinstance(obj, dict) and isinstance(obj.get("bytes"), str):
                event = json.loads(base64.b64decode(obj["bytes"]))
                if isinstance(event, dict):
                    inner._dispatch(str(event.get("type", "")).encode(), event)
            else:
                inner.error = (obj.get("message") if isinstance(obj, dict) else None) or "bedrock stream exception"
        self._buf = buf
        self.model, self.usage, self.complete, self.error = inner.model, inner.usage, inner.complete, inner.error


def make_stream_reader(api: str, endpoint: str, content_type: str, status: int) -> StreamReader:
    """The reader for a response body observed in streaming mode."""
    if status < 400:
        if "text/event-stream" in content_type:
            if api == "anthropic":
                return AnthropicSSE(api, endpoint)
            if endpoint == "responses":
                return ResponsesSSE(api, endpoint)
            return OpenAIChatSSE(api, endpoint)
        if "vnd.amazon.eventstream" in content_type:
            return BedrockEventStream(api, endpoint)
    return JSONBody(api, endpoint, status)
