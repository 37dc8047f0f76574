"""The last line of defence at the socket: which hosts are watched, and what a connection records."""

from __future__ import annotations

import socket

import pytest

from pytest_tokenbudget.core.errors import TokenBudgetExceeded
from pytest_tokenbudget.plugin import capture
from pytest_tokenbudget.plugin.capture.guard import watched


@pytest.mark.parametrize("host, port, expected", [
    ("api.anthropic.com", 443, True),
    ("API.OpenAI.com", 443, True),
    ("bedrock-runtime.us-east-1.amazonaws.com", 443, True),
    ("bedrock-runtime-fips.us-gov-west-1.amazonaws.com", 443, True),
    ("us-east5-aiplatform.googleapis.com", 443, True),
    ("s3.us-east-1.amazonaws.com", 443, False),
    ("example.com", 443, False),
    ("127.0.0.1", 8080, False),
])
def test_default_hosts(recorder, host, port, expected):
    assert watched(host, port) is expected


def test_added_hosts_with_and_without_port(recorder):
    capture.add_hosts(["127.0.0.1:5555", "*.gateway.example"])
    assert watched("127.0.0.1", 5555) and not watched("127.0.0.1", 5556)
    assert watched("llm.gateway.example", 1)
    with pytest.raises(ValueError, match="expected host, host:port"):
        capture.add_hosts(["llm.internal:notaport"])
    capture.uninstall()
    assert not watched("127.0.0.1", 5555)  # an uninstall forgets the added hosts


def test_unaccounted_connection_recorded_once_and_refusable(recorder, fake_llm_server):
    capture.add_hosts([f"127.0.0.1:{fake_llm_server.port}"])
    with socket.create_connection(("127.0.0.1", fake_llm_server.port)):
        pass
    [rec] = recorder.records
    assert (rec.request.api, rec.request.endpoint, rec.request.url) == (
        "unknown", "unaccounted", f"tcp://127.0.0.1:{fake_llm_server.port}")
    assert rec.lost and rec.usage is None and rec.live
    recorder.refuse = lambda req: True
    with pytest.raises(TokenBudgetExceeded):
        socket.create_connection(("127.0.0.1", fake_llm_server.port))
    assert recorder.records[-1].refused and fake_llm_server.request_count == 0
