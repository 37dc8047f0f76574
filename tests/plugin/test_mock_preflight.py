"""Mocks and replays are never refused when they will not count (issue 17).

With ``token_budget_count_replayed = false`` and a zero per-test budget, a call answered by a mock
(an ``httpx2.MockTransport`` under the real SDK, a respx route on classic httpx) or by a cassette
(pytest-recording / vcrpy) must reach it: pre-flight decides "will this be live?" from the
transport before reserving. A live call is still refused, and a call whose fate cannot be known
(a custom transport) is still refused, with the reason in the message.
"""

from __future__ import annotations

import pytest
import respx  # noqa: F401 - imported once here (pytester's in-process runs restore sys.modules)
from conftest import run

import vcr.serializers.yamlserializer  # noqa: F401,E402
import pytest_recording.plugin  # noqa: F401,E402

from pytest_tokenbudget.testing.server import FakeLLMServer

ZERO = "[pytest]\nasyncio_default_fixture_loop_scope = function\ntoken_budget_count_replayed = false\n"
REPLY = ('{"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-haiku-4-5", '
         '"content": [{"type": "text", "text": "hi"}], "stop_reason": "end_turn", '
         '"usage": {"input_tokens": 1000, "output_tokens": 10}}')
MSG = '[{"role": "user", "content": "Say hi"}]'

MOCKS = f'''
import json, anthropic, httpx, httpx2, pytest, respx
REPLY = {REPLY!r}
BODY = {{"model": "claude-haiku-4-5", "max_tokens": 10, "messages": {MSG}}}

def test_sdk_on_a_mock_transport():
    transport = httpx2.MockTransport(lambda request: httpx2.Response(200, content=REPLY,
                                     headers={{"content-type": "application/json"}}))
    claude = anthropic.Anthropic(api_key="sk-test", max_retries=0, http_client=httpx2.Client(transport=transport))
    assert claude.messages.create(**BODY).content[0].text == "hi"

@respx.mock
def test_respx_route():
    route = respx.post("https://api.anthropic.com/v1/messages").mock(
        return_value=httpx.Response(200, content=REPLY, headers={{"content-type": "application/json"}}))
    r = httpx.post("https://api.anthropic.com/v1/messages", json=BODY, headers={{"x-api-key": "sk-test"}})
    assert r.json()["content"][0]["text"] == "hi" and route.called

def test_respx_side_effect_cannot_be_known():
    with respx.mock:
        respx.post("https://api.anthropic.com/v1/messages").mock(side_effect=lambda request: httpx.Response(200))
        httpx.post("https://api.anthropic.com/v1/messages", json=BODY)
'''


def test_mocks_are_not_refused_by_a_zero_budget_when_replays_do_not_count(pytester):
    pytester.makeini(ZERO)
    pytester.makepyfile(test_mocks=MOCKS)
    result = run(pytester, "--token-budget-per-test=0")
    result.assert_outcomes(passed=2, failed=1)
    out = result.stdout.str()
    assert "test_respx_side_effect_cannot_be_known" in out
    assert "whether a mock or a cassette would answer this call cannot be known before sending" in out
    assert "mocked/replayed (not live, not in the live cost): 2 calls" in out


def test_mocks_are_refused_by_a_zero_budget_when_replays_count(pytester):
    pytester.makeini(ZERO.replace("false", "true"))
    pytester.makepyfile(test_mocks=MOCKS)
    result = run(pytester, "--token-budget-per-test=0")
    result.assert_outcomes(failed=3)
    assert "cannot be known before sending" not in result.stdout.str()


CASSETTE_CONFTEST = '''
import anthropic, pytest
URL = {url!r}

@pytest.fixture
def claude():
    return anthropic.Anthropic(base_url=URL, api_key="sk-test", max_retries=0)

@pytest.fixture(scope="module")
def vcr_config():
    return {{"filter_headers": ["x-api-key", "authorization"]}}
'''

CASSETTE_TESTS = f'''
import pytest

@pytest.mark.vcr
def test_replayed(claude):
    claude.messages.create(model="claude-haiku-4-5", max_tokens=10, messages={MSG})
    with claude.messages.stream(model="claude-haiku-4-5", max_tokens=10, messages={MSG}) as s:
        s.get_final_message()

@pytest.mark.vcr
def test_not_in_the_cassette(claude):
    claude.messages.create(model="claude-haiku-4-5", max_tokens=11, messages={MSG})
'''


