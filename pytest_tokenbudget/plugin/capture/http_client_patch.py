"""``http.client`` (and so ``urllib.request.urlopen``): one record per request/response pair.

Patched: ``http.client.HTTPConnection.request`` (classify, pre-flight, begin the attempt) and
``getresponse`` (observe the response). urllib3's connections subclass ``HTTPConnection`` but
send through their own ``request``; when urllib3 (or any outer layer) owns the request, this
layer only notes that it went to the network. Requests written by hand with ``putrequest`` /
``endheaders`` are not recognised (the last line of defence still sees their connection).

The body: the response instance's ``read`` / ``read1`` / ``readinto`` / ``readline`` (and so
iteration) feed what they return -- raw bytes, before any content decoding -- to the observer;
``close`` ends an early abort. Only that one response is touched.
"""

from __future__ import annotations

import weakref
from typing import Any

from pytest_tokenbudget.plugin.capture import hub
from pytest_tokenbudget.plugin.capture.hub import ACTIVE, BYPASS, PASSING, ClassPatches, Layer
from pytest_tokenbudget.plugin.capture.observe import Call

__all__ = ["install", "patched", "uninstall"]

_patches = ClassPatches()
_state = hub._state
_CALL = "_tokenbudget_call"


def _make_request(original: Any) -> Any:
    def request(self: Any, method: str, url: str, body: Any = None, headers: Any = None, **kwargs: Any) -> Any:
        if headers is None:
            headers = {}
        listener = _state["listener"]
        if listener is None or BYPASS.get() or hub.inner_network():
            return original(self, method, url, body, headers, **kwargs)
        import http.client
        scheme = "https" if isinstance(self, http.client.HTTPSConnection) else "http"
        origin, raw = hub.split_target(url, scheme, self.host, self.port)
        found = hub.classify(method, raw)
        if found is None:
            token = ACTIVE.set(PASSING)
            try:
                return original(self, method, url, body, headers, **kwargs)
            finally:
                ACTIVE.reset(token)
        kind, path = found
        call = hub.begin(listener, kind, path, lambda: hub.build_request(
            kind, origin, path, body, hub.header(headers, "x-stainless-retry-count")))
        call.live = True
        token = ACTIVE.set(Layer(True))
        try:
            result = original(self, method, url, body, headers, **kwargs)
        except BaseException as exc:
            call.failed(exc, lost=False)
            raise
        finally:
            ACTIVE.reset(token)
        self.__dict__[_CALL] = call
        return result

    return request


def _make_getresponse(original: Any) -> Any:
    def getresponse(self: Any) -> Any:
        call = self.__dict__.pop(_CALL, None)
        if call is None:
            return original(self)
        try:
            response = original(self)
        except BaseException as exc:
            call.failed(exc, lost=True)
            raise
        try:
            call.status = response.status
            call.start_stream(response, None)
            _tap(call, response)
        except Exception as exc:  # observation must never break the caller
            if not call.done:
                call.finish(error=f"observer: {type(exc).__name__}: {exc}"[:300])
        return response

    return getresponse


def _tap(call: Call, response: Any) -> None:
    cls = type(response)
    ref = weakref.ref(response)
    depth = [0]  # read(amt) may call readinto(): only the outermost read feeds

    def reader(name: str) -> Any:
        method = getattr(cls, name)

        def read(*args: Any, **kwargs: Any) -> Any:
            r = ref()
            depth[0] += 1
            try:
                result = method(r, *args, **kwargs)
            except BaseException as exc:
                depth[0] -= 1
                if depth[0] == 0:
                    call.stream_end(exc=exc)
                raise
            depth[0] -= 1
            if depth[0]:
                return result
            if name == "readinto":
                data = bytes(memoryview(args[0])[:result]) if result else b""
            else:
                data = result
            if data:
                call.feed(data)
            asked = args[0] if args and name != "readinto" else kwargs.get("amt", -1)
            if r.isclosed() or (not data and asked not in (0,)):
                call.stream_end(exhausted=True)
            return result
        return read

    def close() -> None:
        try:
            cls.close(ref())
        finally:
            call.stream_end()

    d = response.__dict__
    for name in ("read", "read1", "readinto", "readline"):
        d[name] = reader(name)
    d["close"] = close
    if response.isclosed():  # nothing to read (HEAD, 204, an empty body)
        call.stream_end(exhausted=True)
    weakref.finalize(response, call.dropped)


def install() -> None:
    import http.client
    _patches.patch(http.client.HTTPConnection, "request", _make_request)
    _patches.patch(http.client.HTTPConnection, "getresponse", _make_getresponse)


def uninstall() -> None:
    _patches.restore()


def patched() -> list[type]:
    return _patches.classes()
