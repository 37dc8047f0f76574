"""Call-site extraction and argument resolution (the CallSite API other tools build on)."""

from __future__ import annotations

import textwrap
import warnings

import libcst as cst
import pytest

from pytest_tokenbudget.lint.analysis.callsites import extract_call_sites
from pytest_tokenbudget.lint.analysis.values import UNKNOWN, OpenDict, Text, Unknown


def sites(src: str):
    return extract_call_sites(cst.parse_module(textwrap.dedent(src)))


def one(src: str):
    found = sites(src)
    assert len(found) == 1, found
    return found[0]


HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"


@pytest.mark.parametrize(("expr", "expected"), [
    ('"a" "b"', "ab"),
    ("64_000", 64000),
    ("4 * 1024", 4096),
    ("CONST", "constant text"),
    ("CONST + ' more'", "constant text more"),
    ("textwrap.dedent('\\n    x\\n      y\\n')", "\nx\n  y\n"),
    ("'{} and {name}'.format('a', name='b')", "a and b"),
    ("' '.join(['a', CONST])", "a constant text"),
    ("PROMPTS['short']", "Be brief."),
    ("dict(a=1)['a']", 1),
    ("load_prompt()", UNKNOWN),
    ("f'{CONST}!'", "constant text!"),
    ("'%s!' % CONST", "constant text!"),
    ("str(4)", "4"),
    ("json.dumps(PROMPTS)", '{"short": "Be brief."}'),  # json.dumps formats as its keywords ask
    ("json.dumps(PROMPTS, indent=2, default=str)", '{\n  "short": "Be brief."\n}'),
    ("json.dumps(PROMPTS, cls=Encoder)", UNKNOWN),  # (an encoder the linter does not run)
])
def test_resolution_of_system_values(expr, expected):
    src = HEAD + textwrap.dedent(f"""\
        import json
        import textwrap
        CONST = "constant text"
        PROMPTS = {{"short": "Be brief."}}
        client.messages.create(model="claude-sonnet-4-5", max_tokens=1, messages=[], system={expr})
    """)
    value = one(src).get("system")
    if expected is UNKNOWN:
        assert isinstance(value, Unknown)
    else:
        assert value == expected


def test_fstring_keeps_static_parts_and_marks_volatile_holes():
    s = one(HEAD + textwrap.dedent("""\
        import datetime
        def f(user):
            client.messages.create(model="m", max_tokens=1, messages=[],
                                   system=f"Hello {user}, it is {datetime.datetime.now():%H:%M}.")
    """))
    v = s.get("system")
    assert isinstance(v, Text) and v.static == "Hello , it is ."
    assert [h.volatile for h in v.holes] == [None, "datetime.datetime.now()"]


@pytest.mark.parametrize(("literal", "static"), [
    (r'f"Rules:\n\n{user}"', "Rules:\n\n"),  # escapes decoded, as Python does
    (r'rf"Rules:\n{user}"', "Rules:\\n"),  # ... but not in a raw f-string
    (r'f"\N{BULLET}\t{{x}}\x41\101\u00e9 {user}"', "\u2022\t{x}AA\u00e9 "),
    (r'f"keep \d {user}\\n"', "keep \\d \\n"),  # unknown escape keeps its backslash; \\ is one
    (r"f'it\'s {user}'", "it's "),
])
def test_fstring_static_parts_are_evaluated_like_python(literal, static):
    s = one(HEAD + f"def f(user):\n    client.messages.create(model='m', max_tokens=1, messages=[], system={literal})\n")
    v = s.get("system")
    assert isinstance(v, Text) and v.static == static
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the invalid escape \d warns
        assert v.static == eval(literal, {"user": ""})  # noqa: S307 - the literal is the test's own


def test_locals_params_defaults_and_reassignment():
    s = one(HEAD + textwrap.dedent("""\
        def f(q, max_tokens=300, model="claude-haiku-4-5"):
            sys_prompt = "local"
            if q:
                temp = 1
            else:
                temp = 2
            client.messages.create(model=model, max_tokens=max_tokens, system=sys_prompt, temperature=temp,
                                   messages=[{"role": "user", "content": q}])
    """))
    assert s.model == "claude-haiku-4-5" and s.max_tokens == 300 and s.get("system") == "local"
    assert isinstance(s.get("temperature"), Unknown)
    assert isinstance(s.args["messages"][0]["content"], Unknown)


