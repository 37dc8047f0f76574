"""The last line of defence: a connection to a known LLM API host that no interceptor accounted for.

Whatever a client is built on -- a raw socket, an HTTP library we do not patch, a request written
by hand with ``http.client.putrequest`` -- it has to connect. ``socket.socket.connect`` /
``connect_ex`` are patched (as pytest-socket does); the host name comes from the address itself
or from the ``socket.getaddrinfo`` that resolved it. A connection to a watched host opened while no
intercepted layer owns a request (:data:`.hub.ACTIVE` unset) is an *unaccounted LLM call*: it goes
to the listener as a request of api ``"unknown"``, endpoint ``"unaccounted"``, no model -- so a
budget in USD cannot bound it and refuses it before the connection is made (pre-flight), and
without a budget it is recorded with its usage unknown, never as $0. One record per connection
(how many requests travel on it cannot be known from here).

Watched hosts: :data:`DEFAULT_HOSTS` plus :func:`add_hosts` (``host``, ``host:port``, ``*``
wildcards; the plugin adds the ``token_budget_llm_hosts`` ini lines).
"""

from __future__ import annotations

import socket
import threading
from fnmatch import fnmatchcase
from typing import Any

from pytest_tokenbudget.core.errors import TokenBudgetExceeded
from pytest_tokenbudget.plugin.capture import hub
from pytest_tokenbudget.plugin.capture.observe import Call, warn_listener_failure
from pytest_tokenbudget.plugin.capture.types import CallRequest

__all__ = ["DEFAULT_HOSTS", "add_hosts", "install", "uninstall", "watched"]

DEFAULT_HOSTS = ("api.anthropic.com", "api.openai.com", "bedrock-runtime.*.amazonaws.com",
                 "bedrock-runtime-fips.*.amazonaws.com", "*aiplatform.googleapis.com")

_lock = threading.Lock()
_patterns: list[tuple[str, int | None]] = [(h, None) for h in DEFAULT_HOSTS]
_resolved: dict[str, str] = {}  # IP address -> watched host name it was resolved from
_originals: dict[str, Any] = {}


def _parse(entry: str) -> tuple[str, int | None]:
    try:
        return _split(entry)
    except ValueError:
        raise ValueError(f"LLM host {entry!r}: expected host, host:port or a pattern such as "
                         "*.example.com") from None


def _split(entry: str) -> tuple[str, int | None]:
    entry = entry.strip().lower()
    if not entry:
        raise ValueError("an empty host")
    host, port = entry, None
    if entry.startswith("["):  # [::1]:443
        host, _, rest = entry[1:].partition("]")
        port = int(rest[1:]) if rest.startswith(":") else None
    elif entry.count(":") == 1:
        host, _, p = entry.partition(":")
        port = int(p)
    return host, port


def add_hosts(entries: list[str] | tuple[str, ...]) -> None:
    """Watch these hosts too (``host``, ``host:port``, wildcards). Raises ValueError for a bad entry."""
    parsed = [_parse(e) for e in entries if e and e.strip()]
    with _lock:
        for p in parsed:
            if p not in _patterns:
                _patterns.append(p)


def watched(host: str, port: int | None = None) -> bool:
    """Whether a connection to ``host`` (name or address) and ``port`` is watched."""
    host = host.lower()
    for pattern, p in _patterns:
        if (p is None or p == port) and fnmatchcase(host, pattern):
            return True
    return False


def _name_of(address: Any) -> tuple[str, int] | None:
    if not isinstance(address, tuple) or len(address) < 2 or not isinstance(address[0], str):
        return None
    host, port = address[0], address[1]
    name = _resolved.get(host, host)
    if watched(name, port) or (name != host and watched(host, port)):
        return name, port
    return None


def _unaccounted(host: str, port: int) -> None:
    listener = hub.listener()
    if listener is None:
        return
    request = CallRequest(api="unknown", endpoint="unaccounted", url=f"tcp://{host}:{port}", model=None,
                          max_tokens=None, stream=False, attempt=None)
    call = Call(listener, request)
    try:
        call.token = listener.before_send(request)
    except TokenBudgetExceeded as exc:
        call.refused(exc)
        raise
    except Exception as exc:
        warn_listener_failure("listener before_send", exc)
    call.live = True
    call.finish(error=f"a connection to {host}:{port} that no interceptor accounted for (an HTTP client "
                      "pytest-tokenbudget does not patch?): an unpriced LLM call, its cost unknown", lost=True)


def _check(address: Any) -> None:
    if hub._state["listener"] is None or hub.ACTIVE.get() is not None or hub.BYPASS.get():
        return
    try:
        hit = _name_of(address)
    except Exception:
        return
    if hit is not None:
        _unaccounted(*hit)


def _make_connect(original: Any) -> Any:
    def connect(self: Any, address: Any) -> Any:
        _check(address)
        return original(self, address)
    return connect


def _make_getaddrinfo(original: Any) -> Any:
    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(host, port, *args, **kwargs)
        try:
            name = host.decode("idna") if isinstance(host, bytes) else host
            if isinstance(name, str) and hub._state["listener"] is not None and watched(name):
                for *_, sockaddr in result:
                    if sockaddr and len(_resolved) < 4096:
                        _resolved[sockaddr[0]] = name.lower()
        except Exception:
            pass
        return result
    return getaddrinfo


def install() -> None:
    with _lock:
        if _originals:
            return
        _originals["connect"] = socket.socket.connect
        _originals["connect_ex"] = socket.socket.connect_ex
        _originals["getaddrinfo"] = socket.getaddrinfo
        _originals["ours"] = (_make_connect(_originals["connect"]), _make_connect(_originals["connect_ex"]),
                              _make_getaddrinfo(_originals["getaddrinfo"]))
        socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = _originals["ours"]  # type: ignore


def uninstall() -> None:
    """Restore what is still ours (a patch made on top of ours stays; ours then passes through)."""
    with _lock:
        if not _originals:
            return
        connect, connect_ex, getaddrinfo = _originals.pop("ours")
        if socket.socket.__dict__.get("connect") is connect:
            socket.socket.connect = _originals["connect"]  # type: ignore[method-assign]
        if socket.socket.__dict__.get("connect_ex") is connect_ex:
            socket.socket.connect_ex = _originals["connect_ex"]  # type: ignore[method-assign]
        if socket.getaddrinfo is getaddrinfo:
            socket.getaddrinfo = _originals["getaddrinfo"]
        _originals.clear()
        del _patterns[len(DEFAULT_HOSTS):]
        _resolved.clear()
