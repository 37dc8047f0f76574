import anthropic
import pytest


@pytest.fixture
def api(fake_llm_server):
    """A real Anthropic client pointed at the bundled fake API (no key, no network)."""
    return anthropic.Anthropic(base_url=fake_llm_server.url, api_key="sk-ant-example-not-a-real-key")
