"""API keys never leak into anything the tool writes (issue 8).

One distinctive canary key is sent every way an SDK or a user sends one: ``x-api-key``
(Anthropic), ``authorization: Bearer`` (OpenAI, Anthropic ``auth_token``, Bedrock API keys, Vertex
access tokens), an ``api-key`` header (Azure style) and ``?key=`` in the URL (raw HTTP, SDK
``default_query``) — on successful calls,
streams, faulted calls (HTTP 502, connection reset, read timeout), refused calls, an overrun block
and a call to an unknown model. The run has every output on, twice: under pytest-xdist (the shared
SQLite ledger, copied before the run removes it) and serially against the saved baseline. Then
every artefact is grepped for the key:

- terminal output and stderr of both runs (summary, failure sections, warnings summary, -rA);
  read timeouts are left to test_faults.py
- the --token-budget-json reports, the --token-budget-save baseline, the --junitxml file with
  --token-budget-junit properties, the $GITHUB_STEP_SUMMARY file
- the SQLite shared ledger of the xdist run (raw bytes of the file and its WAL, and a dump)
- what users' hooks receive (``call_recorded`` entries: repr, describe, as_json;
  ``budget_exceeded`` errors), every TokenBudgetExceeded message and repr the tests caught,
  every warning recorded, and log records (third-party HTTP/SDK loggers excepted: they are the
  SDKs', and they log URLs the way the user configured them)
- ``tokenbudget report`` renderings (text, markdown, json) of the reports
- the lint cache folder and the lint JSON/SARIF output over the same project
"""

from __future__ import annotations

import json
import secrets
import sqlite3

import pytest
from conftest import run

KEY = "sk-ant-api03-SECRET-CANARY-" + secrets.token_hex(12) + "-AA"
MARKS = (KEY, "SECRET-CANARY", KEY[-20:])

CONFTEST = '''
import json, logging, os, pathlib, shutil
import pytest

OUT = pathlib.Path(os.environ["TB_SECRETS_OUT"])
THIRD_PARTY = ("httpx", "httpcore", "httpx2", "httpcore2", "anthropic", "openai", "urllib3", "asyncio", "hpack")


class Keep(logging.Handler):
    def emit(self, record):
        if record.name.split(".")[0] in THIRD_PARTY:
            return
        with open(OUT / f"logs-{os.getpid()}.txt", "a") as f:
            f.write(self.format(record) + "\\n")


HANDLER = Keep(logging.DEBUG)
HANDLER.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s %(exc_info)s"))


def pytest_configure(config):
    # everything at WARNING and above, and all of the plugin's own loggers
    logging.getLogger().addHandler(HANDLER)
    logging.getLogger("pytest_tokenbudget").setLevel(logging.DEBUG)


def pytest_tokenbudget_call_recorded(record):
    with open(OUT / f"hook-calls-{os.getpid()}.txt", "a") as f:
        f.write(repr(record) + "\\n" + record.describe() + "\\n" + json.dumps(record.as_json(), default=str) + "\\n")


def pytest_tokenbudget_budget_exceeded(item, budget, spent, error):
    with open(OUT / f"hook-exceeded-{os.getpid()}.txt", "a") as f:
        f.write(f"{budget!r} {budget.title} {spent!r} {error!r} {error}\\n")


def pytest_warning_recorded(warning_message, when, nodeid, location):
    with open(OUT / f"warnings-{os.getpid()}.txt", "a") as f:
        f.write(f"{nodeid} {when} {warning_message.category.__name__}: {warning_message.message}\\n")


@pytest.hookimpl(tryfirst=True)
def pytest_unconfigure(config):
    """The xdist controller: copy the run's SQLite ledger before the plugin removes it."""
    logging.getLogger().removeHandler(HANDLER)
    logging.getLogger("pytest_tokenbudget").setLevel(logging.NOTSET)
    from pytest_tokenbudget.plugin.state import STATE
    st = config.stash.get(STATE, None)
    if st is not None and st.run is not None:
        for suffix in ("", "-wal", "-shm"):
            src = pathlib.Path(st.run.path + suffix)
            if src.exists():
                shutil.copy(src, OUT / ("ledger.sqlite3" + suffix))


@pytest.fixture
def caught():
    """Every exception the plugin raised at the test, as the test saw it (message and repr)."""
    seen = []
    yield seen
    with open(OUT / f"exceptions-{os.getpid()}.txt", "a") as f:
        for exc in seen:
            f.write(f"{type(exc).__name__}: {exc}\\n{exc!r}\\n{exc.args!r}\\n")
'''

