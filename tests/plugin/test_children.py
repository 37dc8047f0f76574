"""Child processes join the run: a Python child started from a test (subprocess, multiprocessing
spawn / fork / forkserver, ``os.fork``) records into the run's shared ledger, attributed to the
test that started it, and checks the session budget against the whole run's spend."""

from __future__ import annotations

import json
import sys
from decimal import Decimal

import pytest

from pytest_tokenbudget import price

ONE = price("claude-haiku-4-5", {"input_tokens": 17, "output_tokens": 7}).total_usd  # the fake's default usage

KIDS = '''
import sys
import anthropic
from pytest_tokenbudget import TokenBudgetExceeded

def call(url, n=1, max_tokens=20):
    """n calls; stops at the first refusal. Exit code 3 when one was refused."""
    c = anthropic.Anthropic(base_url=url, api_key="sk-test", max_retries=0)
    for _ in range(n):
        try:
            c.messages.create(model="claude-haiku-4-5", max_tokens=max_tokens,
                              messages=[{"role": "user", "content": "Say hi"}])
        except TokenBudgetExceeded:
            sys.exit(3)

if __name__ == "__main__":
    call(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1, int(sys.argv[3]) if len(sys.argv) > 3 else 20)
'''

TESTS = '''
import multiprocessing, os, subprocess, sys
from pathlib import Path
import pytest
import kids

HERE = str(Path(__file__).parent)

from pytest_tokenbudget import price
ONE = price("claude-haiku-4-5", {"input_tokens": 17, "output_tokens": 7}).total_usd

def test_subprocess(fake_llm_server, token_usage):
    subprocess.run([sys.executable, "kids.py", fake_llm_server.url], cwd=HERE, check=True)
    assert fake_llm_server.count("/v1/messages") == 1
    # the child's call is seen while the test runs, attributed to it
    [e] = token_usage.records
    assert (e.nodeid, e.phase, e.cost_usd) == ("test_kids.py::test_subprocess", "call", ONE)

@pytest.mark.parametrize("method", ["spawn", "fork", "forkserver"])
def test_multiprocessing(fake_llm_server, method, token_usage):
    p = multiprocessing.get_context(method).Process(target=kids.call, args=(fake_llm_server.url,))
    p.start()
    p.join(60)
    assert p.exitcode == 0
    assert fake_llm_server.count("/v1/messages") == 1
    assert token_usage.calls == 1 and token_usage.cost_usd == ONE

def test_os_fork(fake_llm_server):
    pid = os.fork()
    if pid == 0:
        try:
            kids.call(fake_llm_server.url)
        finally:
            os._exit(0)
    assert os.waitpid(pid, 0)[1] == 0
    assert fake_llm_server.count("/v1/messages") == 1

def test_no_child(fake_llm_server):
    subprocess.run([sys.executable, "-c", "pass"], check=True)
'''


def _report(pytester, tmp_path, *args, in_process=False):
    """The inner run is a subprocess where its tests fork (forking the outer pytest is not a child of
    the inner run); ``in_process`` where they only start subprocesses."""
    path = tmp_path / "r.json"
    runner = pytester.runpytest_inprocess if in_process else pytester.runpytest_subprocess
    result = runner("-p", "no:cacheprovider", "-p", "no:randomly", "--token-budget", f"--token-budget-json={path}",
                    *args)
    return result, json.loads(path.read_text())


@pytest.fixture
def kids(pytester):
    pytester.makepyfile(kids=KIDS)
    pytester.makeini("[pytest]\n")
    return pytester


# Inherently slow: a pytest subprocess whose tests start five Python children (two of them fresh
# interpreters through spawn and forkserver), each importing the SDK; under xdist, three more.
@pytest.mark.slow
@pytest.mark.parametrize("dist", [(), ("-n", "2")], ids=["serial", "xdist"])
@pytest.mark.skipif(sys.platform == "win32", reason="fork")
def test_every_kind_of_child_is_recorded_and_attributed(kids, tmp_path, dist):
    kids.makepyfile(test_kids=TESTS)
    result, report = _report(kids, tmp_path, *dist)
    assert result.ret == 0, result.stdout.str()
    tests = {t["nodeid"].split("::")[-1]: t for t in report["tests"]}
    started = ["test_subprocess", "test_multiprocessing[spawn]", "test_multiprocessing[fork]",
               "test_multiprocessing[forkserver]", "test_os_fork"]
    for name in started:
        calls = tests[name]["calls"]
        assert len(calls) == 1, (name, calls)
        assert Decimal(tests[name]["cost_usd"]) == ONE
    assert tests["test_no_child"]["calls"] == []
    assert report["totals"]["live"]["calls"] == 5
    assert Decimal(report["totals"]["live"]["cost_usd"]) == 5 * ONE
    result.stdout.fnmatch_lines(["live: 5 calls*"])


