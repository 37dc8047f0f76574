"""The ``send`` patch on httpx2 (and classic httpx) client classes; install / uninstall / bypass."""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import json
import threading
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from pytest_tokenbudget.core.errors import TokenBudgetExceeded
from pytest_tokenbudget.core.tokens import estimate_request_tokens
from pytest_tokenbudget.plugin.capture.endpoints import (
    SUFFIXES,
    Endpoint,
    classify_path,
)
from pytest_tokenbudget.plugin.capture.observe import (
    Call,
    warn_listener_failure,
    wrap_stream,
)
from pytest_tokenbudget.plugin.capture.types import CallRequest

__all__ = ["bypass", "install", "installed", "patched_classes", "uninstall"]

_BYPASS: ContextVar[bool] = ContextVar("pytest_tokenbudget_capture_bypass", default=False)
_listener: Any = None
_lock = threading.Lock()
# client class -> (original send, our wrapper, library module)
_patched: dict[type, tuple[Any, Any, Any]] = {}
_ESTIMATED = frozenset({"messages", "chat.completions", "responses", "completions", "embeddings"})
_live_transport_types: dict[type, bool] = {}
_network_transport_types: dict[type, bool] = {}
_estimate_input = True


@contextlib.contextmanager
def bypass() -> Iterator[None]:
    """Calls made inside this block (this thread / this asyncio task) are not intercepted."""
    token = _BYPASS.set(True)
    try:
        yield
    finally:
        _BYPASS.reset(token)


def installed() -> bool:
    """Whether a listener is currently receiving calls."""
    return _listener is not None


def patched_classes() -> list[type]:
    """The client classes whose ``send`` carries our wrapper (for diagnostics and tests)."""
    return list(_patched)


# -- request side --------------------------------------------------------------------------------

def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _build_request(request: Any, kind: Endpoint, path: bytes) -> CallRequest:
    url = request.url
    # netloc is host[:port] without userinfo; the path comes without its query string
    clean_url = f"{url.scheme}://{url.netloc.decode('ascii', 'replace')}{path.decode('ascii', 'replace')}"
    body: dict[str, Any] | None = None
    try:
        content = request.content
    except Exception:  # a streamed request body that has not been read
        content = None
    if content:
        try:
            parsed = json.loads(content.decode("utf-8") if isinstance(content, bytes) else content)
            if isinstance(parsed, dict):
                body = parsed
        except ValueError:
            body = None
    model = kind.model
    max_tokens = None
    stream = bool(kind.stream)
    estimate = None
    if body is not None:
        if model is None and isinstance(body.get("model"), str):
            model = body["model"]
        max_tokens = _int(body.get("max_tokens"))
        if max_tokens is None:
            max_tokens = _int(body.get("max_completion_tokens"))
            if max_tokens is None:
                max_tokens = _int(body.get("max_output_tokens"))
        if kind.stream is None:
            stream = body.get("stream") is True
        if _estimate_input and kind.endpoint in _ESTIMATED:
            try:
                estimate = estimate_request_tokens(body)
            except Exception:
                estimate = None
    retry = request.headers.get("x-stainless-retry-count")
    attempt = int(retry) if retry is not None and retry.isdigit() else None
    return CallRequest(api=kind.api, endpoint=kind.endpoint, url=clean_url, model=model, max_tokens=max_tokens,
                       stream=stream, attempt=attempt, body=body, input_estimate=estimate)


def _classify(request: Any) -> tuple[Endpoint, bytes] | None:
    raw = request.url.raw_path
    if b"?" in raw:
        raw = raw.partition(b"?")[0]
    if not raw.endswith(SUFFIXES):
        return None
    kind = classify_path(raw)
    return None if kind is None else (kind, raw)


def _fallback_request(kind: Endpoint, path: bytes) -> CallRequest:
    """When the request cannot be read: still one record, with what the URL says."""
    return CallRequest(api=kind.api, endpoint=kind.endpoint, url=path.decode("ascii", "replace"), model=kind.model,
                       max_tokens=None, stream=bool(kind.stream), attempt=None)