def test_kwargs_dicts_known_and_open():
    s = one(HEAD + textwrap.dedent("""\
        BASE = {"model": "claude-sonnet-4-5", "max_tokens": 100}
        def f(**extra):
            client.messages.create(**BASE, messages=[], **extra)
    """))
    assert s.max_tokens == 100 and s.open_kwargs
    assert s.may_have("stop_sequences") and not s.has("stop_sequences")
    assert isinstance(s.get("stop_sequences"), Unknown)
    s2 = one(HEAD + "client.messages.create(**{'model': 'm', 'max_tokens': 5}, messages=[])\n")
    assert not s2.open_kwargs and s2.get("stop_sequences", None) is None


def test_mutated_list_keeps_its_known_prefix():
    s = one(HEAD + textwrap.dedent("""\
        def chat(q):
            history = [{"role": "user", "content": "first"}]
            history.append({"role": "user", "content": q})
            return client.messages.create(model="m", max_tokens=5, messages=history)
    """))
    msgs = s.get("messages")
    assert msgs[0] == {"role": "user", "content": "first"} and isinstance(msgs[-1], Unknown)


def test_request_dict_set_by_key_is_read_with_its_keys():
    s = one(HEAD + textwrap.dedent("""\
        def f(tools=None):
            params = {"model": "m", "messages": []}
            params["max_tokens"] = 5
            if tools:
                params["system"] = "Use the tools."
            return client.messages.create(**params)
    """))
    assert not s.open_kwargs and s.max_tokens == 5 and s.get("system") == "Use the tools."


@pytest.mark.parametrize("mutation", ['params[key] = 5', 'params.update(extra)', 'params.pop("model")'])
def test_request_dict_mutated_otherwise_is_unknown(mutation):
    s = one(HEAD + textwrap.dedent(f"""\
        def f(key, extra):
            params = {{"model": "m", "messages": []}}
            {mutation}
            return client.messages.create(**params)
    """))
    assert s.open_kwargs and s.max_tokens is None


@pytest.mark.parametrize(("src", "api", "kind", "is_async", "streaming", "variant"), [
    (HEAD + "client.messages.create(model='m', max_tokens=1, messages=[])",
     "messages.create", "create", False, False, "Anthropic"),
    (HEAD + "client.messages.create(model='m', max_tokens=1, messages=[], stream=True)",
     "messages.create", "create", False, True, "Anthropic"),
    (HEAD + "client.beta.messages.stream(model='m', max_tokens=1, messages=[])",
     "beta.messages.stream", "stream", False, True, "Anthropic"),
    (HEAD + "client.messages.count_tokens(model='m', messages=[])",
     "messages.count_tokens", "count_tokens", False, False, "Anthropic"),
    ("from anthropic import AsyncAnthropicBedrock\nc = AsyncAnthropicBedrock()\n"
     "async def f():\n    await c.messages.create(model='m', max_tokens=1, messages=[])",
     "messages.create", "create", True, False, "AsyncAnthropicBedrock"),
    (HEAD + "client.with_options(timeout=5).messages.with_raw_response.create(model='m', max_tokens=1, messages=[])",
     "messages.create", "create", False, False, "Anthropic"),
    ("import openai\no = openai.AsyncOpenAI()\no.chat.completions.create(model='claude-sonnet-4-5', messages=[])",
     "chat.completions.create", "create", True, False, "AsyncOpenAI"),
])
def test_api_kind_async_streaming_client(src, api, kind, is_async, streaming, variant):
    s = one(src)
    assert (s.api, s.kind, s.is_async, s.streaming, s.client.variant, s.client.traced) == \
        (api, kind, is_async, streaming, variant, True)


def test_with_options_timeout_is_seen():
    s = one(HEAD + "client.with_options(timeout=5).messages.create(model='m', max_tokens=1, messages=[])")
    assert s.client.has_timeout


@pytest.mark.parametrize("src", [
    "from twilio.rest import Client\nc = Client()\nc.messages.create(body='x', to='y')",
    "import openai\nc = openai.OpenAI()\nc.beta.threads.messages.create(thread_id='t', role='user', content='x')",
    "import openai\nc = openai.OpenAI()\nc.beta.threads.messages.create(thread_id='t', model='claude-x', messages=[])",
    "import openai\nc = openai.OpenAI()\nc.chat.completions.create(model='gpt-4o', messages=[])",
    "import openai\nc = openai.OpenAI()\ndef f(m):\n    c.chat.completions.create(model=m, messages=[])",
    "import anthropic\nc = anthropic.Anthropic()\nc.chat.completions.create(model='claude-sonnet-4-5', messages=[])",
    "def f(client):\n    client.messages.create(model='gpt-4o', messages=[])",
    "def f(client, **kw):\n    client.messages.create(**kw)",
    "import anthropic\nanthropic.messages.create(model='claude-x', max_tokens=1, messages=[])",
])
def test_not_claude_calls(src):
    assert sites(src) == []


