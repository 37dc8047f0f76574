"""The last line of defence: a connection to a watched LLM host that no interceptor accounted for
(here: a raw-socket HTTP client) is an unpriced LLM call -- reported, and refused under a budget."""

from __future__ import annotations

import pytest
import requests  # noqa: F401  (imported once: pytester's in-process runs restore sys.modules)
from conftest import INI, run

from pytest_tokenbudget.testing.server import FakeLLMServer

RAW = '''
import json, os, socket, pytest, requests
from pytest_tokenbudget import TokenBudgetExceeded

PORT = int(os.environ["TB_FAKE_PORT"])
BODY = json.dumps({"model": "claude-haiku-4-5", "max_tokens": 20, "messages": []}).encode()

def raw_call():
    with socket.create_connection(("127.0.0.1", PORT)) as s:
        s.sendall(b"POST /v1/messages HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nContent-Type: application/json\\r\\n"
                  b"Connection: close\\r\\nContent-Length: %d\\r\\n\\r\\n%s" % (len(BODY), BODY))
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return data

def test_raw_socket_without_budget(token_usage):
    assert b'"output_tokens"' in raw_call()  # it really went out
    [e] = token_usage.records
    assert (e.api, e.endpoint, e.usage, e.cost) == ("unknown", "unaccounted", None, None)
    assert e.usage_unknown and "no interceptor accounted for" in e.error

@pytest.mark.token_budget(usd=1)
def test_raw_socket_under_budget_is_refused():
    raw_call()

def test_intercepted_client_is_not_counted_twice(token_usage):
    requests.post(f"http://127.0.0.1:{PORT}/v1/messages", data=BODY)
    [e] = token_usage.records
    assert e.endpoint == "messages" and e.cost is not None
'''


@pytest.fixture
def outer_server(monkeypatch):
    with FakeLLMServer() as server:
        monkeypatch.setenv("TB_FAKE_PORT", str(server.port))
        yield server


def test_unaccounted_connection_is_reported_and_fails_under_budget(inner, outer_server):
    inner.makeini(f"{INI}token_budget_llm_hosts =\n    127.0.0.1:{outer_server.port}\n    llm.internal\n")
    inner.makepyfile(test_raw=RAW)
    result = run(inner, "--token-budget")
    result.assert_outcomes(passed=2, failed=1)
    out = result.stdout.str()
    assert "FAILED test_raw.py::test_raw_socket_under_budget_is_refused" in out
    assert "TokenBudgetExceeded" in out and "cannot be bounded" in out
    # the raw call without a budget and the requests call reached the server; the refused one never did
    assert outer_server.request_count == 2
    report = out.split("token budget ====")[-1]
    assert "(incomplete: a lower bound)" in report and "usage unknown: 1 call" in report  # never a silent $0
    [line] = [ln for ln in report.splitlines() if ln.endswith("test_raw.py::test_raw_socket_without_budget")]
    assert line.split()[0] == "$?"


def test_bad_host_entry_is_a_usage_error(inner):
    inner.makeini(INI + "token_budget_llm_hosts = llm.internal:notaport\n")
    inner.makepyfile(test_x="def test_x(): pass\n")
    result = run(inner, "--token-budget")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "'llm.internal:notaport': expected host, host:port" in result.stderr.str()
