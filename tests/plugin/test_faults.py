"""Fault injection at the plugin level (issue 8): every fault of the fake server, through the real
anthropic / openai SDKs, in a pytest run with and without ``--token-budget``.

One inner module holds the whole matrix (fault x {create, stream} x {anthropic, openai}, plus async
Anthropic streams and a gzip-compressed stream cut mid-event). It runs twice against one fake
server: first without the plugin (it stays inactive and patches nothing), recording what each
call returned or raised; then with ``--token-budget --token-budget-json``, where each inner test
asserts that its caller saw exactly the same. The outer, parametrised test then reads the JSON
report and checks that the call was recorded once and honestly: counted as a call, flagged
(incomplete / usage unknown / unpriced / no response) wherever the figures are not known, and
never charged a silent $0 where the API may have billed tokens.

The capture layer's own with/without matrix is ``tests/capture/test_faults_refusal_concurrency.py``;
this one checks what reaches the ledger, the report and the exit code.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from pytest_tokenbudget.plugin.capture.types import CallRecord, CallRequest
from pytest_tokenbudget.plugin.ledger.ledger import Ledger, Limits
from pytest_tokenbudget.testing.server import FAULTS, UNKNOWN_MODEL, FakeLLMServer
from pytest_tokenbudget.core.tokens import estimate_request_tokens

# workers of the inner runs: spare them the plugins the matrix does not use
LEAN = ("-p", "no:cacheprovider", "-p", "no:randomly", "-p", "no:hypothesispytest", "-p", "no:recording",
        "-p", "no:anyio", "-p", "no:asyncio", "-p", "no:xdist")

STREAM_ONLY = {"stream-error", "sse-cut", "gzip+sse-cut"}
JSON_ONLY = {"truncated-json"}
ALL_FAULTS = ["none", *sorted(FAULTS), "gzip+sse-cut"]
MODES = ["anthropic-create", "anthropic-stream", "anthropic-async-stream", "openai-create", "openai-stream",
         "responses-create", "responses-stream"]


def _applies(mode: str, fault: str) -> bool:
    stream = "stream" in mode
    if mode == "responses-stream" and fault in ("stall", "stream-error"):
        return False  # the fake server has neither for Responses streams
    if fault == "no-final-usage":  # Anthropic SSE only: message_delta without usage
        return mode in ("anthropic-stream", "anthropic-async-stream")
    if fault in STREAM_ONLY:
        return stream
    if fault in JSON_ONLY:
        return not stream
    return True


MATRIX = [(m, f) for m in MODES for f in ALL_FAULTS if _applies(m, f)]
CASES = [f"{m}/{f}" for m, f in MATRIX]

INNER = '''
import asyncio, json, os, re
import anthropic, openai, pytest
from pytest_tokenbudget.plugin import capture

URL = os.environ["FAULT_URL"]
OUT = os.environ["FAULT_OUT"]
EXPECT = os.environ.get("FAULT_EXPECT")
MSG = [{"role": "user", "content": "Say hi"}]
MODEL = "claude-haiku-4-5"  # also through the OpenAI SDK (Anthropic's OpenAI-compatible endpoint): priced
IDS = re.compile(r"(req|msg|chatcmpl|resp)[-_]?fake[-_]?[0-9a-f]+")
CREATED = re.compile(r'(?<="created": )[0-9.]+|(?<="created_at": )[0-9.]+')
CLAUDE = anthropic.Anthropic(base_url=URL, api_key="sk-test", max_retries=0)
OAI = openai.OpenAI(base_url=URL + "/v1", api_key="sk-test", max_retries=0)


def headers(fault):
    if fault == "none":
        return None
    if fault == "gzip+sse-cut":
        return {"x-fake-gzip": "1", "x-fake-fault": "sse-cut"}
    return {"x-fake-fault": fault}


def anthropic_create(fault, timeout):
    m = CLAUDE.messages.create(model=MODEL, max_tokens=64, messages=MSG, extra_headers=headers(fault), timeout=timeout)
    return [m.model, [b.text for b in m.content], m.usage.model_dump() if m.usage else None]


def anthropic_stream(fault, timeout):
    with CLAUDE.messages.create(model=MODEL, max_tokens=64, messages=MSG, stream=True, extra_headers=headers(fault),
                                timeout=timeout) as s:
        return [e.to_dict() for e in s]


def anthropic_async_stream(fault, timeout):
    async def go():
        async with anthropic.AsyncAnthropic(base_url=URL, api_key="sk-test", max_retries=0) as c:
            async with c.messages.stream(model=MODEL, max_tokens=64, messages=MSG, extra_headers=headers(fault),
                                         timeout=timeout) as s:
                text = [t async for t in s.text_stream]
                final = await s.get_final_message()
                return [text, final.to_dict()]
    return asyncio.run(go())


def openai_create(fault, timeout):
    r = OAI.chat.completions.create(model=MODEL, max_tokens=64, messages=MSG, extra_headers=headers(fault),
                                    timeout=timeout)
    return [r.model, r.choices[0].message.content, r.usage.to_dict() if r.usage else None]


def openai_stream(fault, timeout):
    with OAI.chat.completions.create(model=MODEL, max_tokens=64, messages=MSG, stream=True,
                                     stream_options={"include_usage": True}, extra_headers=headers(fault),
                                     timeout=timeout) as s:
        return [ch.to_dict() for ch in s]


def responses_create(fault, timeout):
    r = OAI.responses.create(model=MODEL, max_output_tokens=64, input="Say hi", extra_headers=headers(fault),
                             timeout=timeout)
    return [r.model, r.output_text, r.usage.to_dict() if r.usage else None]


def responses_stream(fault, timeout):
    with OAI.responses.create(model=MODEL, max_output_tokens=64, input="Say hi", stream=True,
                              extra_headers=headers(fault), timeout=timeout) as s:
        return [e.to_dict() for e in s]


CALLS = {"responses-create": responses_create, "responses-stream": responses_stream,
         "anthropic-create": anthropic_create, "anthropic-stream": anthropic_stream,
         "anthropic-async-stream": anthropic_async_stream, "openai-create": openai_create,
         "openai-stream": openai_stream}


def ids_out(value):
    return json.loads(CREATED.sub("0", IDS.sub("<id>", json.dumps(value, default=repr, sort_keys=True))))


@pytest.mark.parametrize("case", os.environ["FAULT_CASES"].split())
def test_case(case, request):
    assert capture.installed() == bool(request.config.getoption("token_budget"))
    mode, fault = case.split("/")
    timeout = 0.2 if fault == "stall" else 10
    try:
        got = ["returned", CALLS[mode](fault, timeout)]
    except BaseException as exc:  # exactly what the caller sees
        got = ["raised", type(exc).__module__ + "." + type(exc).__qualname__, str(exc)]
    got = ids_out(got)
    name = case.replace("/", "__") + ".json"
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(got, f)
    if EXPECT:
        with open(os.path.join(EXPECT, name)) as f:
            assert got == json.load(f)
'''


@dataclass
class Matrix:
    plain: dict[str, Any]  # case -> what the caller saw without the plugin
    budgeted: dict[str, Any]  # case -> what it saw with --token-budget
    plain_run: subprocess.CompletedProcess
    budgeted_run: subprocess.CompletedProcess
    report: dict[str, Any]
    requests: int  # what the fake server received over both runs

    def test(self, case: str) -> dict[str, Any]:
        nodeid = f"test_matrix.py::test_case[{case}]"
        [test] = [t for t in self.report["tests"] if t["nodeid"] == nodeid]
        return test


def _pytest(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-q", *LEAN, *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=180)


def _load(folder: Path) -> dict[str, Any]:
    return {p.name[:-5].replace("__", "/"): json.loads(p.read_text()) for p in folder.glob("*.json")}


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Matrix:
    root = tmp_path_factory.mktemp("faults")
    (root / "test_matrix.py").write_text(INNER)
    (root / "pytest.ini").write_text("[pytest]\ntoken_budget_unknown_model = warn\n")
    plain_dir, budgeted_dir = root / "plain", root / "budgeted"
    plain_dir.mkdir()
    budgeted_dir.mkdir()
    with FakeLLMServer() as server:
        server.stall_ms = 800
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TOKEN_BUDGET", "GITHUB_", "PYTEST_"))}
        env.update(FAULT_URL=server.url, FAULT_CASES=" ".join(CASES), FAULT_OUT=str(plain_dir))
        plain = _pytest(root, env)
        env.update(FAULT_OUT=str(budgeted_dir), FAULT_EXPECT=str(plain_dir))
        budgeted = _pytest(root, env, "--token-budget", "--token-budget-json=report.json", "--token-budget-top=0")
        requests = server.request_count
    report = json.loads((root / "report.json").read_text()) if (root / "report.json").exists() else {}
    return Matrix(_load(plain_dir), _load(budgeted_dir), plain, budgeted, report, requests)


# The pre-flight worst case of every call: the request's input estimate at haiku-4-5's $1/MTok input
# price plus max_tokens 64 at its $5/MTok output price (the chat-completions body estimates the same).
_INPUT_ESTIMATE = estimate_request_tokens({"model": "claude-haiku-4-5", "max_tokens": 64,
                                           "messages": [{"role": "user", "content": "Say hi"}]})
WORST = (Decimal(_INPUT_ESTIMATE) * 1 + 64 * 5) / 10**6
PRICE = Decimal("0.000052")  # 17 input + 7 output tokens of claude-haiku-4-5
BILLED_FLAGS = {"usage unknown", "incomplete", "unpriced"}


def _check_record(mode: str, fault: str, c: dict[str, Any]) -> None:
    stream = "stream" in mode
    flags = set(c["flags"])
    charged = Decimal(c["charged"]["usd"])
    assert not c["refused"] and c["live"] and "replayed" not in flags, c  # a fault is not a mock
    endpoint = {"anthropic": "messages", "openai": "chat.completions", "responses": "responses"}[mode.split("-")[0]]
    assert c["charged"]["calls"] == 1 and c["endpoint"] == endpoint
    worst = Decimal(c["worst"]["usd"])
    assert worst == WORST if endpoint != "responses" else worst > 0
    if fault == "none":
        assert c["status"] == 200 and c["complete"] and c["error"] is None
        assert flags <= {"streamed"} and c["streamed"] == stream
        assert Decimal(c["cost_usd"]) == charged == PRICE
        return
    if fault == "html-502":  # an error status: no tokens were billed; an honest $0
        assert c["status"] == 502 and "HTTP 502" in flags and c["usage"] is None and c["cost_usd"] is None
        assert c["error"] == "HTTP 502 (body is not JSON)" and charged == 0
        return
    # Everything else reached the API and may have been billed: flagged, never a silent $0.
    assert flags & BILLED_FLAGS, c
    assert charged >= worst, c
    error = c["error"] or ""
    if fault == "reset":
        assert c["status"] is None and {"no response", "usage unknown"} <= flags
        assert error.startswith(("ReadError", "RemoteProtocolError"))
    elif fault == "stall":
        assert "ReadTimeout" in error
        if stream:  # headers and message_start arrived, then the read timed out
            assert c["status"] == 200 and "incomplete" in flags
        else:
            assert c["status"] is None and {"no response", "usage unknown"} <= flags
    elif fault == "truncated-json":
        assert c["status"] == 200 and "usage unknown" in flags and error.startswith("unparseable JSON body")
    elif fault in ("stream-error", "sse-cut", "gzip+sse-cut"):
        assert c["status"] == 200 and {"streamed", "incomplete"} <= flags and not c["complete"]
        if fault == "stream-error":
            assert error == ("overloaded_error: Overloaded" if "anthropic" in mode else "server_error: fake overloaded")
        else:
            assert "RemoteProtocolError" in error
        if "anthropic" in mode:  # message_start's usage was seen: priced, flagged, charged the worst case
            assert c["usage"]["input_tokens"] == 17 and c["usage"]["output_tokens"] == 1 and c["cost_usd"]
    elif fault == "no-final-usage":  # only message_start's usage (output 1): charged the worst case (issue 17)
        assert c["status"] == 200 and {"streamed", "incomplete"} <= flags and not c["complete"]
    elif fault == "missing-usage":
        assert "usage unknown" in flags and c["usage"] is None and c["cost_usd"] is None
    elif fault == "bad-usage":  # negative and non-integer counts are never read as numbers
        assert "usage unknown" in flags and c["usage"] is None and "usage could not be read" in error
        assert "must not be negative" in error
    elif fault == "unknown-model":
        assert c["response_model"] == UNKNOWN_MODEL and "unpriced" in flags and c["cost_usd"] is None
        assert c["usage"]["output_tokens"] == 7 and charged == worst  # tokens known, price not: the worst case
    elif fault == "gzip-garbage":
        assert "DecodingError" in error or "decompress" in error
        if stream:  # an event stream (by its content-type) that could not be decoded
            assert c["status"] == 200 and {"streamed", "incomplete", "usage unknown"} <= flags
        elif c["status"] is None:  # httpx decoded the body inside send(): lost after it was billed
            assert {"no response", "usage unknown"} <= flags
        else:  # the SDK decodes after send() (anthropic 2.17 on httpx2 2.16): the 200 was seen, the body not
            assert c["status"] == 200 and "usage unknown" in flags and not c["complete"] and c["usage"] is None
    else:  # pragma: no cover - a new fault: add its expectations
        pytest.fail(f"no expectations for fault {fault!r}")


@pytest.mark.slow
@pytest.mark.parametrize("mode,fault", MATRIX, ids=CASES)
def test_fault_caller_sees_the_same_and_the_record_is_honest(matrix: Matrix, mode: str, fault: str) -> None:
    case = f"{mode}/{fault}"
    assert case in matrix.plain and case in matrix.budgeted, matrix.budgeted_run.stdout[-3000:]
    assert matrix.budgeted[case] == matrix.plain[case]  # exactly the same result or exception
    test = matrix.test(case)
    assert test["outcome"] == "passed"  # the inner test's own with/without comparison passed too
    [call] = test["calls"]  # recorded once
    assert call["phase"] == "call"
    _check_record(mode, fault, call)
    assert test["complete"] == (fault in ("none", "html-502"))
    assert test["live"]["calls"] == 1 and test["replayed"]["calls"] == 0


@pytest.mark.slow
def test_fault_matrix_run_as_a_whole(matrix: Matrix) -> None:
    """Nothing crashed, nothing was lost, and the run says its figures are a lower bound."""
    n = len(CASES)
    for result in (matrix.plain_run, matrix.budgeted_run):
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        assert f"{n} passed" in result.stdout
        assert "INTERNALERROR" not in result.stdout + result.stderr
    out = matrix.budgeted_run.stdout
    assert "token budget" in out and "plugin error" not in out and "report failed" not in out
    assert "CaptureWarning" not in out + matrix.budgeted_run.stderr
    assert matrix.requests == 2 * n  # every call reached the server once per run
    run, totals = matrix.report["run"], matrix.report["totals"]
    assert totals["live"]["calls"] == n and totals["replayed"]["calls"] == 0 and totals["refused"] == 0
    assert sum(len(t["calls"]) for t in matrix.report["tests"]) == n and not matrix.report["unattributed_calls"]
    assert not run["complete"] and run["exit_status"] == 0
    billed = [c for t in matrix.report["tests"] for c in t["calls"] if c["status"] != 502]
    assert Decimal(totals["charged"]["usd"]) == sum(Decimal(c["charged"]["usd"]) for c in billed)
    assert f"live: {n} calls" in out and "(incomplete: a lower bound)" in out
    jsonschema.validate(matrix.report, _schema(), cls=jsonschema.Draft202012Validator)  # faults included
    lost = sum(1 for t in matrix.report["tests"] for c in t["calls"] if c["status"] is None)
    # lost after sending: every reset, a stall before the headers (not streamed), and a garbled gzip body
    # when the SDK decodes it inside send() (httpx; anthropic 2.17 on httpx2 decodes after: its 200 is kept)
    always = [(m, f) for m, f in MATRIX if f == "reset" or f == "stall" and "stream" not in m]
    garbled = [(m, f) for m, f in MATRIX if f == "gzip-garbage" and "stream" not in m]
    assert len(always) <= lost <= len(always) + len(garbled)
    assert f"; {lost} lost after sending may have been billed: see usage unknown)" in out
    # the include_usage hint names only streams that ran to their end without usage, not faulted ones
    assert "(1 OpenAI stream(s) without stream_options" in out


# ----------------------------------------------------------------------------- the ledger, directly
def _request() -> CallRequest:
    return CallRequest(api="anthropic", endpoint="messages", url="http://x/v1/messages", model="claude-haiku-4-5",
                       max_tokens=100, stream=False, attempt=0, input_estimate=0)


def test_a_lost_response_is_usage_unknown_and_charged_its_worst_case() -> None:
    """Sent, then a read timeout / reset / undecodable body: the API may have billed it."""
    ledger = Ledger(session_limits=Limits(usd=Decimal(1)))
    req = _request()
    lost = CallRecord(request=req, status=None, response_model=None, usage=None, complete=False, streamed=False,
                      live=True, duration_s=0.1, error="ReadTimeout: timed out", lost=True)
    e = ledger.on_record(ledger.before_send(req), lost)
    assert e.usage_unknown and e.charged.usd == Decimal("0.0005") and e.charged.output_tokens == 100
    assert {"usage unknown", "no response"} <= set(e.flags()) and not ledger.totals().complete
    req2 = _request()  # never sent (connect error): a call, no tokens, nothing unknown
    refused = CallRecord(request=req2, status=None, response_model=None, usage=None, complete=False, streamed=False,
                         live=True, duration_s=0.1, error="ConnectError: refused")
    e2 = ledger.on_record(ledger.before_send(req2), refused)
    assert not e2.usage_unknown and e2.charged.usd == 0 and e2.charged.calls == 1


def test_an_unpriced_response_model_charges_the_request_worst_case() -> None:
    ledger = Ledger(unknown_model="warn", session_limits=Limits(usd=Decimal(1)))
    req = _request()
    rec = CallRecord(request=req, status=200, response_model=UNKNOWN_MODEL, usage={"input_tokens": 5,
                     "output_tokens": 5}, complete=True, streamed=False, live=True, duration_s=0.1)
    e = ledger.on_record(ledger.before_send(req), rec)
    assert e.unpriced and e.cost is None
    assert e.charged.usd == Decimal("0.0005") and (e.charged.input_tokens, e.charged.output_tokens) == (5, 5)
    assert ledger.session.spent.usd == Decimal("0.0005")


# ----------------------------------------------------------------------------- hostile usage values
@functools.lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    from pytest_tokenbudget.report.validate import load_schema
    return load_schema()


HOSTILE = ["17", True, None, 1e30, float("nan"), float("inf"), -0.0, -5, 2.5, 17.0, [], {}, "abc", 10**30, 2**63]
USAGE_KEYS = [("anthropic", "messages", "input_tokens"), ("anthropic", "messages", "output_tokens"),
              ("anthropic", "messages", "cache_read_input_tokens"),
              ("openai", "chat.completions", "prompt_tokens"), ("openai", "chat.completions", "completion_tokens")]


@pytest.mark.parametrize("value", HOSTILE, ids=[repr(v)[:12] for v in HOSTILE])
@pytest.mark.parametrize("api,endpoint,key", USAGE_KEYS, ids=[k[2] for k in USAGE_KEYS])
def test_hostile_usage_values_are_unknown_never_zero(api: str, endpoint: str, key: str, value: Any) -> None:
    """Whatever a usage field holds, the call is recorded; anything but a whole number >= 0 makes its
    usage unknown (charged the worst case), and the run's JSON and terminal report still render."""
    from pytest_tokenbudget.plugin.report_builder import build_report
    from pytest_tokenbudget.report.render.terminal import render_lines

    base = {"input_tokens": 1, "output_tokens": 1} if api == "anthropic" else {"prompt_tokens": 1,
                                                                              "completion_tokens": 1}
    ledger = Ledger(session_limits=Limits(usd=Decimal(1)))
    req = CallRequest(api=api, endpoint=endpoint, url="http://x/v1/" + endpoint, model="claude-haiku-4-5",
                      max_tokens=100, stream=False, attempt=0, input_estimate=3)
    rec = CallRecord(request=req, status=200, response_model="claude-haiku-4-5", usage={**base, key: value},
                     complete=True, streamed=False, live=True, duration_s=0.0)
    e = ledger.on_record(ledger.before_send(req), rec)
    worst = e.worst.usd
    optional_null = value is None and key == "cache_read_input_tokens"  # null = absent, as the APIs send it
    if optional_null or (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
        assert not e.usage_unknown and e.cost is not None and e.charged.usd == e.cost_usd
    else:
        assert e.usage_unknown and e.cost is None and e.usage is None and "usage could not be read" in e.error
        assert e.charged.usd == worst > 0 and not ledger.totals().complete
    assert ledger.totals().calls == 1
    model = build_report(list(ledger.entries))
    report = model.to_json()
    json.loads(json.dumps(report, allow_nan=False))  # plain, strict JSON (no NaN / Decimal leaks)
    jsonschema.validate(report, _schema(), cls=jsonschema.Draft202012Validator)
    json.dumps(ledger.as_json(), default=str)  # what xdist and the shared ledger carry
    assert any(line.startswith("live: 1 call") for line in render_lines(model, top=5))
