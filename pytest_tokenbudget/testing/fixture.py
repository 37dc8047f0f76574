"""pytest plugin module providing the ``fake_llm_server`` fixture.

Enable it with ``-p pytest_tokenbudget.testing.fixture`` (or ``pytest_plugins = [...]`` in a
conftest); the token-budget plugin registers it too. One server runs per session; each test gets it
with its knobs and request log reset.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pytest_tokenbudget.testing.server import FakeLLMServer

__all__ = ["fake_llm_server"]


@pytest.fixture(scope="session")
def _fake_llm_server_session() -> Iterator[FakeLLMServer]:
    server = FakeLLMServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fake_llm_server(_fake_llm_server_session: FakeLLMServer) -> Iterator[FakeLLMServer]:
    """A fake Anthropic/OpenAI API on 127.0.0.1: ``.url`` (Anthropic base URL), ``.openai_url``
    (``.../v1``), knobs (``model``, ``text``, ``usage``/``set_usage``, ``fail``, ``delay_ms``,
    ``gzip``, ``fault``, ``stall_ms``) and what it received (``request_count``, ``requests``)."""
    server = _fake_llm_server_session
    server.reset()
    yield server
    server.reset()
