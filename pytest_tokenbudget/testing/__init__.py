"""Test helpers: a fake Anthropic + OpenAI-compatible API server on 127.0.0.1.

    from pytest_tokenbudget.testing import FakeLLMServer

    with FakeLLMServer() as server:
        client = anthropic.Anthropic(base_url=server.url, api_key="unused")
        server.set_usage(input=100, output=20, cache_read=1000)
        server.fail = [529]            # first attempt overloaded, the retry succeeds
        ...
        assert server.request_count == 2

In pytest, the ``fake_llm_server`` fixture (module :mod:`pytest_tokenbudget.testing.fixture`,
enabled with ``-p pytest_tokenbudget.testing.fixture`` or registered by the plugin) yields a
started server with the knobs reset for each test. ``python -m pytest_tokenbudget.testing`` serves
one until killed and prints its URL. See :mod:`pytest_tokenbudget.testing.server` for the knobs.
"""

from __future__ import annotations

from pytest_tokenbudget.testing.server import FAULTS, UNKNOWN_MODEL, FakeLLMServer, ReceivedRequest

__all__ = ["FAULTS", "FakeLLMServer", "ReceivedRequest", "UNKNOWN_MODEL"]