@pytest.mark.parametrize("count_replayed", ["false", "true"])
def test_cassette_replay_reaches_the_cassette_under_a_zero_budget(pytester, count_replayed):
    with FakeLLMServer() as server:
        pytester.makeconftest(CASSETTE_CONFTEST.format(url=server.url))
        pytester.makeini(ZERO)
        pytester.makepyfile(test_rec=CASSETTE_TESTS)
        recorded = run(pytester, "--token-budget", "--record-mode=once")
        recorded.assert_outcomes(passed=2)
        server.set_usage(input=1000, output=10)
        # the cassettes exist: test_replayed is answered by its cassette; test_not_in_the_cassette would record
        (pytester.path / "cassettes" / "test_rec" / "test_not_in_the_cassette.yaml").unlink()
        pytester.makeini(ZERO.replace("false", count_replayed))
        result = run(pytester, "--token-budget-per-test=0", "--record-mode=once")
        sent = server.request_count
    out = result.stdout.str()
    if count_replayed == "false":
        result.assert_outcomes(passed=1, failed=1)
        assert "test_rec.py::test_not_in_the_cassette" in out and "refused before sending" in out
        assert sent == 3  # the recording run's 3 calls; the zero budget refused the one that would record
    else:
        result.assert_outcomes(failed=2)


def test_expected_live_from_the_transport():
    """The decision itself, on classic httpx (respx patches it) and httpx2: no request is sent."""
    import httpx
    import httpx2
    import respx

    from pytest_tokenbudget.plugin.capture.liveness import expected_live

    url = "https://api.anthropic.com/v1/messages"

    def decide(client, lib):
        return expected_live(client, client.build_request("POST", url, json={"model": "m"}), lib)

    assert decide(httpx.Client(), httpx) is True
    assert decide(httpx2.Client(), httpx2) is True
    assert decide(httpx2.Client(transport=httpx2.MockTransport(lambda r: httpx2.Response(200))), httpx2) is False
    assert decide(httpx2.Client(transport=object()), httpx2) is None  # a custom transport: unknown
    with respx.mock(assert_all_called=False) as router:
        assert decide(httpx.Client(), httpx) is False  # unmatched: respx answers or raises
        router.post(url).pass_through()
        assert decide(httpx.Client(), httpx) is True
    with respx.mock(assert_all_called=False) as router:
        router.post(url).respond(200)
        assert decide(httpx.Client(), httpx) is False
        assert decide(httpx2.Client(), httpx2) is True  # respx does not patch httpx2


# requests (urllib3) and aiohttp: the same decision before sending, from vcrpy's patched connection
# (urllib3) or its patched ClientSession._request (aiohttp), whichever of ours and vcrpy's is outer.
STACK_TESTS = '''
import asyncio, aiohttp, pytest, requests
URL = URL_HERE
BODY = {"model": "claude-haiku-4-5", "max_tokens": 10, "messages": MSG_HERE}
H = {"x-api-key": "sk-test", "anthropic-version": "2023-06-01"}

def post(max_tokens=10, stream=False):
    body = {**BODY, "max_tokens": max_tokens, "stream": stream}
    with requests.post(URL + "/v1/messages", json=body, headers=H, stream=stream) as r:
        return r.content

async def apost(max_tokens=10):
    async with aiohttp.ClientSession() as s:
        async with s.post(URL + "/v1/messages", json={**BODY, "max_tokens": max_tokens}, headers=H) as r:
            return await r.read()

@pytest.mark.vcr
def test_requests_replayed():
    assert b"content" in post() and b"message_stop" in post(stream=True)

@pytest.mark.vcr
def test_requests_not_in_the_cassette():
    post(11)

@pytest.mark.vcr
def test_aiohttp_replayed():
    assert b"content" in asyncio.run(apost())

@pytest.mark.vcr
def test_aiohttp_not_in_the_cassette():
    asyncio.run(apost(11))
'''


