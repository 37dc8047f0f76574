"""What every transport patch shares: the listener, bypass, the "already inside a call" marker, and
how a request (whatever library built it) becomes a :class:`~.types.CallRequest` and a :class:`~.observe.Call`.

Nesting. HTTP stacks sit on top of each other (requests -> urllib3 -> http.client; an httpx2
transport built on urllib3 or aiohttp). Only the *outermost* intercepted layer records a call:
while it sends, :data:`ACTIVE` holds its :class:`Layer` (or :data:`PASSING` for a request that is
not an LLM call), and an inner layer that finds it set passes the request straight through, only
telling the outer layer that the request really went to the network (:func:`inner_network`). The
last line of defence (:mod:`.guard`) reads the same marker: a socket opened while it is set has
been accounted for.
"""

from __future__ import annotations

import json
from contextvars import ContextVar
from typing import Any

from pytest_tokenbudget.core.errors import TokenBudgetExceeded
from pytest_tokenbudget.core.tokens import estimate_request_tokens
from pytest_tokenbudget.plugin.capture.endpoints import SUFFIXES, Endpoint, classify_get, classify_path
from pytest_tokenbudget.plugin.capture.observe import Call, warn_listener_failure
from pytest_tokenbudget.plugin.capture.types import CallRequest

__all__ = ["ACTIVE", "BYPASS", "PASSING", "Layer", "begin", "build_request", "classify", "inner_network",
           "listener", "set_listener"]

BYPASS: ContextVar[bool] = ContextVar("pytest_tokenbudget_capture_bypass", default=False)


class Layer:
    """The outermost intercepted layer handling a request right now (in this thread / task)."""

    __slots__ = ("network", "llm")

    def __init__(self, llm: bool) -> None:
        self.network = False  # an inner layer (urllib3, http.client, aiohttp, a socket) went to the network
        self.llm = llm


PASSING = Layer(False)  # a request our patches saw and let through (not an LLM endpoint)
ACTIVE: ContextVar[Layer | None] = ContextVar("pytest_tokenbudget_capture_active", default=None)

_state: dict[str, Any] = {"listener": None, "estimate_input": True}
_ESTIMATED = frozenset({"messages", "chat.completions", "responses", "completions", "embeddings"})


def listener() -> Any:
    """The listener receiving calls, or None (capture off)."""
    return _state["listener"]


def set_listener(value: Any, estimate_input: bool = True) -> None:
    _state["listener"] = value
    _state["estimate_input"] = bool(estimate_input)


def inner_network() -> bool:
    """Called by a network layer: True when an outer layer owns this request (pass it through)."""
    layer = ACTIVE.get()
    if layer is None:
        return False
    layer.network = True
    return True


def classify(method: str, raw_path: bytes) -> tuple[Endpoint, bytes] | None:
    """The LLM endpoint of a request (``raw_path`` may carry a query), or None."""
    method = method.upper()
    if method != "POST":
        if method != "GET" or b"/results" not in raw_path:
            return None
        raw_path = raw_path.partition(b"?")[0]
        kind = classify_get(raw_path)
        return None if kind is None else (kind, raw_path)
    if b"?" in raw_path:
        raw_path = raw_path.partition(b"?")[0]
    if not raw_path.endswith(SUFFIXES):
        return None
    kind = classify_path(raw_path)
    return None if kind is None else (kind, raw_path)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _parse_body(content: Any) -> dict[str, Any] | None:
    if isinstance(content, dict):
        return content
    if isinstance(content, (bytes, bytearray, memoryview)):
        content = bytes(content)
    elif not isinstance(content, str):
        return None  # a file, a generator, a form: not read (reading it would consume it)
    if not content:
        return None
    try:
        parsed = json.loads(content)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def build_request(kind: Endpoint, origin: str, path: bytes, content: Any, retry: str | None,
                  expected_live: bool | None = None) -> CallRequest:
    """A :class:`CallRequest` from the parts every library can give: ``origin`` is
    ``scheme://host[:port]`` (no userinfo), ``path`` without its query, ``content`` the body
    (bytes, str, or an already-built JSON dict), ``retry`` the ``x-stainless-retry-count`` header."""
    body = _parse_body(content)
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
        if _state["estimate_input"] and kind.endpoint in _ESTIMATED:
            try:
                estimate = estimate_request_tokens(body)
            except Exception:
                estimate = None
    attempt = int(retry) if isinstance(retry, str) and retry.isdigit() else None
    return CallRequest(api=kind.api, endpoint=kind.endpoint, url=origin + path.decode("ascii", "replace"),
                       model=model, max_tokens=max_tokens, stream=stream, attempt=attempt, body=body,
                       input_estimate=estimate, expected_live=expected_live)


