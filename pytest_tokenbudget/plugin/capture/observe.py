"""One intercepted attempt from request to record, and the stream wrappers that observe bodies.

A :class:`Call` is made when an LLM request is about to be sent. It writes exactly one
:class:`~.types.CallRecord` to the listener, whatever happens: refusal, exception from ``send``,
a read body, or — for streams — the first of: end of iteration, an exception while iterating,
``close()``/``aclose()``, or garbage collection of an unclosed stream.

The stream wrappers subclass the HTTP library's ``SyncByteStream`` / ``AsyncByteStream`` (both,
for ``ByteStream``-like streams), feed every raw chunk to a reader *before* yielding it, and
never change what the caller reads or when: chunks are yielded as received, exceptions are
re-raised unchanged, and a reader failure only stops observation.
"""

from __future__ import annotations

import threading
import time
import warnings
from collections import deque
from collections.abc import AsyncGenerator
from typing import Any

from pytest_tokenbudget.plugin.capture.batches import batch_reader
from pytest_tokenbudget.plugin.capture.parse import (
    make_decoder,
    make_stream_reader,
    parse_json_body,
    scrub,
)
from pytest_tokenbudget.plugin.capture.types import CallRecord, CallRequest

__all__ = ["Call", "CaptureWarning", "drain_dropped", "finish_open", "stream_classes"]

# Attempts not over yet (in send, or a stream not yet read to its end / closed / collected): id -> Call.
# Dict operations are atomic under the GIL; an entry goes away when its call finishes.
_OPEN: dict[int, Call] = {}

# Calls whose stream was dropped unclosed. A finaliser (``__del__``, run by the garbage collector at
# any allocation -- also while this very thread holds a lock the listener needs) must take no lock,
# so it only appends the call here (``deque.append`` is atomic and lock-free under the GIL). The
# queue is drained outside any finaliser: when the next call starts, by :func:`drain_dropped` (the
# plugin calls it when a test ends) and by :func:`finish_open`.
_DROPPED: deque[Call] = deque()


def drain_dropped() -> int:
    """Record the calls whose stream a finaliser queued (dropped without being closed); -> count.
    Never call this from a finaliser."""
    n = 0
    while _DROPPED:
        try:
            call = _DROPPED.popleft()
        except IndexError:  # drained meanwhile by another thread
            break
        if call.done:
            continue
        try:
            call.stream_end(dropped=True)
            n += 1
        except Exception as exc:  # a listener failure: reported, never raised at the caller
            warn_listener_failure("recording a dropped stream", exc)
    return n


class CaptureWarning(RuntimeWarning):
    """The capture listener failed; the call itself went ahead unchanged."""


def warn_listener_failure(where: str, exc: BaseException) -> None:
    try:
        warnings.warn(f"pytest-tokenbudget: capture {where} failed: {exc!r}", CaptureWarning, stacklevel=3)
    except Exception:  # warnings configured as errors inside a stream close: never break the caller
        pass


# Raised by ``send`` once the request has left: the API may have processed (and billed) it.
# (Connect errors, pool timeouts, write errors: the request was not, or not wholly, sent.)
_LOST = frozenset({"ReadTimeout", "ReadError", "RemoteProtocolError", "DecodingError", "CancelledError",
                   # urllib3 / http.client / aiohttp, once the request is out
                   "ReadTimeoutError", "ProtocolError", "RemoteDisconnected", "IncompleteRead", "ServerDisconnectedError",
                   "ClientPayloadError", "SocketTimeoutError", "ServerTimeoutError"})


def _exc_text(exc: BaseException) -> str:
    try:
        text = str(exc)
    except Exception:
        text = ""
    return scrub(f"{type(exc).__name__}: {text}")[:300] if text else type(exc).__name__


