"""The ``send`` patch on httpx2 (and classic httpx) client classes; install / uninstall / bypass."""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import threading
from collections.abc import Iterator
from typing import Any

from pytest_tokenbudget.plugin.capture import hub
from pytest_tokenbudget.plugin.capture.endpoints import Endpoint
from pytest_tokenbudget.plugin.capture.hub import ACTIVE, BYPASS, PASSING, Layer, begin, classify
from pytest_tokenbudget.plugin.capture.liveness import expected_live
from pytest_tokenbudget.plugin.capture.observe import Call, wrap_stream
from pytest_tokenbudget.plugin.capture.types import CallRequest

__all__ = ["bypass", "install", "installed", "patched_classes", "uninstall"]

_state = hub._state  # the listener and options, shared with the other transport patches
_lock = threading.Lock()
# client class -> (original send, our wrapper, library module)
_patched: dict[type, tuple[Any, Any, Any]] = {}
_live_transport_types: dict[type, bool] = {}
_network_transport_types: dict[type, bool] = {}


@contextlib.contextmanager
def bypass() -> Iterator[None]:
    """Calls made inside this block (this thread / this asyncio task) are not intercepted."""
    token = BYPASS.set(True)
    try:
        yield
    finally:
        BYPASS.reset(token)


def installed() -> bool:
    """Whether a listener is currently receiving calls."""
    return _state["listener"] is not None


def patched_classes() -> list[type]:
    """The client classes whose ``send`` carries our wrapper (for diagnostics and tests)."""
    from pytest_tokenbudget.plugin.capture import layers
    return list(_patched) + layers.patched()


# -- request side --------------------------------------------------------------------------------

def _build_request(request: Any, kind: Endpoint, path: bytes, live: bool | None = None) -> CallRequest:
    url = request.url
    # netloc is host[:port] without userinfo; the path comes without its query string
    origin = f"{url.scheme}://{url.netloc.decode('ascii', 'replace')}"
    try:
        content = request.content
    except Exception:  # a streamed request body that has not been read
        content = None
    return hub.build_request(kind, origin, path, content, request.headers.get("x-stainless-retry-count"), live)


def _begin(listener: Any, client: Any, request: Any, lib: Any, kind: Endpoint, path: bytes) -> Call:
    # whether a mock or a cassette will answer is decided here, before pre-flight reserves
    return begin(listener, kind, path,
                 lambda: _build_request(request, kind, path, expected_live(client, request, lib)))


# -- response side -------------------------------------------------------------------------------

def _is_live(client: Any, request: Any, response: Any, layer: Layer | None = None) -> bool:
    """Where the response came from: the network (httpcore's ``network_stream``, or an inner
    network layer -- urllib3, http.client, aiohttp -- that carried the request for a custom
    transport), or a mock / cassette replay."""
    if "network_stream" in response.extensions or (layer is not None and layer.network):
        return True
    try:
        transport = client._transport_for_url(request.url)
    except Exception:
        return False
    t = type(transport)
    live = _live_transport_types.get(t)
    if live is None:
        live = any("aiohttp" in (c.__module__ or "") or "aiohttp" in c.__name__.lower() for c in t.__mro__)
        _live_transport_types[t] = live
    return live


def _network_transport(client: Any, request: Any, lib: Any) -> bool:
    """``send`` raised before a response existed: was it going to the network (not a mock)?"""
    try:
        t = type(client._transport_for_url(request.url))
    except Exception:
        return False
    live = _network_transport_types.get(t)
    if live is None:
        real = tuple(c for c in (getattr(lib, "HTTPTransport", None), getattr(lib, "AsyncHTTPTransport", None)) if c)
        live = issubclass(t, real) or any("aiohttp" in (c.__module__ or "") or "aiohttp" in c.__name__.lower()
                                          for c in t.__mro__)
        _network_transport_types[t] = live
    return live


def _observe(call: Call, client: Any, request: Any, response: Any, stream: bool, lib: Any,
             layer: Layer | None = None) -> None:
    try:
        call.status = response.status_code
        call.live = _is_live(client, request, response, layer)
        if stream and not getattr(response, "is_stream_consumed", False):
            call.start_stream(response, lib)
            wrap_stream(response, call, lib)
        else:
            call.read_body(response)
    except Exception as exc:  # observation must never break the caller: record what we know
        if not call.done:
            call.observe_error = f"observer: {type(exc).__name__}: {exc}"[:300]
            call.finish(error=call.observe_error)


_CLASSIFIED = frozenset({"POST", "GET"})  # GET: batch results only (hub.classify)


# -- the wrappers --------------------------------------------------------------------------------

def _send_failed(call: Any, client: Any, request: Any, lib: Any, exc: BaseException, layer: Layer) -> None:
    """Record an attempt whose ``send`` raised: live unless a mock transport raised it."""
    try:
        call.live = layer.network or _network_transport(client, request, lib)
    except Exception:
        pass
    call.failed(exc)