def _begin(listener: Any, request: Any, kind: Endpoint, path: bytes) -> Call:
    try:
        call_request = _build_request(request, kind, path)
    except Exception as exc:  # never let a capture bug fail the user's call; the attempt is still recorded
        warn_listener_failure("request parsing", exc)
        call_request = _fallback_request(kind, path)
    call = Call(listener, call_request)
    try:
        call.token = listener.before_send(call.request)
    except TokenBudgetExceeded as exc:
        call.refused(exc)
        raise
    except Exception as exc:  # a listener bug must not stop (or alter) the user's call
        warn_listener_failure("listener before_send", exc)
    except BaseException as exc:  # KeyboardInterrupt and the like: nothing sent, not a refusal
        call.failed(exc)
        raise
    return call


# -- response side -------------------------------------------------------------------------------

def _is_live(client: Any, request: Any, response: Any) -> bool:
    if "network_stream" in response.extensions:
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


def _observe(call: Call, client: Any, request: Any, response: Any, stream: bool, lib: Any) -> None:
    try:
        call.status = response.status_code
        call.live = _is_live(client, request, response)
        if stream and not getattr(response, "is_stream_consumed", False):
            call.start_stream(response, lib)
            wrap_stream(response, call, lib)
        else:
            call.read_body(response)
    except Exception as exc:  # observation must never break the caller: record what we know
        if not call.done:
            call.observe_error = f"observer: {type(exc).__name__}: {exc}"[:300]
            call.finish(error=call.observe_error)


# -- the wrappers --------------------------------------------------------------------------------

def _send_failed(call: Any, client: Any, request: Any, lib: Any, exc: BaseException) -> None:
    """Record an attempt whose ``send`` raised: live unless a mock transport raised it."""
    try:
        call.live = _network_transport(client, request, lib)
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


def _make_sync_send(original: Any, lib: Any) -> Any:
    def send(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        listener = _listener
        if listener is None or request.method != "POST" or _BYPASS.get():
            return original(self, request, *args, **kwargs)
        found = _classify(request)
        if found is None:
            return original(self, request, *args, **kwargs)
        call = _begin(listener, request, *found)
        try:
            response = original(self, request, *args, **kwargs)
        except BaseException as exc:
            _send_failed(call, self, request, lib, exc)
            raise
        _observe(call, self, request, response, kwargs.get("stream", False), lib)
        return response

    return _as_send(send, original)


def _make_async_send(original: Any, lib: Any) -> Any:
    async def send(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        listener = _listener
        if listener is None or request.method != "POST" or _BYPASS.get():
            return await original(self, request, *args, **kwargs)
        found = _classify(request)
        if found is None:
            return await original(self, request, *args, **kwargs)
        call = _begin(listener, request, *found)
        try:
            response = await original(self, request, *args, **kwargs)
        except BaseException as exc:
            _send_failed(call, self, request, lib, exc)
            raise
        _observe(call, self, request, response, kwargs.get("stream", False), lib)
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
    httpx — each class once, also when ``httpx2.alias_httpx()`` made them the same class.
    ``estimate_input=False`` leaves ``CallRequest.input_estimate`` at ``None`` (saves the
    tokenizer's ~5-20 µs per call when no pre-flight check needs it).
    """
    global _listener, _estimate_input
    if listener is None:
        raise TypeError("install() needs a listener; use uninstall() to stop capturing")
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
        _estimate_input = bool(estimate_input)
        _listener = listener


def uninstall() -> None:
    """Stop capturing. Restores ``send`` where our wrapper is still the class attribute; where
    someone patched on top of it, the wrapper stays in their chain but passes everything through."""
    global _listener
    with _lock:
        _listener = None
        for cls, (original, wrapper, _lib) in list(_patched.items()):
            if cls.__dict__.get("send") is wrapper:
                setattr(cls, "send", original)
                del _patched[cls]
