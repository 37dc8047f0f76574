"""urllib3 (and so ``requests`` and botocore / boto3 Bedrock): one record per attempt.

Patched: ``urllib3.connectionpool.HTTPConnectionPool._make_request`` -- the one place every
attempt passes (``urlopen`` calls it once per try, retries and redirects included; ``requests``
and botocore use ``urlopen``). It is private, but stable across urllib3 2.x; there is no public
per-attempt hook.

The body. With ``preload_content=True`` the response arrives read (``response.data``). Otherwise
(``requests``, botocore, ``stream=True``) the raw bytes are observed where urllib3 reads them off
the connection, before any content decoding: the response instance gets wrappers around its
``_raw_read`` (``read``, ``read1``, ``stream``) and ``_handle_chunk`` / ``read_chunked`` (chunked
bodies), and ``release_conn`` / ``close`` end an early abort. Only that one response is touched.
"""

from __future__ import annotations

import weakref
from typing import Any

from pytest_tokenbudget.plugin.capture import hub
from pytest_tokenbudget.plugin.capture.hub import ACTIVE, BYPASS, PASSING, ClassPatches, Layer
from pytest_tokenbudget.plugin.capture.liveness import urllib3_expected_live
from pytest_tokenbudget.plugin.capture.observe import Call

__all__ = ["install", "patched", "uninstall"]

_patches = ClassPatches()
_state = hub._state


def _live(conn: Any) -> bool:
    """Real network, unless vcrpy replays the response (its connection never opened a socket)."""
    module = type(conn).__module__ or ""
    if module.startswith("vcr"):
        return getattr(getattr(conn, "real_connection", None), "sock", None) is not None
    return True


def _make(original: Any) -> Any:
    def _make_request(self: Any, conn: Any, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        listener = _state["listener"]
        if listener is None or BYPASS.get() or hub.inner_network():
            return original(self, conn, method, url, *args, **kwargs)
        origin, raw = hub.split_target(url, self.scheme, self.host, self.port)
        found = hub.classify(method, raw)
        if found is None:
            token = ACTIVE.set(PASSING)
            try:
                return original(self, conn, method, url, *args, **kwargs)
            finally:
                ACTIVE.reset(token)
        kind, path = found
        body = kwargs.get("body", args[0] if args else None)
        headers = kwargs.get("headers", args[1] if len(args) > 1 else None)
        call = hub.begin(listener, kind, path, lambda: hub.build_request(
            kind, origin, path, body, hub.header(headers, "x-stainless-retry-count"),
            urllib3_expected_live(conn, method, url, body, headers)))
        token = ACTIVE.set(Layer(True))
        try:
            response = original(self, conn, method, url, *args, **kwargs)
        except BaseException as exc:
            call.live = _live(conn)
            call.failed(exc)
            raise
        finally:
            ACTIVE.reset(token)
        _observe(call, conn, response, kwargs.get("decode_content", True))
        return response

    return _make_request


def _observe(call: Call, conn: Any, response: Any, decode_content: bool) -> None:
    try:
        call.status = response.status
        call.live = _live(conn)
        if getattr(response, "_body", None) is not None:  # preload_content=True: read already
            data = response._body
            encoding = response.headers.get("content-encoding")
            if encoding and not decode_content:
                from pytest_tokenbudget.plugin.capture.parse import make_decoder
                decoder = make_decoder(encoding, None)
                data = decoder(data) if decoder is not None else data
            call.read_bytes(data, "" if data[:1] == b"{" else response.headers.get("content-type", ""))
            return
        recorded = getattr(response, "recorded_response", None)
        if recorded is not None and (type(response).__module__ or "").startswith("vcr."):
            _read_recorded(call, response, recorded)  # vcrpy's response: the whole body is known up front
            return
        call.start_stream(response, None)
        _tap(call, response)
    except Exception as exc:  # observation must never break the caller: record what we know
        if not call.done:
            call.observe_error = f"observer: {type(exc).__name__}: {exc}"[:300]
            call.finish(error=call.observe_error)


def _read_recorded(call: Call, response: Any, recorded: Any) -> None:
    """A vcrpy response (replayed, or just recorded): its body as the server sent it (maybe compressed)."""
    data = recorded["body"]["string"]
    data = data.encode("utf-8") if isinstance(data, str) else bytes(data or b"")
    encoding = response.getheader("content-encoding")
    if encoding:
        from pytest_tokenbudget.plugin.capture.parse import make_decoder
        decoder = make_decoder(encoding, None)
        data = decoder(data) if decoder is not None else data
    call.read_bytes(data, "" if data[:1] == b"{" else response.getheader("content-type") or "")


def _fp_closed(response: Any) -> bool:
    fp = response._fp
    if fp is None:
        return True
    closed = getattr(fp, "isclosed", None)
    return closed() if closed is not None else bool(getattr(fp, "closed", False))


def _tap(call: Call, response: Any) -> None:
    """Observe the raw bytes of this one response as urllib3 reads them (instance attributes)."""
    cls = type(response)
    ref = weakref.ref(response)
    busy = [0]  # inside a read: urllib3 releases the connection there once the body is read

    def _raw_read(amt: Any = None, *args: Any, **kwargs: Any) -> bytes:
        r = ref()
        busy[0] += 1
        try:
            data = cls._raw_read(r, amt, *args, **kwargs)
        except BaseException as exc:
            call.stream_end(exc=exc)
            raise
        finally:
            busy[0] -= 1
        if data:
            call.feed(data)
        if (not data and amt != 0) or _fp_closed(r):
            call.stream_end(exhausted=True)
        return data

    def _handle_chunk(*args: Any, **kwargs: Any) -> bytes:
        busy[0] += 1
        try:
            data = cls._handle_chunk(ref(), *args, **kwargs)
        finally:
            busy[0] -= 1
        if data:
            call.feed(data)
        return data

    def read_chunked(*args: Any, **kwargs: Any) -> Any:
        try:
            yield from cls.read_chunked(ref(), *args, **kwargs)
        except GeneratorExit:
            raise
        except BaseException as exc:
            call.stream_end(exc=exc)
            raise
        if _fp_closed(ref()):
            call.stream_end(exhausted=True)

    def _ender(name: str) -> Any:
        method = getattr(cls, name)

        def end(*args: Any, **kwargs: Any) -> Any:
            try:
                return method(ref(), *args, **kwargs)
            finally:
                if not busy[0]:  # else the read that is under way ends the call with what it got
                    call.stream_end()
        return end

    d = response.__dict__
    d["_raw_read"] = _raw_read
    if hasattr(cls, "_handle_chunk"):
        d["_handle_chunk"] = _handle_chunk
    if hasattr(cls, "read_chunked"):
        d["read_chunked"] = read_chunked
    for name in ("release_conn", "close"):
        d[name] = _ender(name)
    weakref.finalize(response, call.dropped)


def install() -> None:
    from urllib3.connectionpool import HTTPConnectionPool
    _patches.patch(HTTPConnectionPool, "_make_request", _make)


def uninstall() -> None:
    _patches.restore()


def patched() -> list[type]:
    return _patches.classes()
