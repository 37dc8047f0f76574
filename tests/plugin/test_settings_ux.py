"""Settings UX (issue 17): one documented rule for marker precedence (closest level wins; at one
level the marker applied last wins: the top of stacked decorators, the last entry of a
``pytestmark`` list), a bad true/false ini value names the setting and the allowed values, and
``--help`` says which models are priced."""

from __future__ import annotations

import json

import pytest
from conftest import run

MARKERS = '''
import pytest

pytestmark = [pytest.mark.token_budget(usd=1, calls=5), pytest.mark.token_budget(usd=2)]

def test_module():
    pass

@pytest.mark.token_budget(usd=3)
@pytest.mark.token_budget(usd=4, input_tokens=10)
def test_stacked():
    pass

@pytest.mark.token_budget(usd=7)
class TestClass:
    pytestmark = [pytest.mark.token_budget(usd=5, output_tokens=9), pytest.mark.token_budget(usd=6)]

    def test_in_class(self):
        pass

    @pytest.mark.token_budget(calls=None)
    def test_lifted(self):
        pass

def test_added():  # the conftest adds a marker at collection
    pass
'''


def test_marker_precedence_is_one_rule(inner):
    inner.makeconftest("""
import pytest

def pytest_collection_modifyitems(items):
    for item in items:
        if item.name == "test_added":
            item.add_marker(pytest.mark.token_budget(usd=8))
""")
    inner.makepyfile(test_marks=MARKERS)
    result = run(inner, "--token-budget", "--token-budget-json=out.json", "-q")
    result.assert_outcomes(passed=5)
    budgets = {t["nodeid"].split("::")[-1]: {k: v for k, v in t["budget"].items() if v is not None}
               for t in json.loads((inner.path / "out.json").read_text())["tests"]}
    assert budgets == {
        "test_module": {"usd": "2", "calls": 5},  # the last pytestmark entry
        "test_stacked": {"usd": "3", "input_tokens": 10, "calls": 5},  # the top decorator; the rest inherited
        "test_in_class": {"usd": "7", "output_tokens": 9, "calls": 5},  # a class decorator is applied last
        "test_lifted": {"usd": "7", "output_tokens": 9},  # calls=None lifts the module's limit
        "test_added": {"usd": "8", "calls": 5},  # add_marker is applied last of all
    }


@pytest.mark.parametrize("key", ["token_budget_preflight", "token_budget_count_replayed"])
def test_bad_boolean_setting_names_itself_and_the_allowed_values(inner, key):
    inner.makeini(f"[pytest]\n{key} = maybe\n")
    inner.makepyfile(test_x="def test_x():\n    pass\n")
    result = run(inner, "--token-budget")
    err = result.stderr.str()
    assert result.ret == pytest.ExitCode.USAGE_ERROR, err
    assert f"ini {key} = 'maybe': expected true or false" in err
    assert "Traceback" not in err


def test_help_says_which_models_are_priced(inner):
    out = " ".join(run(inner, "--help").stdout.str().split())
    assert "Claude models are priced from the bundled catalog; OpenAI models are counted (calls, tokens) " \
           "but unpriced unless added to [tool.tokenbudget.models]" in out
