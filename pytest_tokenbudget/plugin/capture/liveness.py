"""Before an httpx/httpx2 request leaves: will it reach the network, or a mock / cassette replay?

The after-the-fact answer (:func:`.patch._is_live`: httpcore's ``network_stream``) comes too late
for pre-flight: with ``token_budget_count_replayed = false`` a call answered by a mock costs
nothing and must not be refused by a zero budget. What is recognisable before sending:

- the client's transport is a ``MockTransport`` (httpx, httpx2, respx's) or an in-process app
  (``WSGITransport`` / ``ASGITransport``): not live;
- a cassette (vcrpy, pytest-recording) patched the transport's ``handle_request`` and holds an
  answer for this request (or is write-protected, so vcrpy raises instead of sending): not live;
  a cassette that would record: live;
- a respx router is active (classic httpx): a matching route that is not pass-through answers
  (not live); a pass-through route goes out; one whose side effect may pass through: cannot be known;
  no matching route: respx answers or raises, nothing is sent (not live);
- the library's own ``HTTPTransport``: live. Anything else (a custom transport): cannot be known.

The other stacks (:func:`urllib3_expected_live`, :func:`aiohttp_expected_live`): urllib3's own
connection classes are live; vcrpy's stub connection (its urllib3/requests patch) replays or
refuses when its cassette can answer or is write-protected; aiohttp's ``ClientSession._request``
wrapped by vcrpy's stub (when vcrpy patched it before the plugin did) likewise; anything else
cannot be known.

:func:`expected_live` returns True, False or None (cannot be known: the caller keeps counting the
call as live, so a budget is never under-reserved). It never raises and never sends anything.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["aiohttp_expected_live", "expected_live", "urllib3_expected_live"]

_HANDLERS = ("handle_request", "handle_async_request")
_by_type: dict[tuple[type, Any], bool | None] = {}


def _plain(t: type, lib: Any) -> bool | None:
    """What the transport class alone says (cached): True, False or None."""
    key = (t, lib)
    if key in _by_type:
        return _by_type[key]
    names = {c.__name__ for c in t.__mro__}
    real = tuple(c for c in (getattr(lib, "HTTPTransport", None), getattr(lib, "AsyncHTTPTransport", None)) if c)
    if names & {"MockTransport", "WSGITransport", "ASGITransport"}:
        got: bool | None = False
    elif real and issubclass(t, real):
        got = True
    else:
        got = None
    if len(_by_type) < 256:
        _by_type[key] = got
    return got


def _cassette(t: type) -> Any:
    """The vcrpy cassette whose stub replaced ``t``'s request handler, or None."""
    for name in _HANDLERS:
        fn = getattr(t, name, None)
        if fn is None or getattr(fn, "__wrapped__", None) is None:
            continue
        for cell in getattr(fn, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if type(value).__module__.startswith("vcr.cassette"):
                return value
    return None


def _vcr(cassette: Any, request: Any) -> bool | None:
    try:
        return _vcr_decides(cassette, request.method, str(request.url), request.content, request.headers)
    except Exception:
        return None


def _vcr_decides(cassette: Any, method: str, url: str, body: Any, headers: Any) -> bool | None:
    try:
        from vcr.request import Request as VcrRequest
        vcr_request = VcrRequest(method, url, body, headers)
        if cassette.can_play_response_for(vcr_request):
            return False  # replayed
        if cassette.write_protected and cassette.filter_request(vcr_request):
            return False  # vcrpy raises CannotOverwriteExistingCassetteException: nothing is sent
        return True  # recorded: it goes to the network
    except Exception:
        return None


def _respx(request: Any, lib: Any) -> bool | None:
    """What an active respx router (it patches classic httpx/httpcore only) does: True when none is active."""
    mocks = sys.modules.get("respx.mocks")
    if mocks is None or getattr(lib, "__name__", "") != "httpx":
        return True
    routers = [r for m in _subclasses(mocks.Mocker) if getattr(m, "_patches", None) for r in m.routers]
    if not routers:
        return True
    for router in routers:
        for route in router.routes:
            if not route.pattern.match(request):
                continue
            if route.is_pass_through:
                return True
            if route.side_effect is not None:
                return None  # a side effect may pass the request through: cannot be known
            return False  # mocked
    return False  # unmatched: respx answers (auto-mock) or raises, nothing is sent


def _subclasses(cls: type) -> list[type]:
    out, todo = [], [cls]
    while todo:
        c = todo.pop()
        out.append(c)
        todo.extend(c.__subclasses__())
    return out


def expected_live(client: Any, request: Any, lib: Any) -> bool | None:
    """True: the request goes to the network; False: a mock or a replay answers it; None: unknown."""
    try:
        transport = client._transport_for_url(request.url)
        t = type(transport)
        plain = _plain(t, lib)
        cassette = _cassette(t)
        if cassette is not None:
            return _vcr(cassette, request) if plain is not False else False
        return _respx(request, lib) if plain is True else plain
    except Exception:
        return None



def urllib3_expected_live(conn: Any, method: str, url: str, body: Any, headers: Any) -> bool | None:
    """Before urllib3 sends on ``conn``: True (its own connection classes), False (vcrpy's stub
    connection and a cassette that answers or is write-protected), None (anything else)."""
    try:
        module = type(conn).__module__ or ""
        if module.startswith("urllib3."):
            return True
        cassette = getattr(conn, "cassette", None) if module.startswith("vcr.") else None
        if cassette is None:
            return None
        return _vcr_decides(cassette, method, conn._uri(url), body, dict(headers or {}))
    except Exception:
        return None


def aiohttp_expected_live(inner: Any, session: Any, method: str, url: Any, kwargs: dict[str, Any]) -> bool | None:
    """Before aiohttp's ``ClientSession._request`` runs ``inner`` (what the plugin wrapped): True
    (aiohttp's own), False (vcrpy's stub whose cassette answers or is write-protected), None."""
    try:
        if getattr(inner, "__module__", "") == "aiohttp.client" and getattr(inner, "__wrapped__", None) is None:
            return True
        cassette = next((c.cell_contents for c in getattr(inner, "__closure__", None) or ()
                         if type(c.cell_contents).__module__.startswith("vcr.cassette")), None)
        if cassette is None:
            return None
        from vcr.stubs.aiohttp_stubs import _build_url_with_params, _recordable_data, _serialize_headers
        from yarl import URL
        data = kwargs.get("data")
        if data is None:
            data = kwargs.get("json")
        if hasattr(data, "__aiter__"):  # a streamed upload: reading it here would consume it
            return None
        params = kwargs.get("params")  # the request as vcrpy's stub builds it
        target = URL(url) if not params else _build_url_with_params(url, params)
        headers = session._prepare_headers(kwargs.get("headers"))
        return _vcr_decides(cassette, method, str(target), _recordable_data(data), _serialize_headers(headers))
    except Exception:
        return None
