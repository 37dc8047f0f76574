"""Under pytest-xdist the controller reports the same figures as a serial run (per-test entries
travel on the teardown reports as plain values)."""

from __future__ import annotations

import re

import pytest
from conftest import run


@pytest.mark.slow
def test_xdist_totals_equal_serial(inner):
    inner.makepyfile(test_x='''
        import pytest
        from conftest import MSG

        @pytest.mark.parametrize("n", range(4))
        def test_calls(claude, fake_llm_server, n):
            fake_llm_server.set_usage(input=100 * (n + 1), output=10 * (n + 1), cache_read=50)
            for _ in range(n + 1):
                claude.messages.create(model="claude-haiku-4-5", max_tokens=50, messages=MSG)

        @pytest.mark.token_budget(calls=0)
        def test_refused(claude):
            claude.messages.create(model="claude-haiku-4-5", max_tokens=50, messages=MSG)
    ''')
    # workers are fresh processes: spare them the plugins these tests do not use
    lean = ("-p", "no:hypothesispytest", "-p", "no:recording", "-p", "no:anyio", "-p", "no:asyncio")
    serial = run(inner, "--token-budget", *lean)
    parallel = run(inner, "--token-budget", "-n", "2", *lean)
    serial.assert_outcomes(passed=4, failed=1)
    parallel.assert_outcomes(passed=4, failed=1)
    assert serial.ret == parallel.ret == 1

    def figures(result):
        out = result.stdout.str()
        return (re.search(r"^live: .*$", out, re.M).group(0), re.search(r"^refused before sending: .*$", out, re.M).group(0),
                re.findall(r"^ +\$\S+ +\d+ calls? .*test_x.py::\S+.*$", out, re.M))

    assert figures(serial) == figures(parallel)
    assert "cost $0.00455" in figures(serial)[0]
