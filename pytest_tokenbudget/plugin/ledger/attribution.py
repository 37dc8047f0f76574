"""Who a call is charged to: the test (or scope) whose thread or task started it.

The attribution is a :class:`~contextvars.ContextVar` holding ``(node id, phase)``:

- asyncio tasks copy the context when they are created, so a task inherits the test that made it;
- threads do not, so :func:`propagate` patches ``threading.Thread.start`` (the new thread runs in a
  copy of the starter's context) and ``ThreadPoolExecutor.submit`` (each task runs in a copy of the
  submitter's context, whichever pooled thread picks it up);
- a thread or task keeps its test after that test ended: its calls still belong to it (and no
  longer to the test budget, which is closed, but to the session budget).

A thread started where no attribution was ever set (before the plugin, or by C code) falls back
to the last value set anywhere (:func:`set_current` also keeps it module-wide): the old rule.

Scopes that are not tests use plain names as the node id: ``"collection"`` (import and collection
time), ``"setup of <fixture>"`` / ``"teardown of <fixture>"`` (session, package, module and class
fixtures). Pure Python, no pytest.
"""

from __future__ import annotations

import contextvars
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

__all__ = ["COLLECTION", "current", "propagate", "set_current", "stop_propagating"]

COLLECTION = "collection"

_scope: contextvars.ContextVar[tuple[str | None, str | None] | None] = contextvars.ContextVar(
    "pytest_tokenbudget_scope", default=None)
# One tuple, replaced in one assignment (atomic under the GIL): the fallback for contexts that
# never saw an attribution.
_fallback: tuple[str | None, str | None] = (None, None)
_originals: dict[str, Any] = {}


def set_current(nodeid: str | None, phase: str | None) -> None:
    """Attribute calls made from now on in this context -- and in threads and tasks it starts -- to
    ``nodeid`` in ``phase``."""
    global _fallback
    _fallback = (nodeid, phase)
    _scope.set((nodeid, phase))


def current() -> tuple[str | None, str | None]:
    """The (node id, phase) a call made here and now is attributed to."""
    value = _scope.get()
    return value if value is not None else _fallback


def _start(original: Any) -> Any:
    def start(self: threading.Thread) -> None:
        if _scope.get() is not None and "run" not in self.__dict__:
            ctx = contextvars.copy_context()
            run = self.run
            self.run = lambda: ctx.run(run)  # type: ignore[method-assign]
        original(self)
    start._tokenbudget_original = original  # type: ignore[attr-defined]
    return start


def _submit(original: Any) -> Any:
    def submit(self: Any, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        if _scope.get() is not None:
            return original(self, contextvars.copy_context().run, fn, *args, **kwargs)
        return original(self, fn, *args, **kwargs)
    submit._tokenbudget_original = original  # type: ignore[attr-defined]
    return submit


def propagate() -> None:
    """Carry the attribution into threads and executor tasks (idempotent)."""
    if _originals:
        return
    _originals["start"] = threading.Thread.__dict__["start"]
    _originals["submit"] = ThreadPoolExecutor.__dict__["submit"]
    threading.Thread.start = _start(_originals["start"])  # type: ignore[method-assign]
    ThreadPoolExecutor.submit = _submit(_originals["submit"])  # type: ignore[method-assign]


def stop_propagating() -> None:
    """Undo :func:`propagate` where our wrappers are still in place."""
    if not _originals:
        return
    for cls, name in ((threading.Thread, "start"), (ThreadPoolExecutor, "submit")):
        if getattr(cls.__dict__.get(name), "_tokenbudget_original", None) is _originals[name]:
            setattr(cls, name, _originals[name])
    _originals.clear()
