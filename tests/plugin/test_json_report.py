"""``--token-budget-json``: the report validates against the shipped schema, carries the run's
figures (live apart from mocked, refused calls, unknown usage, budgets, outcomes), and is the same
with and without pytest-xdist (written once, by the controller)."""

from __future__ import annotations

import json
from decimal import Decimal
from importlib import resources

import jsonschema
import pytest
from conftest import run

# A small suite with one of each: priced calls on two models, a refusal, a mocked call, a stream
# without usage, an over-budget test, a skip, an xfail.
SUITE = '''
import anthropic, httpx2, pytest
from conftest import MSG

BODY = {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-haiku-4-5",
        "content": [{"type": "text", "text": "hi"}], "stop_reason": "end_turn", "stop_sequence": None,
        "usage": {"input_tokens": 1000, "output_tokens": 100}}

@pytest.mark.parametrize("n", [1, 2])
def test_calls(claude, fake_llm_server, n):
    fake_llm_server.set_usage(input=1000 * n, output=100, cache_read=500)
    for _ in range(n):
        claude.messages.create(model="claude-haiku-4-5", max_tokens=200, messages=MSG)

def test_sonnet(claude, fake_llm_server):
    fake_llm_server.set_usage(input=2000, output=300)
    claude.messages.create(model="claude-sonnet-4-6", max_tokens=400, messages=MSG)

@pytest.mark.token_budget(calls=0)
def test_refused(claude):
    claude.messages.create(model="claude-haiku-4-5", max_tokens=50, messages=MSG)

@pytest.mark.token_budget(usd=0.01)
def test_over(claude, fake_llm_server):
    fake_llm_server.set_usage(input=2300, output=2000)
    claude.messages.create(model="claude-haiku-4-5", max_tokens=1000, messages=MSG)

def test_mocked():
    client = anthropic.Anthropic(api_key="x", http_client=httpx2.Client(
        transport=httpx2.MockTransport(lambda request: httpx2.Response(200, json=BODY))))
    client.messages.create(model="claude-haiku-4-5", max_tokens=200, messages=MSG)

def test_stream_without_usage(oai):
    for _ in oai.chat.completions.create(model="claude-haiku-4-5", max_tokens=20, messages=MSG, stream=True):
        pass

def test_no_calls():
    pass

@pytest.mark.skip(reason="not today")
def test_skipped():
    pass

@pytest.mark.xfail(strict=True)
def test_xfail():
    assert False
'''

LEAN = ("-p", "no:hypothesispytest", "-p", "no:recording", "-p", "no:anyio", "-p", "no:asyncio")


@pytest.fixture(scope="module")
def schema():
    return json.loads(resources.files("pytest_tokenbudget.report").joinpath("schema.json").read_text("utf-8"))


def _run_suite(inner, path, *extra):
    inner.makepyfile(test_suite=SUITE)
    result = run(inner, "--token-budget", f"--token-budget-json={path}", *LEAN, *extra)
    result.assert_outcomes(passed=6, failed=2, skipped=1, xfailed=1)
    return result, json.loads(path.read_text("utf-8"))