INNER = '''
import os
import anthropic, httpx2, openai, pytest
from pytest_tokenbudget import TokenBudgetExceeded

KEY = os.environ["TB_CANARY_KEY"]
URL = os.environ["TB_FAKE_URL"]
MSG = [{"role": "user", "content": "Say hi"}]
MODEL = "claude-haiku-4-5"


def clients():
    return [
        anthropic.Anthropic(base_url=URL, api_key=KEY, max_retries=0),  # x-api-key
        anthropic.Anthropic(base_url=URL, auth_token=KEY, max_retries=0),  # authorization: Bearer
        anthropic.Anthropic(base_url=URL, api_key="k", default_query={"key": KEY}, max_retries=0),  # ?key=
        anthropic.Anthropic(base_url=URL, api_key="k", default_headers={"api-key": KEY}, max_retries=0),  # api-key
    ]


def oai():
    return openai.OpenAI(base_url=URL + "/v1", api_key=KEY, default_query={"key": KEY},
                         default_headers={"api-key": KEY}, max_retries=0)


def test_every_way_of_sending_a_key():
    for c in clients():
        c.messages.create(model=MODEL, max_tokens=20, messages=MSG)
        with c.messages.stream(model=MODEL, max_tokens=20, messages=MSG) as s:
            s.until_done()
    oai().chat.completions.create(model=MODEL, max_tokens=20, messages=MSG)
    list(oai().chat.completions.create(model=MODEL, max_tokens=20, messages=MSG, stream=True))
    bedrock = anthropic.AnthropicBedrock(api_key=KEY, aws_region="us-east-1", base_url=URL, max_retries=0)
    bedrock.messages.create(model="us.anthropic.claude-haiku-4-5-20251001-v1:0", max_tokens=8, messages=MSG)
    vertex = anthropic.AnthropicVertex(region="us-east5", project_id="proj", access_token=KEY, base_url=URL + "/v1",
                                       max_retries=0)
    vertex.messages.create(model="claude-haiku-4-5@20251001", max_tokens=8, messages=MSG)
    with vertex.messages.stream(model="claude-haiku-4-5@20251001", max_tokens=8, messages=MSG) as s:
        s.until_done()
    try:  # a gateway that takes the key in the path
        anthropic.Anthropic(base_url=f"{URL}/{KEY}", api_key="k", max_retries=0).messages.create(
            model=MODEL, max_tokens=8, messages=MSG)
    except anthropic.NotFoundError:
        pass
    r = httpx2.post(f"{URL}/v1/messages?key={KEY}&x-api-key={KEY}", headers={"x-api-key": KEY},
                    json={"model": MODEL, "max_tokens": 5, "messages": MSG})
    assert r.status_code == 200


@pytest.mark.parametrize("fault", ["html-502", "reset", "sse-cut", "stream-error", "truncated-json",
                                   "gzip-garbage", "bad-usage"])
def test_faults_with_the_key_in_the_url(fault):
    c = anthropic.Anthropic(base_url=URL, api_key=KEY, default_query={"key": KEY}, max_retries=0, timeout=0.3)
    for stream in (True, False):
        try:
            if stream:
                with c.messages.stream(model=MODEL, max_tokens=20, messages=MSG,
                                       extra_headers={"x-fake-fault": fault}) as s:
                    s.until_done()
            else:
                c.messages.create(model=MODEL, max_tokens=20, messages=MSG, extra_headers={"x-fake-fault": fault})
        except Exception:
            pass
    try:  # raw HTTP with the key in the query string: httpx's own error texts carry the URL
        httpx2.post(f"{URL}/v1/messages?key={KEY}", json={"model": MODEL, "max_tokens": 5, "messages": MSG},
                    headers={"x-fake-fault": fault, "api-key": KEY}, timeout=0.3).raise_for_status()
    except Exception as exc:
        if fault == "html-502":  # the control: this text does hold the key (not ours; proves the grep)
            with open(os.path.join(os.environ["TB_CONTROL"], "control.txt"), "a") as f:
                f.write(str(exc))


@pytest.mark.token_budget(usd=0)
def test_refused(caught):
    for c in clients() + [oai()]:
        with pytest.raises(TokenBudgetExceeded) as info:
            if isinstance(c, openai.OpenAI):
                c.chat.completions.create(model=MODEL, max_tokens=20, messages=MSG)
            else:
                c.messages.create(model=MODEL, max_tokens=20, messages=MSG)
        caught.append(info.value)


def test_block_overrun(token_budget, caught):
    c = anthropic.Anthropic(base_url=URL, api_key=KEY, default_query={"key": KEY}, max_retries=0)
    with pytest.raises(TokenBudgetExceeded) as info:
        with token_budget(usd=None, output_tokens=1, name="tiny"):
            c.messages.create(model=MODEL, max_tokens=20, messages=MSG)
    caught.append(info.value)


@pytest.mark.token_budget(input_tokens=1000)
def test_overrun_fails_the_test():
    c = anthropic.Anthropic(base_url=URL, api_key=KEY, default_query={"key": KEY}, max_retries=0)
    c.messages.create(model=MODEL, max_tokens=20, messages=MSG,
                      extra_headers={"x-fake-usage": "input=50000,output=5"})


def test_unknown_model():
    c = anthropic.Anthropic(base_url=URL, api_key=KEY, default_query={"key": KEY}, max_retries=0)
    c.messages.create(model=MODEL, max_tokens=20, messages=MSG, extra_headers={"x-fake-fault": "unknown-model"})


def test_fails_after_calls():
    c = anthropic.Anthropic(base_url=URL, api_key=KEY, max_retries=0)
    c.messages.create(model=MODEL, max_tokens=20, messages=MSG)
    assert 1 == 2, "a failing test's report carries the token budget section"
'''

