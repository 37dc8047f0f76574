"""Helpers for the plugin's pytester tests: inner sessions drive the real SDKs against the fake API."""

from __future__ import annotations

import pytest

# pytester's in-process runs restore sys.modules afterwards: import the heavy SDKs here, once, so
# that each inner run does not import them again.
import anthropic  # noqa: F401
import httpcore2  # noqa: F401 - httpx2 imports it lazily and keeps its exception classes: one copy only
import openai  # noqa: F401
import pytest_tokenbudget.testing.fixture  # noqa: F401

# Shared by the inner test files: clients on the fake server, no retries unless a test asks.
INNER_CONFTEST = '''
import anthropic, openai, pytest

@pytest.fixture
def claude(fake_llm_server):
    return anthropic.Anthropic(base_url=fake_llm_server.url, api_key="sk-test", max_retries=0)

@pytest.fixture
def aclaude(fake_llm_server):
    return anthropic.AsyncAnthropic(base_url=fake_llm_server.url, api_key="sk-test", max_retries=0)

@pytest.fixture
def oai(fake_llm_server):
    return openai.OpenAI(base_url=fake_llm_server.openai_url, api_key="sk-test", max_retries=0)

MSG = [{"role": "user", "content": "Say hi"}]
'''


INI = "[pytest]\nasyncio_default_fixture_loop_scope = function\n"


@pytest.fixture
def inner(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A pytester with the shared inner conftest; ``inner.run(*args)`` runs pytest in-process."""
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)  # inner runs must not write to our CI's summary
    pytester.makeconftest(INNER_CONFTEST)
    pytester.makeini(INI)  # keep the outer project's configuration out of the inner runs
    return pytester


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly", *args)