def test_json_report_validates_and_carries_the_run(inner, tmp_path, schema):
    result, report = _run_suite(inner, tmp_path / "out" / "tb.json")
    jsonschema.validate(report, schema, cls=jsonschema.Draft202012Validator)
    assert (report["schema"], report["version"]) == ("pytest-tokenbudget/report", 1)
    run_ = report["run"]
    assert run_["tool_version"] and run_["catalog_checked"] and run_["created"].endswith("Z")
    assert run_["exit_status"] == 1
    assert run_["complete"] is False  # the OpenAI stream carried no usage
    assert any("returned no usable usage" in r for r in run_["incomplete_reasons"])
    assert f"JSON report written to {tmp_path / 'out' / 'tb.json'}" in result.stdout.str()

    tests = {t["nodeid"]: t for t in report["tests"]}
    assert list(tests) == sorted(tests)
    outcomes = {n.split("::")[1]: t["outcome"] for n, t in tests.items()}
    assert outcomes == {"test_calls[1]": "passed", "test_calls[2]": "passed", "test_sonnet": "passed",
                        "test_refused": "failed", "test_over": "failed", "test_mocked": "passed",
                        "test_stream_without_usage": "passed", "test_no_calls": "passed",
                        "test_skipped": "skipped", "test_xfail": "xfailed"}

    over = tests["test_suite.py::test_over"]
    assert over["over_budget"] is True and over["budget"]["usd"] == "0.01"
    assert over["overruns"] == ["spent $0.0123 of a $0.01 budget (+$0.0023, 23% over)"]
    assert over["cost_usd"] == "0.0123"
    call = over["calls"][0]
    assert call["usage"]["input_tokens"] == 2300 and call["usage"]["output_tokens"] == 2000
    assert call["cost"]["model"] == "claude-haiku-4-5" and call["cost_usd"] == "0.0123"
    assert call["phase"] == "call" and call["live"] is True and call["max_tokens"] == 1000

    two = tests["test_suite.py::test_calls[2]"]
    assert two["live"]["calls"] == 2 and two["live"]["cache_read_tokens"] == 1000
    assert not two["over_budget"] and two["budget"] == {"usd": None, "input_tokens": None, "output_tokens": None,
                                                        "total_tokens": None, "calls": None}

    refused = tests["test_suite.py::test_refused"]
    assert refused["live"]["refused"] == 1 and refused["live"]["calls"] == 0 and not refused["over_budget"]
    assert report["refused"][0]["nodeid"] == "test_suite.py::test_refused"
    assert report["refused"][0]["refused_by"] == "test" and "refused before sending" in report["refused"][0]["message"]

    mocked = tests["test_suite.py::test_mocked"]
    assert mocked["live"]["calls"] == 0 and mocked["replayed"]["calls"] == 1
    assert mocked["replayed"]["cost_usd"] == mocked["cost_usd"] == "0.0015"  # 1000 x $1 + 100 x $5 per MTok

    stream = tests["test_suite.py::test_stream_without_usage"]
    assert stream["complete"] is False and stream["calls"][0]["usage"] is None
    assert "usage unknown" in stream["calls"][0]["flags"]
    # budgets were charged the worst case of the unknown stream, not zero
    assert Decimal(stream["charged"]["usd"]) > 0

    totals = report["totals"]
    live_sum = sum(Decimal(t["live"]["cost_usd"]) for t in report["tests"])
    assert Decimal(totals["live"]["cost_usd"]) == live_sum
    assert totals["replayed"]["calls"] == 1 and totals["refused"] == 1
    models = {m["model"]: m for m in report["models"]}
    assert set(models) == {"claude-haiku-4-5", "claude-sonnet-4-6"}
    assert models["claude-haiku-4-5"]["replayed"]["calls"] == 1
    assert report["models"][0]["model"] in models  # most expensive first
    assert sum(Decimal(m["live"]["cost_usd"]) for m in report["models"]) == Decimal(totals["live"]["cost_usd"])
    b = report["budgets"]
    assert b["per_test"] == {"usd": None, "source": ""} and b["preflight"] is True and b["unknown_model"] == "error"
    # no Decimal or float money anywhere: every *_usd is a string or null
    def walk(x, key=""):
        if isinstance(x, dict):
            for k, v in x.items():
                walk(v, k)
        elif isinstance(x, list):
            for v in x:
                walk(v, key)
        elif key.endswith("usd") or key == "usd":
            assert x is None or isinstance(x, str), (key, x)
    walk(report)
    assert "sk-test" not in json.dumps(report)  # the API key never reaches a report


@pytest.mark.slow
def test_json_report_same_under_xdist(inner, tmp_path, schema):
    _, serial = _run_suite(inner, tmp_path / "serial.json")
    _, parallel = _run_suite(inner, tmp_path / "parallel.json", "-n", "2", f"--token-budget-save={tmp_path / 'b.json'}")
    jsonschema.validate(parallel, schema, cls=jsonschema.Draft202012Validator)
    # the baseline is written once, by the controller, with every test's cost
    from pytest_tokenbudget.report.baseline import baseline_from_report, load_baseline
    from pytest_tokenbudget.report.model import Report
    assert load_baseline(tmp_path / "b.json").tests == baseline_from_report(Report.from_json(serial)).tests

    def stable(report):
        def call(c):
            return {k: v for k, v in c.items() if k not in ("seq", "duration_s")}
        tests = [{**t, "calls": [call(c) for c in t["calls"]]} for t in report["tests"]]
        return {"totals": report["totals"], "models": report["models"], "tests": tests,
                "budgets": report["budgets"], "complete": report["run"]["complete"],
                "exit": report["run"]["exit_status"]}

    assert stable(serial) == stable(parallel)


