"""Charging calls made outside tests to named scopes, and catching calls made before activation.

- ``collection``: calls at import time of conftest files and test modules, and during collection.
  The capture is installed (recording into a buffer) as soon as the plugin loads, before the
  initial conftests are imported; when the plugin activates -- from the command line or
  configuration, or at the end of collection because a test uses the marker or a fixture -- the
  buffered calls are charged to ``collection`` (session budget only). When it does not activate,
  the buffer is dropped and every patch removed.
- ``setup of <fixture>`` / ``teardown of <fixture>``: calls made while a session, package, module
  or class fixture is set up or torn down (module-level fixtures name their node:
  ``setup of client (tests/test_api.py)``), whichever test happens to trigger them.

Tests' own calls, and threads and tasks they start, are attributed by
:mod:`~pytest_tokenbudget.plugin.ledger.attribution`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pytest_tokenbudget.plugin.ledger.attribution import (
    COLLECTION,
    current,
    propagate,
    set_current,
    stop_propagating,
)

__all__ = ["ScopeHooks", "after_activation_check", "start_buffer"]


class _Buffer:
    """The capture listener before the plugin knows whether it is wanted: keeps every record."""

    def __init__(self) -> None:
        self.records: list[tuple[tuple[str | None, str | None], Any]] = []

    def before_send(self, request: Any) -> None:
        return None

    def on_record(self, token: Any, record: Any) -> None:
        self.records.append((current(), record))


_buffer: _Buffer | None = None


def start_buffer() -> None:
    """Record calls from now on (import time of the initial conftests), before activation."""
    global _buffer
    from pytest_tokenbudget.plugin import capture
    set_current(COLLECTION, COLLECTION)
    if capture.installed():
        return
    _buffer = _Buffer()
    try:
        capture.install(_buffer, estimate_input=False)
    except Exception:  # activation will report it (and fail loudly) if the plugin is wanted
        _buffer = None


def after_activation_check(state: Any) -> None:
    """Once it is known whether the plugin is active: charge the buffered calls, or drop them."""
    global _buffer
    buffer, _buffer = _buffer, None
    if state is not None and state.active:
        propagate()
        if buffer is not None and state.ledger is not None:
            before = current()
            for scope, record in buffer.records:
                set_current(*scope)
                try:
                    state.ledger.on_record(None, record)
                except Exception as exc:
                    state.internal("recording a call made before activation (its spend is missing from the "
                                   "totals)", exc)
            set_current(*before)
        return
    if buffer is not None:
        from pytest_tokenbudget.plugin import capture
        from pytest_tokenbudget.plugin.capture import hub
        if hub.listener() is buffer:
            capture.uninstall()


def fixture_label(fixturedef: Any, request: Any) -> str:
    name = fixturedef.argname
    if fixturedef.scope == "session":
        return name
    nodeid = getattr(getattr(request, "node", None), "nodeid", "")
    return f"{name} ({nodeid})" if nodeid else name


class ScopeHooks:
    """Registered while the plugin is active: session/module/class fixtures get their own scope."""

    def __init__(self) -> None:
        self._saved: dict[int, tuple[str | None, str | None]] = {}

    @pytest.hookimpl(hookwrapper=True)
    def pytest_fixture_setup(self, fixturedef: Any, request: Any) -> Iterator[None]:
        if fixturedef.scope == "function":
            yield
            return
        label = fixture_label(fixturedef, request)
        before = current()
        set_current(f"setup of {label}", "setup")
        try:
            outcome = yield
        finally:
            set_current(*before)
        if outcome.excinfo is None:
            # runs before the fixture's own teardown (finalizers run last-in, first-out)
            fixturedef.addfinalizer(lambda: self._teardown_begins(fixturedef, label))

    def _teardown_begins(self, fixturedef: Any, label: str) -> None:
        self._saved[id(fixturedef)] = current()
        set_current(f"teardown of {label}", "teardown")

    def pytest_fixture_post_finalizer(self, fixturedef: Any, request: Any) -> None:
        before = self._saved.pop(id(fixturedef), None)
        if before is not None:
            set_current(*before)

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        stop_propagating()


def settle(config: pytest.Config, state: Any) -> None:
    """The plugin's activity is decided (active now, or, after collection, for good)."""
    after_activation_check(state)
    if state is not None and state.active and not config.pluginmanager.has_plugin("tokenbudget-scopes"):
        config.pluginmanager.register(ScopeHooks(), "tokenbudget-scopes")
