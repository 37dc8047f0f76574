"""A recording capture listener and the fake server, for driving the real SDKs."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from pytest_tokenbudget.plugin import capture
from pytest_tokenbudget.plugin.capture import CallRecord, CallRequest
from pytest_tokenbudget.core.errors import TokenBudgetExceeded
from pytest_tokenbudget.testing.fixture import _fake_llm_server_session, fake_llm_server  # noqa: F401


class Recorder:
    """Collects what capture reports; can refuse requests."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: list[CallRequest] = []
        self.records: list[CallRecord] = []
        self.tokens: list[Any] = []
        self.refuse: Any = None  # callable(CallRequest) -> bool
        self.threads: list[str] = []

    def before_send(self, request: CallRequest) -> Any:
        with self.lock:
            self.requests.append(request)
            self.threads.append(threading.current_thread().name)
            token = len(self.requests)
        if self.refuse is not None and self.refuse(request):
            raise TokenBudgetExceeded("refused by the test listener", refused=True)
        return token

    def on_record(self, token: Any, record: CallRecord) -> None:
        with self.lock:
            self.tokens.append(token)
            self.records.append(record)

    @property
    def last(self) -> CallRecord:
        assert self.records, "nothing recorded"
        return self.records[-1]

    def clear(self) -> None:
        with self.lock:
            self.requests.clear()
            self.records.clear()
            self.tokens.clear()


@pytest.fixture
def recorder():
    rec = Recorder()
    capture.install(rec)
    try:
        yield rec
    finally:
        capture.uninstall()


MSG = [{"role": "user", "content": "hello there"}]
