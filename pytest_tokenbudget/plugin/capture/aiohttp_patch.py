"""aiohttp client sessions: one record per request.

Patched: ``aiohttp.ClientSession._request`` -- what ``request``, ``get``, ``post`` ... and their
context managers all await (private, but the only per-request entry point; trace configs cannot
refuse a request or see the body). Mocking libraries that replace ``_request`` after the plugin
did (aioresponses, vcrpy's aiohttp stubs) take the call away from us: nothing is sent, nothing is
recorded. A vcrpy stub already in place when the plugin patched is inside our wrapper: its cassette
says before sending whether it answers (:func:`.liveness.aiohttp_expected_live`). vcrpy imported
earlier still keeps aiohttp's own method for its recordings; :func:`install` points it at ours.

The body: the response's ``content`` (a ``StreamReader`` fed by the connection, already
decompressed unless ``auto_decompress=False``) becomes an :class:`_Observed` reader -- same slots,
only ``feed_data`` / ``feed_eof`` / ``set_exception`` extended -- so every byte is seen as it
arrives, however the caller reads it (``read``, ``json``, ``iter_chunked``, line iteration);
what arrived before that is read from the buffer. ``ClientResponse.release`` / ``close`` end an
early abort.
"""

from __future__ import annotations

import sys
import weakref
from typing import Any

from pytest_tokenbudget.plugin.capture import hub
from pytest_tokenbudget.plugin.capture.hub import ACTIVE, BYPASS, PASSING, ClassPatches, Layer
from pytest_tokenbudget.plugin.capture.liveness import aiohttp_expected_live
from pytest_tokenbudget.plugin.capture.observe import Call

__all__ = ["install", "patched", "uninstall"]

_patches = ClassPatches()
_state = hub._state
_TAPS: dict[int, Call] = {}  # id(observed StreamReader) -> its call, until it ends
_Observed: Any = None
_VCR_ORIGINAL = "_AiohttpClientSessionRequest"  # vcr.patch's saved aiohttp method
_VCR_RESTORE: list[tuple[Any, Any]] = []


def _target(session: Any, str_or_url: Any) -> tuple[str, bytes]:
    build = getattr(session, "_build_url", None)
    if build is not None:
        url = build(str_or_url)
    else:
        from yarl import URL
        url = URL(str_or_url)
    path = url.raw_path + (f"?{url.raw_query_string}" if url.raw_query_string else "")
    return hub.origin(url.scheme, url.host, url.explicit_port), path.encode("latin-1", "replace")


def _make(original: Any) -> Any:
    async def _request(self: Any, method: str, str_or_url: Any, **kwargs: Any) -> Any:
        listener = _state["listener"]
        if listener is None or BYPASS.get() or hub.inner_network():
            return await original(self, method, str_or_url, **kwargs)
        try:
            origin, raw = _target(self, str_or_url)
            found = hub.classify(method, raw)
        except Exception:  # an invalid URL: aiohttp says so
            found = None
        if found is None:
            token = ACTIVE.set(PASSING)
            try:
                return await original(self, method, str_or_url, **kwargs)
            finally:
                ACTIVE.reset(token)
        kind, path = found
        body = kwargs.get("json")
        if body is None:
            body = kwargs.get("data")
        call = hub.begin(listener, kind, path, lambda: hub.build_request(
            kind, origin, path, body, hub.header(kwargs.get("headers"), "x-stainless-retry-count"),
            aiohttp_expected_live(original, self, method, str_or_url, kwargs)))
        call.live = call.request.expected_live is not False
        token = ACTIVE.set(Layer(True))
        try:
            response = await original(self, method, str_or_url, **kwargs)
        except BaseException as exc:
            call.failed(exc)
            raise
        finally:
            ACTIVE.reset(token)
        decompress = kwargs.get("auto_decompress")
        if decompress is None:
            decompress = getattr(self, "auto_decompress", True)
        _observe(call, response, bool(decompress))
        return response

    return _request


def _observe(call: Call, response: Any, decompressed: bool) -> None:
    try:
        call.status = response.status
        call.start_stream(response, None)
        if decompressed:
            call.decoder = None
        content = response.content
        if not isinstance(content, _Observed.__base__):  # someone's reader: nothing to read from
            call.stream_end(exhausted=True)
            return
        for chunk in list(getattr(content, "_buffer", ())):  # arrived before the response was handed over
            call.feed(bytes(chunk))
        if content.is_eof() or type(content) is not _Observed.__base__:  # a replay's reader holds it all
            call.stream_end(exhausted=True)
            return
        _TAPS[id(content)] = call
        content.__class__ = _Observed
        weakref.finalize(response, _dropped, id(content), call)
    except Exception as exc:  # observation must never break the caller
        if not call.done:
            call.finish(error=f"observer: {type(exc).__name__}: {exc}"[:300])


def _dropped(key: int, call: Call) -> None:
    if _TAPS.get(key) is call:
        del _TAPS[key]
    call.dropped()


def _observed_class(base: type) -> type:
    class ObservedStreamReader(base):  # type: ignore[misc, valid-type]
        __slots__ = ()

        def feed_data(self, data: bytes, *args: Any, **kwargs: Any) -> Any:
            result = super().feed_data(data, *args, **kwargs)
            call = _TAPS.get(id(self))
            if call is not None and data:
                call.feed(bytes(data))
            return result

        def feed_eof(self) -> None:
            super().feed_eof()
            call = _TAPS.pop(id(self), None)
            if call is not None:
                call.stream_end(exhausted=True)

        def set_exception(self, exc: BaseException, *args: Any, **kwargs: Any) -> None:
            super().set_exception(exc, *args, **kwargs)
            call = _TAPS.pop(id(self), None)
            if call is not None:
                call.stream_end(exc=exc)

    ObservedStreamReader.__module__ = __name__
    return ObservedStreamReader


def _make_ender(original: Any) -> Any:
    def end(self: Any, *args: Any, **kwargs: Any) -> Any:
        call = _TAPS.pop(id(self.content), None) if type(self.content) is _Observed else None
        try:
            return original(self, *args, **kwargs)
        finally:
            if call is not None:
                call.stream_end()
    return end


def install() -> None:
    global _Observed
    import aiohttp
    from aiohttp.client_reqrep import ClientResponse
    from aiohttp.streams import StreamReader
    if _Observed is None:
        _Observed = _observed_class(StreamReader)
    original = aiohttp.ClientSession.__dict__.get("_request")
    _patches.patch(aiohttp.ClientSession, "_request", _make)
    _patches.patch(ClientResponse, "release", _make_ender)
    _patches.patch(ClientResponse, "close", _make_ender)
    _route_vcr_through_us(original, aiohttp.ClientSession.__dict__.get("_request"))


def _route_vcr_through_us(original: Any, ours: Any) -> None:
    """vcrpy keeps the ``_request`` it found when ``vcr.patch`` was imported and wraps that in each
    cassette's stub. Imported before this patch, its recordings would call aiohttp's own method and
    never reach us: a real, billed call unseen. Point it at ours (put back by :func:`uninstall`)."""
    vcr_patch = sys.modules.get("vcr.patch")
    if vcr_patch is not None and original is not None and getattr(vcr_patch, _VCR_ORIGINAL, None) is original:
        setattr(vcr_patch, _VCR_ORIGINAL, ours)
        _VCR_RESTORE.append((vcr_patch, original))


def uninstall() -> None:
    _patches.restore()
    while _VCR_RESTORE:
        vcr_patch, original = _VCR_RESTORE.pop()
        setattr(vcr_patch, _VCR_ORIGINAL, original)


def patched() -> list[type]:
    return _patches.classes()
