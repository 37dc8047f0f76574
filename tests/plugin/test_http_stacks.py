"""requests, urllib3, urllib, aiohttp and boto3 Bedrock through ``pytest --token-budget``: each
call priced exactly as ``price(model, usage)``, attributed to its test, budgets enforced before
sending (nothing reaches the server), and counted once however many layers it went through."""

from __future__ import annotations

import aiohttp  # noqa: F401  (imported once: pytester's in-process runs restore sys.modules)
import boto3  # noqa: F401
import requests  # noqa: F401
from conftest import run

STACKS = '''
import asyncio, json, urllib.request
import aiohttp, boto3, pytest, requests, urllib3
from pytest_tokenbudget import price, TokenBudgetExceeded

BODY = {"model": "claude-haiku-4-5", "max_tokens": 40, "messages": [{"role": "user", "content": "hi"}]}
BEDROCK = "us.anthropic.claude-haiku-4-5-20251001-v1:0"

def _requests(url, body):
    return requests.post(url + "/v1/messages", json=body).json()

def _urllib3(url, body):
    return json.loads(urllib3.request("POST", url + "/v1/messages", body=json.dumps(body)).data)

def _urllib(url, body):
    req = urllib.request.Request(url + "/v1/messages", data=json.dumps(body).encode(), method="POST")
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())

def _aiohttp(url, body):
    async def go():
        async with aiohttp.ClientSession() as s:
            async with s.post(url + "/v1/messages", json=body) as r:
                return await r.json()
    return asyncio.run(go())

def _boto3(url, body):
    client = boto3.client("bedrock-runtime", region_name="us-east-1", endpoint_url=url,
                          aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="dummy")
    params = {k: v for k, v in body.items() if k != "model"}
    out = json.loads(client.invoke_model(modelId=BEDROCK, body=json.dumps(params))["body"].read())
    return out

CLIENTS = {"requests": _requests, "urllib3": _urllib3, "urllib": _urllib, "aiohttp": _aiohttp, "boto3": _boto3}

@pytest.mark.parametrize("stack", sorted(CLIENTS))
def test_priced_exactly_once(stack, fake_llm_server, token_usage):
    fake_llm_server.set_usage(input=1200, output=300, cache_read=500)
    out = CLIENTS[stack](fake_llm_server.url, BODY)
    [e] = token_usage.records
    # boto3 calls a Bedrock regional profile (us.): priced with its regional premium
    model = BEDROCK if stack == "boto3" else out["model"]
    assert e.cost == price(model, out["usage"]) and e.live and e.phase == "call"
    assert token_usage.calls == 1 and token_usage.output_tokens == 300

@pytest.mark.parametrize("stack", sorted(CLIENTS))
@pytest.mark.token_budget(usd=0.0001)
def test_refused_before_sending(stack, fake_llm_server, token_usage):
    with pytest.raises(TokenBudgetExceeded):
        CLIENTS[stack](fake_llm_server.url, {**BODY, "max_tokens": 4000})
    assert fake_llm_server.request_count == 0
    assert token_usage.refused == 1 and token_usage.calls == 0

@pytest.mark.parametrize("stack", sorted(CLIENTS))
@pytest.mark.token_budget(usd=0.0001)
def test_overrun_fails(stack, fake_llm_server):
    fake_llm_server.set_usage(input=20000, output=30)
    CLIENTS[stack](fake_llm_server.url, {**BODY, "max_tokens": 1})
'''


def test_every_stack_priced_budgeted_and_refused(inner):
    inner.makepyfile(test_stacks=STACKS)
    result = run(inner, "--token-budget")
    result.assert_outcomes(passed=10, failed=5)
    out = result.stdout.str()
    for stack in ("aiohttp", "boto3", "requests", "urllib", "urllib3"):
        assert f"FAILED test_stacks.py::test_overrun_fails[{stack}]" in out
    # 20,000 input + 30 output tokens at haiku prices = $0.02015, once per stack; boto3's regional
    # Bedrock profile adds 10%: $0.022165
    # one failure text per stack (the short summary repeats it in full when CI is set: not counted)
    failures = "\n".join(line for line in out.splitlines() if not line.startswith("FAILED "))
    assert failures.count("exceeded: spent $0.0202 of a $0.0001 budget") == 4
    assert failures.count("exceeded: spent $0.0222 of a $0.0001 budget") == 1
    assert "refused before sending: 5 calls" in out