class Call:
    """State of one attempt; :meth:`finish` delivers the record once."""

    __slots__ = ("listener", "token", "request", "t0", "done", "status", "live", "streamed", "reader",
                 "decoder", "observe_error", "kept", "_once")

    def __init__(self, listener: Any, request: CallRequest) -> None:
        self.listener = listener
        self.token: Any = None
        self.request = request
        self.t0 = time.perf_counter()
        self.done = False
        self._once = threading.Lock()  # acquired by the one finish() that delivers the record
        self.status: int | None = None
        self.live = False
        self.streamed = False
        self.reader: Any = None
        self.decoder: Any = None
        self.observe_error: str | None = None
        self.kept: Any = None  # a reader that failed mid-way: what it saw is still recorded
        _OPEN[id(self)] = self
        if _DROPPED:  # outside any finaliser and any lock: record the streams dropped meanwhile
            drain_dropped()

    # -- delivery --------------------------------------------------------------------------------
    def finish(self, *, response_model: str | None = None, usage: dict | None = None, complete: bool = False,
               error: str | None = None, refused: bool = False, events: int = 0, in_del: bool = False,
               lost: bool = False, batch: dict | None = None) -> None:
        if self.done or not self._once.acquire(False):
            return
        self.done = True
        _OPEN.pop(id(self), None)
        record = CallRecord(
            request=self.request, status=self.status, response_model=response_model, usage=usage,
            complete=complete, streamed=self.streamed, live=self.live,
            duration_s=0.0 if refused else time.perf_counter() - self.t0, error=error, refused=refused,
            events=events, lost=lost, batch=batch,
        )
        self.reader = self.decoder = self.kept = None
        try:
            self.listener.on_record(self.token, record)
        except Exception as exc:
            warn_listener_failure("listener on_record", exc)
        except BaseException:
            if in_del:
                return
            raise

    def abandon(self, reason: str) -> None:
        """Record the attempt now, as far as it got (it may still be read or closed later: that is
        then ignored). For a stream, what was seen is kept and it is incomplete; an attempt still
        waiting for its response is ``lost``."""
        reader = self.reader if self.reader is not None else self.kept
        if reader is None:
            self.finish(error=reason, lost=self.status is None)
            return
        self.finish(response_model=reader.model, usage=reader.usage, complete=False, error=reason,
                    events=reader.events, batch=getattr(reader, "batch", None))

    def refused(self, exc: BaseException) -> None:
        self.finish(error=_exc_text(exc), refused=True)

    def failed(self, exc: BaseException, lost: bool | None = None) -> None:
        """``send`` raised: no response (connection error, timeout, cancellation). ``lost``: the
        request had left (None: judged from the exception's type)."""
        self.finish(error=_exc_text(exc), lost=type(exc).__name__ in _LOST if lost is None else lost)

    # -- responses -------------------------------------------------------------------------------
    def read_body(self, response: Any) -> None:
        """``send(stream=False)``: the body is read and decoded already."""
        content = response.content
        self.read_bytes(content, "" if content[:1] == b"{" else response.headers.get("content-type", ""))

    def read_bytes(self, content: bytes, ctype: str) -> None:
        """A whole, already-decoded body (any HTTP library)."""
        req = self.request
        status = self.status or 0
        batch = batch_reader(req, status)
        if batch is not None or (status < 400 and ("text/event-stream" in ctype or "vnd.amazon.eventstream" in ctype)):
            self.streamed = batch is None
            reader = batch or make_stream_reader(req.api, req.endpoint, ctype, status)
            try:
                reader.feed(content)
                reader.eof(status)
            except Exception as exc:
                reader.error = reader.error or f"observer: {_exc_text(exc)}"
            self.finish(response_model=reader.model, usage=reader.usage, complete=reader.complete,
                        error=reader.error, events=reader.events, batch=getattr(reader, "batch", None))
            return
        model, usage, error, parsed = parse_json_body(req.api, req.endpoint, content, status)
        self.finish(response_model=model, usage=usage, complete=parsed and status < 400, error=error)

    def start_stream(self, response: Any, lib: Any) -> None:
        """``send(stream=True)``: prepare a reader for the raw chunks of the unread body."""
        req = self.request
        headers = response.headers
        ctype = headers.get("content-type", "")
        self.streamed = "text/event-stream" in ctype or "vnd.amazon.eventstream" in ctype
        self.reader = (batch_reader(req, self.status or 0)
                       or make_stream_reader(req.api, req.endpoint, ctype, self.status or 0))
        encoding = headers.get("content-encoding")
        if encoding:
            try:
                self.decoder = make_decoder(encoding, lib)
            except LookupError:
                self.reader = None
                self.observe_error = f"content-encoding {encoding!r} not decodable"

    def feed(self, chunk: bytes) -> None:
        reader = self.reader
        if reader is None:
            return
        try:
            if self.decoder is not None:
                chunk = self.decoder(chunk)
            reader.feed(chunk)
        except Exception as exc:
            self.observe_error = f"observer: {_exc_text(exc)}"
            self.reader = None  # stop observing; keep what was seen
            self.kept = reader

    def dropped(self) -> None:
        """The response object was garbage-collected (a ``weakref.finalize`` callback)."""
        if not self.done:
            try:
                self.stream_end(dropped=True)
            except BaseException:
                pass

    def stream_end(self, *, exhausted: bool = False, exc: BaseException | None = None, dropped: bool = False) -> None:
        if self.done:
            return
        reader = self.reader if self.reader is not None else self.kept
        if exhausted and self.reader is not None:
            try:
                reader.eof(self.status or 0)
            except Exception as e:
                self.observe_error = f"observer: {_exc_text(e)}"
        error = None
        if exc is not None:
            error = _exc_text(exc)
        elif reader is not None and reader.error:
            error = reader.error
        elif self.observe_error:
            error = self.observe_error
        elif dropped and not (reader is not None and reader.complete):
            error = "stream dropped without being closed"
        if reader is None:
            self.finish(error=error, in_del=dropped)
            return
        self.finish(response_model=reader.model, usage=reader.usage,
                    complete=reader.complete and exc is None and reader.error is None,
                    error=error, events=reader.events, in_del=dropped, batch=getattr(reader, "batch", None))


