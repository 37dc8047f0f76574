"""Cassette replays (pytest-recording / vcrpy, httpx2): recorded against the fake server, replayed
with the server stopped. Replays are priced and shown apart from live spend ("replayed, would cost
$X live"); budgets count them by default, not with ``token_budget_count_replayed = false``. API keys
never reach our reports; cassettes keep them unless the user filters them (vcr_config)."""

from __future__ import annotations

import json

import pytest
from conftest import run

# pytester's in-process runs restore sys.modules afterwards; vcrpy's YAML loader does not survive
# being imported twice (tag errors on load), so import it here, once.
import vcr.serializers.yamlserializer  # noqa: F401,E402
import pytest_recording.plugin  # noqa: F401,E402

from pytest_tokenbudget.testing.server import FakeLLMServer

KEY = "sk-ant-api03-SECRETSECRETSECRET"

CONFTEST = '''
import json, os
import anthropic, pytest
URL = {url!r}
KEY = {key!r}
MSG = [{{"role": "user", "content": "Say hi"}}]

@pytest.fixture
def claude():
    return anthropic.Anthropic(base_url=URL, api_key=KEY, max_retries=0)

@pytest.fixture(scope="module")
def vcr_config():
    return {{"filter_headers": {filters!r}}}

def pytest_tokenbudget_call_recorded(record):
    with open(os.path.join(os.path.dirname(__file__), "records.jsonl"), "a") as f:
        f.write(json.dumps(record.as_json(), default=str) + "\\n")
'''

TESTS = '''
import pytest
from conftest import MSG

@pytest.mark.vcr
def test_recorded(claude):
    claude.messages.create(model="claude-haiku-4-5", max_tokens=10, messages=MSG)
    with claude.messages.stream(model="claude-haiku-4-5", max_tokens=10, messages=MSG) as s:
        s.get_final_message()
'''


def _setup(pytester, url: str, filters: list[str], ini: str = "") -> None:
    pytester.makeconftest(CONFTEST.format(url=url, key=KEY, filters=filters))
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n" + ini)
    pytester.makepyfile(test_rec=TESTS)


def _records(pytester):
    path = pytester.path / "records.jsonl"
    lines = path.read_text().splitlines()
    path.unlink()
    return [json.loads(line) for line in lines]


@pytest.mark.parametrize("count_replayed", [True, False])
def test_record_then_replay_without_server(pytester, count_replayed):
    ini = "" if count_replayed else "token_budget_count_replayed = false\n"
    with FakeLLMServer() as server:
        server.set_usage(input=1000, output=10)  # $0.00105 a call
        _setup(pytester, server.url, ["x-api-key", "authorization"], ini)
        recorded = run(pytester, "--token-budget", "--record-mode=once", "-p", "no:randomly")
        assert server.request_count == 2
    recorded.assert_outcomes(passed=1)
    assert "live: 2 calls" in recorded.stdout.str()
    assert [r["live"] for r in _records(pytester)] == [True, True]
    cassette = (pytester.path / "cassettes" / "test_rec" / "test_recorded.yaml").read_text()
    assert "event: message_stop" in cassette and KEY not in cassette

    # the server is gone: only the cassette can answer
    # a $0.0001 test budget: the first replay ($0.00105 live) leaves no room for the second
    replayed = run(pytester, "--token-budget-per-test=0.0001", "--record-mode=none", "-p", "no:randomly",
                   "--token-budget-json=report.json", "--token-budget-junit", "--junitxml=junit.xml")
    out = replayed.stdout.str()
    report_json = (pytester.path / "report.json").read_text()
    report_files = report_json + (pytester.path / "junit.xml").read_text()
    assert json.loads(report_json)["totals"]["replayed"]["calls"] == (1 if count_replayed else 2)
    records = _records(pytester)
    assert "live: 0 calls" in out
    if count_replayed:  # budgets apply to replays as to live calls: the second call is refused
        replayed.assert_outcomes(failed=1)
        assert [(r["live"], r["refused"], (r["cost"] or {}).get("total_usd")) for r in records] == [
            (False, False, "0.00105"), (True, True, None)]
        assert ("mocked/replayed (not live, not in the live cost): 1 call, 1,010 tokens, would cost $0.00105 live"
                in out)
        assert "test_rec.py::test_recorded  (1 refused)  (+ 1 replayed, would cost $0.00105 live)" in out
        assert "budgets: replayed calls count at what they would cost live" in out
    else:
        replayed.assert_outcomes(passed=1)
        assert [(r["live"], r["streamed"], r["cost"]["total_usd"]) for r in records] == [
            (False, False, "0.00105"), (False, True, "0.00105")]
        assert ("mocked/replayed (not live, not in the live cost): 2 calls, 2,020 tokens, would cost $0.0021 live"
                in out)
        assert "test_rec.py::test_recorded  (+ 2 replayed, would cost $0.0021 live)" in out
        assert "budgets: replayed calls are not counted (token_budget_count_replayed = false)" in out
    for text in (recorded.stdout.str(), out, json.dumps(records), report_files):
        assert KEY not in text


def test_cassettes_keep_the_key_unless_filtered(pytester):
    """Why the docs tell users to set vcr_config filter_headers: vcrpy records request headers."""
    with FakeLLMServer() as server:
        _setup(pytester, server.url, [])
        result = run(pytester, "--token-budget", "--record-mode=once", "-p", "no:randomly")
    cassette = (pytester.path / "cassettes" / "test_rec" / "test_recorded.yaml").read_text()
    assert KEY in cassette  # the user's job: filter_headers=["x-api-key", "authorization"]
    assert KEY not in result.stdout.str()  # ours: never
    assert all(KEY not in json.dumps(r) for r in _records(pytester))