@pytest.mark.parametrize("count_replayed", ["false", "true"])
def test_requests_and_aiohttp_cassette_replays_reach_the_cassette_under_a_zero_budget(pytester, count_replayed):
    with FakeLLMServer() as server:
        pytester.makeconftest(CASSETTE_CONFTEST.format(url=server.url))
        pytester.makeini(ZERO)
        pytester.makepyfile(test_stacks=STACK_TESTS.replace("URL_HERE", repr(server.url)).replace("MSG_HERE", MSG))
        recorded = run(pytester, "--token-budget", "--record-mode=once")
        recorded.assert_outcomes(passed=4)
        assert server.request_count == 5
        # what vcrpy recorded through requests is read from its response too (not "usage unknown")
        recorded.stdout.fnmatch_lines(["live: 5 calls, 120 tokens*"])
        for name in ("test_requests_not_in_the_cassette", "test_aiohttp_not_in_the_cassette"):
            (pytester.path / "cassettes" / "test_stacks" / f"{name}.yaml").unlink()
        pytester.makeini(ZERO.replace("false", count_replayed))
        result = run(pytester, "--token-budget-per-test=0", "--record-mode=once")
        sent = server.request_count
    out = result.stdout.str()
    assert sent == 5  # nothing went out: replays answered, the calls that would record were refused
    if count_replayed == "false":
        result.assert_outcomes(passed=2, failed=2)
        assert "test_stacks.py::test_requests_not_in_the_cassette" in out
        assert "test_stacks.py::test_aiohttp_not_in_the_cassette" in out
        # vcrpy answers aiohttp replays above our patch: nothing reaches the plugin (not recorded)
        assert "mocked/replayed (not live, not in the live cost): 2 calls, 48 tokens" in out
    else:  # vcrpy answers the aiohttp replay above our patch: it never reaches the budget
        result.assert_outcomes(passed=1, failed=3)


EARLY_CASSETTE = '''
import vcr
# a plugin (-p) that enters a cassette as it is imported, before this plugin patches aiohttp: vcrpy's
# stub is then inside our wrapper, and the replay reaches it
_cassette = vcr.use_cassette("early.yaml", record_mode="once", filter_headers=["x-api-key"])
_cassette.__enter__()

def pytest_unconfigure(config):
    _cassette.__exit__(None, None, None)  # saves what it recorded
'''


def test_aiohttp_replay_below_the_plugin_is_recognised_before_sending(pytester):
    with FakeLLMServer() as server:
        pytester.makepyfile(early_vcr=EARLY_CASSETTE)
        pytester.syspathinsert()
        pytester.makeini(ZERO)
        pytester.makepyfile(test_stacks=STACK_TESTS.replace("URL_HERE", repr(server.url)).replace("MSG_HERE", MSG))
        args = ("-p", "no:cacheprovider", "-p", "early_vcr", "-p", "no:recording", "-k")
        pytester.runpytest_subprocess("--token-budget", *args, "aiohttp_replayed").assert_outcomes(passed=1)
        result = pytester.runpytest_subprocess("--token-budget-per-test=0", *args, "aiohttp")
        sent = server.request_count
    result.assert_outcomes(passed=1, failed=1)
    assert sent == 1  # the recording only
    out = result.stdout.str()
    # the replay, and the call vcrpy refuses itself (nothing sent either way)
    assert "mocked/replayed (not live, not in the live cost): 2 calls, 24 tokens" in out
    # the cassette is write-protected (record_mode once): vcrpy refuses the other call itself, not the budget
    assert "CannotOverwriteExistingCassetteException" in out and "refused before sending" not in out


@pytest.mark.slow  # a subprocess run: the import order of vcr.patch and the plugin is the subject
def test_aiohttp_recording_is_seen_when_vcrpy_was_imported_before_the_plugin(pytester):
    """vcrpy saves aiohttp's own _request when vcr.patch is imported; imported before this plugin
    patched aiohttp, each cassette's recordings called that saved method and never reached us: a
    real call sent, and the report said no LLM API calls were made."""
    with FakeLLMServer() as server:
        pytester.makepyfile(early_vcr_import="import vcr.patch  # before the plugin patches aiohttp\n")
        pytester.syspathinsert()
        pytester.makeconftest(CASSETTE_CONFTEST.format(url=server.url))
        pytester.makepyfile(test_stacks=STACK_TESTS.replace("URL_HERE", repr(server.url)).replace("MSG_HERE", MSG))
        result = pytester.runpytest_subprocess("--token-budget", "--record-mode=once", "-p", "no:cacheprovider",
                                               "-p", "early_vcr_import", "-k", "aiohttp_replayed")
        sent = server.request_count
    result.assert_outcomes(passed=1)
    assert sent == 1  # the recording went out
    result.stdout.fnmatch_lines(["live: 1 call, * tokens*"])