def fallback_request(kind: Endpoint, path: bytes) -> CallRequest:
    """When the request cannot be read: still one record, with what the URL says."""
    return CallRequest(api=kind.api, endpoint=kind.endpoint, url=path.decode("ascii", "replace"), model=kind.model,
                       max_tokens=None, stream=bool(kind.stream), attempt=None)


def begin(listener: Any, kind: Endpoint, path: bytes, make: Any) -> Call:
    """Start one attempt: ``make()`` builds its :class:`CallRequest`; the listener may refuse it
    (:class:`TokenBudgetExceeded` propagates, recorded as refused)."""
    try:
        call_request = make()
    except Exception as exc:  # never let a capture bug fail the user's call; the attempt is still recorded
        warn_listener_failure("request parsing", exc)
        call_request = fallback_request(kind, path)
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


def header(headers: Any, name: str) -> str | None:
    """A header from any mapping (case-insensitive ones, or plain dicts of str or bytes)."""
    if not headers:
        return None
    try:
        value = headers.get(name)
        if value is None and isinstance(headers, dict):
            for k, v in headers.items():
                if (k.decode("latin-1") if isinstance(k, bytes) else str(k)).lower() == name:
                    value = v
                    break
    except Exception:
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return value if isinstance(value, str) else None


class ClassPatches:
    """Methods we replaced on a library's classes; restored only where still ours (else our wrapper
    stays in someone else's chain and passes everything through, as the listener is gone)."""

    def __init__(self) -> None:
        self.done: list[tuple[type, str, Any, Any]] = []

    def patch(self, cls: type, name: str, make: Any) -> None:
        original = cls.__dict__.get(name)
        if original is None or getattr(original, "_tokenbudget_original", None) is not None:
            return
        wrapper = make(original)
        wrapper._tokenbudget_original = original
        for attr in ("__name__", "__qualname__", "__doc__"):
            try:
                setattr(wrapper, attr, getattr(original, attr))
            except (AttributeError, TypeError):
                pass
        setattr(cls, name, wrapper)
        self.done.append((cls, name, original, wrapper))

    def restore(self) -> None:
        for cls, name, original, wrapper in reversed(self.done):
            if cls.__dict__.get(name) is wrapper:
                setattr(cls, name, original)
        self.done.clear()

    def classes(self) -> list[type]:
        return list(dict.fromkeys(cls for cls, *_ in self.done))


def origin(scheme: str, host: str | None, port: int | None, default_port: int | None = None) -> str:
    """``scheme://host[:port]`` (IPv6 hosts in brackets, the default port left out)."""
    host = host or ""
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    if port is None or port == default_port or port == {"http": 80, "https": 443}.get(scheme):
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def split_target(target: str, scheme: str, host: str | None, port: int | None) -> tuple[str, bytes]:
    """(origin, raw path with query) of a request target that is a path or an absolute URL (proxies)."""
    if target.startswith(("http://", "https://")):
        from urllib.parse import urlsplit
        parts = urlsplit(target)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return origin(parts.scheme, parts.hostname, parts.port), path.encode("latin-1", "replace")
    return origin(scheme, host, port), target.encode("latin-1", "replace")
