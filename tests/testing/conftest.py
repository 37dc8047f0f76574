from pytest_tokenbudget.testing.fixture import _fake_llm_server_session, fake_llm_server  # noqa: F401