@pytest.mark.slow  # a pytest subprocess starting four Python children at once, each importing the SDK
def test_children_share_the_session_cap(kids, tmp_path):
    # each call really costs $0.00051 (10 in, 100 out), its worst case (max_tokens=100) ~$0.00056: a $0.002
    # cap fits 3 -- before, each child enforced against its own empty copy and all 12 calls went out
    kids.makepyfile(test_cap='''
        import subprocess, sys
        from pathlib import Path

        def test_four_children(fake_llm_server):
            fake_llm_server.set_usage(input=10, output=100)
            here = str(Path(__file__).parent)
            procs = [subprocess.Popen([sys.executable, "kids.py", fake_llm_server.url, "3", "100"], cwd=here)
                     for _ in range(4)]
            codes = [p.wait(60) for p in procs]
            assert sorted(set(codes)) in ([0, 3], [3])    # some were refused
            assert fake_llm_server.count("/v1/messages") <= 3
    ''')
    result, report = _report(kids, tmp_path, "--token-budget-session=0.002")
    cost = Decimal(report["totals"]["live"]["cost_usd"])
    each = price("claude-haiku-4-5", {"input_tokens": 10, "output_tokens": 100}).total_usd
    [test] = report["tests"]
    sent = [c for c in test["calls"] if not c["refused"]]
    refused = [c for c in test["calls"] if c["refused"]]
    assert cost == len(sent) * each and cost <= Decimal("0.002")
    assert len(sent) == 3 and len(refused) >= 1
    result.assert_outcomes(passed=1)


def test_children_can_be_left_out(kids, tmp_path):
    kids.makeini("[pytest]\ntoken_budget_children = false\n")
    kids.makepyfile(test_off='''
        import os, subprocess, sys
        from pathlib import Path

        def test_off(fake_llm_server):
            assert "PYTEST_TOKENBUDGET_CHILD" not in os.environ
            subprocess.run([sys.executable, "kids.py", fake_llm_server.url], cwd=str(Path(__file__).parent), check=True)
            assert fake_llm_server.count("/v1/messages") == 1
    ''')
    result, report = _report(kids, tmp_path, in_process=True)
    result.assert_outcomes(passed=1)
    assert report["totals"]["live"]["calls"] == 0  # not measured: the documented opt-out


def test_environment_is_exported_only_while_active(inner, monkeypatch):
    import os

    from conftest import run
    monkeypatch.setenv("PYTHONPATH", "/somewhere")
    monkeypatch.delenv("PYTEST_TOKENBUDGET_CHILD", raising=False)
    inner.makepyfile(test_env='''
        import json, os, subprocess, sys

        def test_env():
            paths = os.environ["PYTHONPATH"].split(os.pathsep)
            assert paths[0].endswith("_bootstrap") and paths[1:] == ["/somewhere"]
            cfg = json.loads(os.environ["PYTEST_TOKENBUDGET_CHILD"])
            assert "sk-" not in json.dumps(cfg)
            assert not os.path.exists(cfg["path"])  # a serial run makes the shared ledger for its first child
            subprocess.run([sys.executable, "-c", "pass"], check=True)
            assert os.path.exists(cfg["path"])
            assert json.loads(os.environ["PYTEST_TOKENBUDGET_CHILD_TEST"]) == ["test_env.py::test_env", "call"]
    ''')
    run(inner, "--token-budget").assert_outcomes(passed=1)
    assert os.environ["PYTHONPATH"] == "/somewhere"
    assert "PYTEST_TOKENBUDGET_CHILD" not in os.environ and "PYTEST_TOKENBUDGET_CHILD_TEST" not in os.environ


CAP_THEN_CHILD = '''
import json, multiprocessing, os, shutil, subprocess, sys
from pathlib import Path
import pytest
import kids

HERE = str(Path(__file__).parent)

def store():
    return json.loads(os.environ["PYTEST_TOKENBUDGET_CHILD"])["path"]

def test_parent_alone(fake_llm_server):
    fake_llm_server.set_usage(input=10, output=100)
    kids.call(fake_llm_server.url, 2, 100)
    if shutil.which("sh"):
        subprocess.run(["sh", "-c", "exit 0"], check=True)  # not a Python child: it does not join
    assert not os.path.exists(store())  # the session cap is checked in memory

@pytest.mark.parametrize("how", ["subprocess", "fork"])
def test_then_a_child(fake_llm_server, how):
    # the parent spent 2 of the 3 calls the cap fits (previous test and this one share the session)
    fake_llm_server.set_usage(input=10, output=100)
    if how == "subprocess":
        code = subprocess.run([sys.executable, "kids.py", fake_llm_server.url, "3", "100"], cwd=HERE).returncode
    else:
        p = multiprocessing.get_context("fork").Process(target=kids.call, args=(fake_llm_server.url, 3, 100))
        p.start()
        p.join(60)
        code = p.exitcode
    assert code == 3  # refused once the whole run's spend reached the cap
    assert os.path.exists(store())
'''


@pytest.mark.parametrize("how", ["subprocess", pytest.param("fork", marks=pytest.mark.skipif(
    sys.platform == "win32", reason="Windows has no fork"))])
def test_a_capped_serial_run_moves_its_session_into_the_shared_ledger_when_a_child_starts(kids, tmp_path, how):
    # $0.002 fits 3 calls of $0.00051 (worst case ~$0.00056): the parent makes 2 in memory, then a
    # child may make only 1 -- the parent's spend moved into the shared ledger before the child's first call
    kids.makepyfile(test_cap=CAP_THEN_CHILD)
    result, report = _report(kids, tmp_path, "--token-budget-session=0.002", "-k", f"alone or {how}")
    result.assert_outcomes(passed=2)
    each = price("claude-haiku-4-5", {"input_tokens": 10, "output_tokens": 100}).total_usd
    calls = [c for t in report["tests"] for c in t["calls"]]
    sent = [c for c in calls if not c["refused"]]
    assert len(sent) == 3 and sum(1 for c in calls if c["refused"]) == 1
    assert Decimal(report["totals"]["live"]["cost_usd"]) == 3 * each <= Decimal("0.002")