def test_json_report_option_alone_turns_measuring_on(inner, tmp_path, schema):
    inner.makepyfile(test_one='''
        from conftest import MSG
        def test_one(claude):
            claude.messages.create(model="claude-haiku-4-5", max_tokens=50, messages=MSG)
    ''')
    path = tmp_path / "r.json"
    run(inner, f"--token-budget-json={path}", "--token-budget-per-test=0.5", *LEAN).assert_outcomes(passed=1)
    report = json.loads(path.read_text())
    jsonschema.validate(report, schema, cls=jsonschema.Draft202012Validator)
    assert report["totals"]["live"]["cost_usd"] == "0.000052" and report["run"]["complete"] is True
    assert report["budgets"]["per_test"] == {"usd": "0.5", "source": "--token-budget-per-test"}
    assert report["tests"][0]["budget"]["usd"] == "0.5"

    path2 = tmp_path / "r2.json"
    run(inner, f"--token-budget-json={path2}", *LEAN).assert_outcomes(passed=1)  # no --token-budget needed
    assert json.loads(path2.read_text())["totals"]["live"]["calls"] == 1


def test_json_report_that_cannot_be_written_fails_the_run(inner, tmp_path):
    inner.makepyfile(test_one="def test_one():\n    pass\n")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run(inner, "--token-budget", f"--token-budget-json={blocker}/sub/r.json", *LEAN)
    result.assert_outcomes(passed=1)
    assert result.ret == 1
    assert "JSON report NOT written to" in result.stdout.str()


@pytest.mark.slow
def test_shards_merge_to_the_whole_run(inner, tmp_path, capsys):
    """Two CI shards (-k halves of the suite), merged by `tokenbudget report --merge`, equal one full run."""
    from pytest_tokenbudget.cli import main

    inner.makepyfile(test_suite=SUITE)
    paths = {}
    for name, k in (("full", None), ("s1", "calls or sonnet or refused"), ("s2", "not (calls or sonnet or refused)")):
        paths[name] = tmp_path / f"{name}.json"
        run(inner, "--token-budget", f"--token-budget-json={paths[name]}", *LEAN, *(("-k", k) if k else ()))
    merged_path = tmp_path / "merged.json"
    assert main(["report", "--merge", str(paths["s1"]), str(paths["s2"]), "--format", "json",
                 "-o", str(merged_path)]) == 0
    full, merged = (json.loads(p.read_text()) for p in (paths["full"], merged_path))

    def stable(report):
        return {"totals": report["totals"], "models": report["models"],
                "tests": [{k: v for k, v in t.items() if k != "calls"} for t in report["tests"]]}

    assert stable(merged) == stable(full)
    assert merged["run"]["complete"] is False and merged["run"]["incomplete_reasons"][0].startswith(str(paths["s2"]))
    # the session budget over the merged total sets the exit code
    live = Decimal(full["totals"]["charged"]["usd"])
    assert main(["report", "--merge", str(paths["s1"]), str(paths["s2"]), "--session-budget", str(live)]) == 0
    assert main(["report", "--merge", str(paths["s1"]), str(paths["s2"]), "--session-budget",
                 str(live - Decimal("0.0001"))]) == 1
    assert "session budget exceeded" in capsys.readouterr().out


def test_json_report_notes_a_run_that_stopped_early(inner, tmp_path):
    inner.makepyfile(test_x="def test_a():\n    assert False\n\ndef test_b():\n    pass\n")
    path = tmp_path / "r.json"
    run(inner, "--token-budget", f"--token-budget-json={path}", "-x", *LEAN).assert_outcomes(failed=1)
    report = json.loads(path.read_text())
    assert report["run"]["notes"] == ["the run stopped early (stopping after 1 failures): not every test ran"]
    assert [t["nodeid"] for t in report["tests"]] == ["test_x.py::test_a"]


def test_terminal_section_and_tokenbudget_report_show_the_same_lines(inner, tmp_path, capsys):
    """One rendering path: pytest's ``token budget`` section and ``tokenbudget report run.json`` print
    the same lines for the same run (the command adds a title line; pytest adds the files written)."""
    from pytest_tokenbudget.cli import main

    path = tmp_path / "run.json"
    result, _ = _run_suite(inner, path, "--token-budget-top=3")
    out = result.stdout.lines
    start = next(i for i, line in enumerate(out) if line.strip("= ") == "token budget") + 1
    end = out.index(f"JSON report written to {path}")
    section = out[start:end]
    capsys.readouterr()  # the inner run's own output
    assert main(["report", str(path), "--top", "3"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("token budget report, ")
    assert printed[1:] == section
    for expected in ("live: 6 calls", "refused before sending: 1 call", "usage unknown: 1 call",
                     "mocked/replayed (not live", "3 most expensive tests:", "over budget: 1 test"):
        assert any(line.startswith(expected) for line in section), (expected, section)