def test_untraced_receiver_needs_anthropic_shape_and_annotation_traces():
    s = one("def f(client, q):\n    client.messages.create(model='claude-x', max_tokens=5, messages=[])")
    assert not s.client.traced and s.client.has_timeout
    s = one("import anthropic\ndef f(client: anthropic.AsyncAnthropic):\n"
            "    client.messages.create(model='x', messages=[])")
    assert s.client.traced and s.client.variant == "AsyncAnthropic" and s.is_async


def test_self_client_and_aliases():
    found = sites(textwrap.dedent("""\
        from anthropic import Anthropic
        class Bot:
            def __init__(self):
                self.client = Anthropic()
            def ask(self, q):
                return self.client.messages.create(model="m", max_tokens=1, messages=[])
        messages = Anthropic().messages
        messages.create(model="m", max_tokens=2, messages=[])
        create = Anthropic().beta.messages.create
        create(model="m", max_tokens=3, messages=[])
    """))
    assert [(s.api, s.max_tokens, s.context.function, s.context.class_name) for s in found] == [
        ("messages.create", 1, "Bot.ask", "Bot"), ("messages.create", 2, None, None),
        ("beta.messages.create", 3, None, None)]


def test_batches_one_site_per_params_and_templates():
    found = sites(HEAD + textwrap.dedent("""\
        P = {"model": "claude-haiku-4-5", "max_tokens": 10, "messages": []}
        client.messages.batches.create(requests=[
            {"custom_id": "a", "params": P},
            {"custom_id": "b", "params": {**P, "max_tokens": 20}},
        ])
        def many(items):
            reqs = [{"custom_id": str(i), "params": {"model": "m", "max_tokens": i, "messages": []}} for i in items]
            return client.messages.batches.create(requests=reqs)
    """))
    assert [(s.kind, s.batch, s.batch_index, s.batch_template, s.max_tokens, s.streaming) for s in found] == [
        ("batch", True, 0, False, 10, False), ("batch", True, 1, False, 20, False),
        ("batch", True, 0, True, None, False)]
    assert isinstance(found[2].get("max_tokens"), Unknown)  # the comprehension variable


def test_loops_and_feed_back():
    found = sites(HEAD + textwrap.dedent("""\
        def classify(items):
            for item in items:
                client.messages.create(model="m", max_tokens=5, messages=[{"role": "user", "content": item}])
        def agent(task):
            history = [{"role": "user", "content": task}]
            while True:
                resp = client.messages.create(model="m", max_tokens=5, messages=history)
                history.append({"role": "assistant", "content": resp.content})
        def chain(steps):
            prompt = "start"
            for step in steps:
                resp = client.messages.create(model="m", max_tokens=5, messages=[{"role": "user", "content": prompt}])
                prompt = resp.content[0].text
        def comp(xs):
            return [client.messages.create(model="m", max_tokens=5, messages=[]) for x in xs]
        client.messages.create(model="m", max_tokens=5, messages=[])
    """))
    loops = [[(lp.kind, lp.feeds_back) for lp in s.context.loops] for s in found]
    assert loops == [[("for", False)], [("while", True)], [("for", True)], [("comprehension", False)], []]
    assert [s.context.repeated for s in found] == [True, True, True, True, False]


def test_positions_are_lazy_and_one_based():
    from pytest_tokenbudget.lint.source import Positions

    module = cst.parse_module(HEAD + "x = 1\nclient.messages.create(model='m', max_tokens=5, messages=[])\n")
    pos = Positions(module)
    s = extract_call_sites(module, ranges=pos)[0]
    assert not pos.computed  # nothing computed until asked
    r = s.range()
    assert (r.line, r.column) == (4, 1) and s.range(s.arg_nodes["max_tokens"]).column == 46


def test_open_dict_value():
    s = one(HEAD + "def f(extra):\n    client.messages.create(model='m', max_tokens=1, messages=[], "
            "metadata={'a': 1, **extra})")
    assert isinstance(s.get("metadata"), OpenDict) and s.get("metadata")["a"] == 1


def test_call_in_an_assigned_comprehension_is_not_an_agent_loop():
    """Found by tests/lint/test_fuzz.py: `r = [create(...) for q in qs]` raised AttributeError
    (a comprehension has no body to look for feedback in; its result exists only at the end)."""
    s = one(HEAD + "qs = []\nr = [client.messages.create(model='m', max_tokens=1, messages=[q]) for q in qs if q]\n")
    assert [(loop.kind, loop.feeds_back) for loop in s.context.loops] == [("comprehension", False)]