def _as_send(send: Any, original: Any) -> Any:
    """Give the wrapper the original's name and docstring, and remember the original (uninstall)."""
    send.__doc__ = original.__doc__
    send.__name__ = "send"
    send.__qualname__ = getattr(original, "__qualname__", "send")
    send._tokenbudget_original = original  # type: ignore[attr-defined]
    return send


def _nested(response: Any) -> None:
    """An httpx client used inside another intercepted layer (a transport built on a client)."""
    if "network_stream" in getattr(response, "extensions", ()):
        hub.inner_network()


def _make_sync_send(original: Any, lib: Any) -> Any:
    def send(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        listener = _state["listener"]
        if listener is None or BYPASS.get():
            return original(self, request, *args, **kwargs)
        if ACTIVE.get() is not None:
            response = original(self, request, *args, **kwargs)
            _nested(response)
            return response
        found = classify(request.method, request.url.raw_path) if request.method in _CLASSIFIED else None
        if found is None:
            token = ACTIVE.set(PASSING)
            try:
                return original(self, request, *args, **kwargs)
            finally:
                ACTIVE.reset(token)
        call = _begin(listener, self, request, lib, *found)
        layer = Layer(True)
        token = ACTIVE.set(layer)
        try:
            response = original(self, request, *args, **kwargs)
        except BaseException as exc:
            _send_failed(call, self, request, lib, exc, layer)
            raise
        finally:
            ACTIVE.reset(token)
        _observe(call, self, request, response, kwargs.get("stream", False), lib, layer)
        return response

    return _as_send(send, original)


def _make_async_send(original: Any, lib: Any) -> Any:
    async def send(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        listener = _state["listener"]
        if listener is None or BYPASS.get():
            return await original(self, request, *args, **kwargs)
        if ACTIVE.get() is not None:
            response = await original(self, request, *args, **kwargs)
            _nested(response)
            return response
        found = classify(request.method, request.url.raw_path) if request.method in _CLASSIFIED else None
        if found is None:
            token = ACTIVE.set(PASSING)
            try:
                return await original(self, request, *args, **kwargs)
            finally:
                ACTIVE.reset(token)
        call = _begin(listener, self, request, lib, *found)
        layer = Layer(True)
        token = ACTIVE.set(layer)
        try:
            response = await original(self, request, *args, **kwargs)
        except BaseException as exc:
            _send_failed(call, self, request, lib, exc, layer)
            raise
        finally:
            ACTIVE.reset(token)
        _observe(call, self, request, response, kwargs.get("stream", False), lib, layer)
        return response

    return _as_send(send, original)


def _libraries() -> list[Any]:
    libs = []
    for name in ("httpx2", "httpx"):
        try:
            if importlib.util.find_spec(name) is None:
                continue
            libs.append(importlib.import_module(name))
        except Exception:
            continue
    return libs


def install(listener: Any, *, estimate_input: bool = True) -> None:
    """Start delivering LLM calls to ``listener`` (replaces a previous listener).

    Patches ``send`` on ``Client`` / ``AsyncClient`` of httpx2 and, when importable, classic
    httpx — each class once, also when ``httpx2.alias_httpx()`` made them the same class — and
    the other HTTP stacks (:mod:`.layers`: urllib3, http.client, aiohttp; each when it is
    imported, so installing imports none of them).
    ``estimate_input=False`` leaves ``CallRequest.input_estimate`` at ``None`` (saves the
    tokenizer's ~5-20 µs per call when no pre-flight check needs it).
    """
    if listener is None:
        raise TypeError("install() needs a listener; use uninstall() to stop capturing")
    from pytest_tokenbudget.plugin.capture import guard, layers
    with _lock:
        for lib in _libraries():
            for cls, maker in ((getattr(lib, "Client", None), _make_sync_send),
                               (getattr(lib, "AsyncClient", None), _make_async_send)):
                if cls is None or cls in _patched:
                    continue  # already ours (maybe inert under someone else's patch): reuse it
                original = cls.__dict__.get("send")
                if original is None or getattr(original, "_tokenbudget_original", None) is not None:
                    continue
                wrapper = maker(original, lib)
                _patched[cls] = (original, wrapper, lib)
                setattr(cls, "send", wrapper)
        hub.set_listener(listener, estimate_input)
    layers.install()
    guard.install()


def uninstall() -> None:
    """Stop capturing. Restores ``send`` where our wrapper is still the class attribute; where
    someone patched on top of it, the wrapper stays in their chain but passes everything through."""
    from pytest_tokenbudget.plugin.capture import guard, layers
    with _lock:
        hub.set_listener(None)
        for cls, (original, wrapper, _lib) in list(_patched.items()):
            if cls.__dict__.get("send") is wrapper:
                setattr(cls, "send", original)
                del _patched[cls]
    layers.uninstall()
    guard.uninstall()