# a module that hardcodes the key at a call site (what the linter reads; never run)
HARDCODED = f'''
import anthropic

client = anthropic.Anthropic(api_key="{KEY}")


def ask(question):
    return client.messages.create(model="claude-opus-4-1", max_tokens=64000,
                                  messages=[{{"role": "user", "content": question}}])
'''


@pytest.fixture
def server():
    from pytest_tokenbudget.testing.server import FakeLLMServer
    with FakeLLMServer() as s:
        s.stall_ms = 700
        yield s


def _grep(data: bytes) -> list[str]:
    return [m for m in MARKS if m.encode() in data]


@pytest.mark.slow
def test_the_key_appears_in_no_artefact(pytester, server, monkeypatch, capsys, tmp_path_factory):
    out = pytester.mkdir("artefacts")
    summary = out / "github-summary.md"
    monkeypatch.setenv("TB_SECRETS_OUT", str(out))
    monkeypatch.setenv("TB_CANARY_KEY", KEY)
    monkeypatch.setenv("TB_FAKE_URL", server.url)
    control = tmp_path_factory.mktemp("control")
    monkeypatch.setenv("TB_CONTROL", str(control))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    for name in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_AUTH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    pytester.makeconftest(CONFTEST)
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(test_keys=INNER)
    (pytester.path / "lib").mkdir()
    (pytester.path / "lib" / "hardcoded.py").write_text(HARDCODED)
    common = ("--token-budget", "--token-budget-top=0", "--token-budget-junit", "-rA", "-W", "always",
              "-p", "no:randomly", "-p", "no:hypothesispytest", "-p", "no:recording")

    distributed = run(pytester, *common, "-n", "2", f"--token-budget-json={out / 'report-xdist.json'}",
                      f"--junitxml={out / 'junit-xdist.xml'}", f"--token-budget-save={out / 'baseline.json'}")
    serial = run(pytester, *common, f"--token-budget-json={out / 'report-serial.json'}",
                 f"--junitxml={out / 'junit-serial.xml'}", f"--token-budget-compare={out / 'baseline.json'}",
                 "--token-budget-max-increase=1%")

    # the runs did what they should (so the artefacts hold something to leak)
    for result in (distributed, serial):
        result.assert_outcomes(passed=11, failed=2, errors=1)  # overrun, assert; unknown model
        text = result.stdout.str()
        assert "INTERNALERROR" not in text and "plugin error" not in text
        assert "refused before sending" in text and "unpriced" in text
    for name in ("report-xdist.json", "report-serial.json", "baseline.json", "junit-xdist.xml",
                 "junit-serial.xml", "ledger.sqlite3"):
        assert (out / name).stat().st_size > 0, name
    assert summary.read_text().count("## Token budget") == 2  # both runs appended
    calls = json.loads((out / "report-serial.json").read_text())["totals"]["live"]["calls"]
    assert calls >= 30
    assert list(out.glob("hook-calls-*.txt")) and list(out.glob("hook-exceeded-*.txt"))
    assert list(out.glob("exceptions-*.txt")) and list(out.glob("warnings-*.txt"))
    db = sqlite3.connect(out / "ledger.sqlite3")
    dump = "\n".join(db.iterdump())
    db.close()
    assert "claude-haiku-4-5" in dump and '"request_model"' in dump
    (out / "ledger-dump.sql").write_text(dump)

    # renderings of the reports
    from pytest_tokenbudget.cli import main
    for args in (["report", str(out / "report-xdist.json")],
                 ["report", str(out / "report-serial.json"), "--format", "markdown", "--top", "0"],
                 ["report", "--merge", str(out / "report-serial.json"), "--format", "json"],
                 ["report", str(out / "report-serial.json"), "--compare", str(out / "baseline.json")]):
        main(args)
    # the linter over the same project, with its cache (and a module that hardcodes the key)
    monkeypatch.chdir(pytester.path)
    cache = out / "lint-cache"
    for fmt in ("json", "sarif", "text"):
        main(["lint", "--cache-dir", str(cache), "--exit-zero", "--format", fmt, "--jobs", "1", str(pytester.path)])
    rendered = capsys.readouterr()
    assert "TB" in rendered.out and any(cache.rglob("*.json"))

    assert _grep((control / "control.txt").read_bytes()) == list(MARKS)  # the grep does find the key
    leaks = {}
    for label, text in (("xdist stdout", distributed.stdout.str()), ("xdist stderr", distributed.stderr.str()),
                        ("serial stdout", serial.stdout.str()), ("serial stderr", serial.stderr.str()),
                        ("tokenbudget report/lint stdout", rendered.out), ("... stderr", rendered.err)):
        found = _grep(text.encode())
        if found:
            leaks[label] = found
    grepped = 0
    for path in sorted(pytester.path.rglob("*")):
        if not path.is_file() or path.name == "hardcoded.py" or path.suffix == ".pyc":
            continue
        grepped += 1
        found = _grep(path.read_bytes())
        if found:
            leaks[str(path.relative_to(pytester.path))] = found
    assert grepped >= 20
    assert not leaks, leaks