def finish_open(reason: str = "still open when capture was asked to finish", listener: Any = None) -> int:
    """Record every attempt that is not over yet (of ``listener``, or of all listeners) as it is now:
    streams nobody closed or read to their end, requests still waiting for a response. Returns how
    many. Their record is final: a later read, close or collection of the stream changes nothing."""
    n = drain_dropped()
    while True:
        try:  # a stream collected meanwhile (its __del__ finishes its call) may change the dict
            calls = list(_OPEN.values())
            break
        except RuntimeError:
            continue
    for call in calls:
        if call.done or (listener is not None and call.listener is not listener):
            continue
        try:
            call.abandon(reason)
            n += 1
        except Exception as exc:  # a listener failure: reported, never raised at the caller
            warn_listener_failure("finishing an open call", exc)
    return n


class _Observed:
    """What the observing stream wrappers share: delegation to the inner stream, and the dropped-
    stream record (a wrapper collected before its call finished)."""

    _tb_call: Call | None = None

    def __init__(self, inner: Any, call: Call) -> None:
        self._tb_inner = inner
        self._tb_call = call
        self._tb_observer = getattr(inner, "stream_observer", None)

    @property
    def elapsed(self) -> Any:
        return getattr(self._tb_inner, "elapsed", None)

    @elapsed.setter
    def elapsed(self, value: Any) -> None:
        self._tb_inner.elapsed = value

    @property
    def stream_observer(self) -> Any:
        return self._tb_observer

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_tb_"):
            raise AttributeError(name)
        return getattr(self._tb_inner, name)

    def __repr__(self) -> str:
        return f"<observed {self._tb_inner!r}>"

    def __del__(self) -> None:
        call = self._tb_call
        if call is not None and not call.done:
            _DROPPED.append(call)  # no lock in a finaliser: recorded by drain_dropped(), outside

class _SyncMixin:
    """Sync iteration: feed each chunk to the call, end it on exhaustion, error or close."""

    def __iter__(self) -> Any:
        call = self._tb_call
        try:
            for chunk in self._tb_inner:
                call.feed(chunk)
                yield chunk
        except GeneratorExit:
            raise
        except BaseException as exc:
            call.stream_end(exc=exc)
            raise
        call.stream_end(exhausted=True)

    def close(self) -> None:
        try:
            self._tb_inner.close()
        finally:
            self._tb_call.stream_end()

class _AsyncMixin:
    """Async iteration, as :class:`_SyncMixin`."""

    async def __aiter__(self) -> Any:
        call = self._tb_call
        stream = self._tb_inner.__aiter__()
        try:
            async for chunk in stream:
                call.feed(chunk)
                yield chunk
        except GeneratorExit:
            raise
        except BaseException as exc:
            call.stream_end(exc=exc)
            raise
        finally:
            if isinstance(stream, AsyncGenerator):
                await stream.aclose()
        call.stream_end(exhausted=True)

    async def aclose(self) -> None:
        try:
            await self._tb_inner.aclose()
        finally:
            self._tb_call.stream_end()


def _make_classes(lib: Any) -> tuple[type, type, type]:
    """The observing classes for one httpx-like module (they must subclass its byte-stream bases)."""
    SyncBase, AsyncBase = lib.SyncByteStream, lib.AsyncByteStream

    class ObservedSyncStream(_SyncMixin, _Observed, SyncBase):
        pass

    class ObservedAsyncStream(_AsyncMixin, _Observed, AsyncBase):
        pass

    class ObservedStream(_SyncMixin, _AsyncMixin, _Observed, SyncBase, AsyncBase):
        pass

    for cls in (ObservedSyncStream, ObservedAsyncStream, ObservedStream):
        cls.__module__ = __name__
    return ObservedSyncStream, ObservedAsyncStream, ObservedStream


_CLASSES: dict[int, tuple[Any, tuple[type, type, type]]] = {}


def stream_classes(lib: Any) -> tuple[type, type, type]:
    """(sync, async, both) observing stream classes for an httpx-like module."""
    entry = _CLASSES.get(id(lib))
    if entry is None or entry[0] is not lib:
        entry = (lib, _make_classes(lib))
        _CLASSES[id(lib)] = entry
    return entry[1]


def wrap_stream(response: Any, call: Call, lib: Any) -> None:
    """Replace ``response.stream`` by an observing wrapper of the same kind."""
    sync_cls, async_cls, both_cls = stream_classes(lib)
    stream = response.stream
    is_sync = isinstance(stream, lib.SyncByteStream)
    is_async = isinstance(stream, lib.AsyncByteStream)
    if is_sync and is_async:
        response.stream = both_cls(stream, call)
    elif is_sync:
        response.stream = sync_cls(stream, call)
    elif is_async:
        response.stream = async_cls(stream, call)
    else:  # unknown stream kind: do not touch it; the attempt is recorded without a body
        call.observe_error = f"unobservable stream {type(stream).__name__}"
        call.stream_end()
