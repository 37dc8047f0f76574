"""Property tests: the extractor and rules never crash, and unknown stays unknown."""

from __future__ import annotations

import hypothesmith
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pytest_tokenbudget.lint.api import lint_source

HEAD = "import anthropic, datetime\nclient = anthropic.Anthropic()\nK = 'const'\n"

atoms = st.sampled_from(["'text'", "K", "unknown_name", "42", "64_000", "datetime.datetime.now()", "f'{K}{x}'",
                         "'a' 'b'", "None", "[]", "{}", "x", "'{}'.format(x)", "K * 3", "-1", "True"])
exprs = st.recursive(atoms, lambda inner: st.one_of(
    st.tuples(inner, inner).map(lambda t: f"{t[0]} + {t[1]}"),
    st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
    st.lists(st.tuples(st.sampled_from(["'type'", "'text'", "'cache_control'", "'role'", "'content'", "K"]), inner),
             max_size=3).map(lambda kv: "{" + ", ".join(f"{k}: {v}" for k, v in kv) + "}"),
    inner.map(lambda e: f"{{**{e}}}"),
), max_leaves=6)
KEYS = ["model", "max_tokens", "system", "messages", "tools", "stop_sequences", "cache_control", "stream",
        "thinking", "timeout", "tool_choice"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(KEYS), exprs, max_size=6), st.booleans(), st.booleans())
@example({"model": "'text'", "messages": "[{'role': []}]"}, False, False)  # an unhashable role (found by this test)
def test_any_argument_shape_lints_without_internal_errors(args, in_function, splat):
    parts = [f"{k}={v}" for k, v in args.items()] + (["**kw"] if splat else [])
    call = "client.messages.create(" + ", ".join(parts) + ")"
    src = HEAD + (f"def f(x, kw):\n    {call}\n" if in_function else f"x = kw = None\n{call}\n")
    findings = lint_source(src)
    assert not [f for f in findings if "internal error" in f.message or f.code == "E999"]
    if splat:  # **kw is unresolved: no "missing" finding can be raised
        assert not [f for f in findings if f.code == "TB201"]


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(hypothesmith.from_grammar())
def test_arbitrary_modules_with_a_call_do_not_crash(source):
    src = source + "\nimport anthropic\nanthropic.Anthropic().messages.create(model='claude-sonnet-4-5', messages=[])\n"
    findings = lint_source(src)
    assert not [f for f in findings if "internal error" in f.message]
