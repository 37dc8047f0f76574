"""TB301-303 (model choice), TB401 (batching), TB501-503 (structure): the edge cases that decide
precision, the realistic case files in tests/lint/cases/ whose trailing ``# TBnnn`` comments are
the expected findings, and the rule docs. (Every rule's own examples run in test_rule_examples.py.)
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from pytest_tokenbudget.core.catalog import shipped_catalog
from pytest_tokenbudget.lint.docs import rule_table_markdown, rule_text, rules_listing
from pytest_tokenbudget.lint.api import OPTION_DEFAULTS, LintSettings, lint_source
from pytest_tokenbudget.lint.rules.registry import registry
from pytest_tokenbudget.lint.rules.model import cheaper_alternative, successor

FAMILIES = ("TB3", "TB4", "TB5")
CASES = Path(__file__).parent / "cases"
CASE_FILES = ("model_choice.py", "batching_loops.py", "structured_output.py", "reassigned_names.py")
EXPECT = re.compile(r"#\s*(TB\d{3}(?:\s+TB\d{3})*)\s*$")


def _settings(options=None):
    return LintSettings(root=Path.cwd(), options={**OPTION_DEFAULTS, **(options or {})}, cache=False)


def lint(code: str, select, **options):
    src = textwrap.dedent(code).lstrip("\n")
    return lint_source(src, settings=_settings(options), select=list(select) if not isinstance(select, str)
                       else [select])


# ------------------------------------------------------------------------------ TB301
def test_tb301_alternative_comes_from_the_catalog_for_every_premium_model():
    cat = shipped_catalog()
    premium = [m for m in cat if m.tier == "premium" and m.input is not None]
    assert len(premium) >= 5
    for m in premium:
        alt = cheaper_alternative(cat, m)
        assert alt is not None and alt.tier != "premium", m.id
        assert alt.input < m.input and alt.output < m.output
        assert alt.lifecycle in ("active", "legacy")
    by_id = {m.id: m for m in cat}
    assert cheaper_alternative(cat, by_id["claude-opus-5-5"]).id == "claude-haiku-5-5"  # same generation
    # no Haiku 4.6: the economy line's newest model, not the same generation's standard tier
    assert cheaper_alternative(cat, by_id["claude-opus-4-6"]).id == "claude-haiku-5-5"
    assert cheaper_alternative(cat, by_id["claude-opus-4-5"]).id == "claude-haiku-4-5"


def test_tb301_message_ratio_is_computed_from_prices():
    found = lint('''
        import anthropic
        client = anthropic.Anthropic()
        def is_urgent(t):
            return client.messages.create(model="claude-fable-5-2", max_tokens=5,
                                          messages=[{"role": "user", "content": t}])
        ''', "TB301")
    assert len(found) == 1
    f = found[0]
    cat = shipped_catalog()
    fable, alt = cat.find("claude-fable-5-2"), cat.find(f.properties["suggested_model"])
    assert Decimal(f.properties["price_ratio_input"]) == fable.input / alt.input
    assert f"use {alt.id}" in f.message and "max_tokens=5" in f.message


def test_tb301_user_catalog_override_decides_the_tier(tmp_path):
    cat = shipped_catalog().with_overrides({"claude-sonnet-5-5": {"tier": "premium"}}, where="test")
    code = textwrap.dedent('''
        import anthropic
        client = anthropic.Anthropic()
        def label(t):
            return client.messages.create(model="claude-sonnet-5-5", max_tokens=5,
                                          messages=[{"role": "user", "content": t}])
        ''')
    assert lint_source(code, settings=LintSettings(root=tmp_path, cache=False), select=["TB301"]) == []
    found = lint_source(code, settings=LintSettings(root=tmp_path, cache=False, catalog=cat), select=["TB301"])
    assert [f.properties["suggested_model"] for f in found] == ["claude-haiku-5-5"]


@pytest.mark.parametrize("prompt", [
    "Explain step by step how this contract could be classified under EU law.",
    "Write a detailed report on the sentiment of our customers this quarter.",
])
def test_tb301_real_work_is_not_a_simple_task(prompt):
    assert lint(f'''
        import anthropic
        client = anthropic.Anthropic()
        def work(t):
            return client.messages.create(model="claude-opus-5-5", max_tokens=4000,
                                          messages=[{{"role": "user", "content": "{prompt}" + t}}])
        ''', "TB301") == []


@pytest.mark.parametrize(("prompt", "max_tokens", "flagged"), [
    ("Tag the review as 'positive', 'negative' or 'mixed'.", 4000, True),
    ("Analyze the email. Answer either 'spam' or 'ham'.", 1000, True),
    ("Mark each field as true if the form fills it, false otherwise.", 800, True),
    ("Extract the sender and the date from the email. Return only JSON.", 3000, True),
    # real work around the same shapes: code, prose, a plan, generation with a large budget
    ("Write a Python script that prints 'positive', 'negative' or 'mixed' for a review.", 4000, False),
    ("Explain why the field is true if the form fills it and false otherwise.", 800, False),
    ("Extract key insights from the meeting and return them as JSON.", 3000, False),
    ("Generate twenty tweets, each tagged 'funny', 'serious' or 'sad'.", 8000, False),
    ("Extract the dates with a regex and return JSON.", 3000, False),
    # a definition's words are not the task: the task is still a label
    ("Classify the marker by its metadiscursive function: interactive or interactional.", 1000, True),
    ("Classify the claim as internal or external; external claims report world phenomena.", 1000, True),
    ("Classify the tickets, then generate a detailed report of the trends.", 4000, False),
])
def test_tb301_shapes_of_simple_tasks_and_real_work(prompt, max_tokens, flagged):
    found = lint(f'''
        import anthropic
        client = anthropic.Anthropic()
        def work(t):
            return client.messages.create(model="claude-opus-5-5", max_tokens={max_tokens},
                                          messages=[{{"role": "user", "content": "{prompt}" + t}}])
        ''', "TB301")
    assert len(found) == int(flagged), [f.message for f in found]


# ------------------------------------------------------------------------------ TB302
SONNET_45 = '''
    import anthropic
    client = anthropic.Anthropic()
    def ask(q):
        return client.messages.create(model="claude-sonnet-4-5", max_tokens=512,
                                      messages=[{"role": "user", "content": q}])
    '''


def test_tb302_deprecated_is_a_warning_with_the_date_until_it_retires():
    [f] = lint(SONNET_45, "TB302", today="2026-11-29")
    assert f.severity == "warning" and "retires on 2026-11-30 (in 1 day)" in f.message
    assert "use claude-sonnet-5-5" in f.message


@pytest.mark.parametrize("today", ["2026-11-30", "2027-01-15"])
def test_tb302_deprecated_past_its_date_is_retired(today):
    [f] = lint(SONNET_45, "TB302", today=today)
    assert f.severity == "error" and "was retired on 2026-11-30" in f.message


def test_tb302_today_accepts_a_date_object():
    [f] = lint(SONNET_45, "TB302", today=dt.date(2026, 11, 1))
    assert "(in 29 days)" in f.message


def test_tb302_retired_model_is_an_error_after_its_date():
    [f] = lint(SONNET_45.replace("claude-sonnet-4-5", "claude-3-5-haiku-latest"), "TB302", today="2026-02-19")
    assert f.severity == "error" and "claude-3-5-haiku-20241022" in f.message
    assert "use claude-haiku-5-5 ($0.10 / $0.50)" in f.message
    # before its deprecation it was a good model: the verdict is the day's, not a label
    assert lint(SONNET_45.replace("claude-sonnet-4-5", "claude-3-5-haiku-latest"), "TB302", today="2025-06-01") == []


def test_tb302_issue_13_message_for_a_retired_sonnet():
    [f] = lint(SONNET_45.replace("claude-sonnet-4-5", "claude-3-5-sonnet-20241022"), "TB302", today="2026-12-01")
    assert f.severity == "error"
    assert f.message == ("claude-3-5-sonnet-20241022 was retired on 2025-10-28: every call fails (404 not_found_error); "
                         "use claude-sonnet-5-5 ($2 / $10)")


def test_tb302_active_and_legacy_models_are_not_flagged():
    for model in ("claude-sonnet-5-5", "claude-haiku-4-5", "claude-opus-5", "claude-opus-4-6"):
        assert lint(SONNET_45.replace("claude-sonnet-4-5", model), "TB302", today="2026-12-01") == [], model
    assert lint(SONNET_45.replace("claude-sonnet-4-5", "claude-opus-4-5"), "TB302", today="2026-11-22") == []


def test_tb302_partner_clients_use_their_platforms_schedule():
    bedrock = SONNET_45.replace("import anthropic\n    client = anthropic.Anthropic()",
                                "from anthropic import AnthropicVertex\n    client = AnthropicVertex()")
    [f] = lint(bedrock.replace("claude-sonnet-4-5", "claude-3-5-haiku@20241022"), "TB302", today="2026-08-01")
    assert "was retired on Google Cloud Vertex AI on 2026-07-05" in f.message
    # still served on Google Cloud though the Claude API retired it; not recorded: not judged
    assert lint(bedrock.replace("claude-sonnet-4-5", "claude-opus-4-1@20250805"), "TB302", today="2026-12-01") == []
    assert lint(bedrock.replace("claude-sonnet-4-5", "claude-3-opus@20240229"), "TB302", today="2026-12-01") == []


def test_tb302_successor_is_newest_active_of_the_family():
    cat = shipped_catalog()
    assert successor(cat, cat.find("claude-opus-4-1")).id == "claude-opus-5-5"
    assert successor(cat, cat.find("claude-sonnet-4-0")).id == "claude-sonnet-5-5"


# ------------------------------------------------------------------------------ TB303
@pytest.mark.parametrize(("written", "correct"), [
    ("claude-sonnet-4.5", "claude-sonnet-4-5"),
    ("claude-opus-4.6", "claude-opus-4-6"),
    ("anthropic/claude-haiku-4-5", "claude-haiku-4-5"),
    ("claude-sonnet-5-5[1m]", "claude-sonnet-5-5"),
    ("claude-sonnet-4.5-20250929", "claude-sonnet-4-5-20250929"),
])
def test_tb303_gateway_spellings_get_the_real_id(written, correct):
    [f] = lint(SONNET_45.replace("claude-sonnet-4-5", written), "TB303")
    assert f.severity == "error" and f"use {correct!r}" in f.message
    assert f.fix is not None and f.fix.applicability == "safe"
    assert f.fix.edits[0].content == f'"{correct}"'


def test_tb303_constant_gets_the_message_but_no_fix():
    [f] = lint('''
        import anthropic
        MODEL = "claude-sonnet-4.5"
        client = anthropic.Anthropic()
        def ask(q):
            return client.messages.create(model=MODEL, max_tokens=512, messages=[{"role": "user", "content": q}])
        ''', "TB303")
    assert "use 'claude-sonnet-4-5'" in f.message and f.fix is None


def test_tb303_dotted_names_are_fine_through_openai_compatible_gateways():
    assert lint('''
        from openai import OpenAI
        client = OpenAI(base_url="https://openrouter.ai/api/v1")
        def ask(q):
            return client.chat.completions.create(model="anthropic/claude-sonnet-4.5", max_tokens=512,
                                                  messages=[{"role": "user", "content": q}])
        ''', "TB303") == []


def test_tb303_bedrock_and_vertex_forms_on_their_clients():
    for ctor, model in (("AnthropicBedrock", "anthropic.claude-opus-4-6-v1"),
                        ("AnthropicVertex", "claude-sonnet-4-5@20250929"),
                        ("AnthropicBedrock", "arn:aws:bedrock:us-east-1:123:application-inference-profile/x1")):
        assert lint(f'''
            from anthropic import {ctor}
            client = {ctor}()
            def ask(q):
                return client.messages.create(model="{model}", max_tokens=512,
                                              messages=[{{"role": "user", "content": q}}])
            ''', "TB303") == [], model


def test_tb303_leaves_ids_unknown_to_the_catalog_to_the_cloud_clients():
    """Bedrock and Vertex have their own ids (not the Claude API's 404): also when the client class is an
    optional import whose ``except ImportError`` fallback binds it to None."""
    for head in ("from anthropic import AnthropicVertex",
                 "try:\n    from anthropic import AnthropicVertex\nexcept ImportError:\n    AnthropicVertex = None"):
        assert lint(head + '''
class Provider:
    def __init__(self):
        self.client = AnthropicVertex(project_id="p", region="us-east5")

    def ask(self, q):
        return self.client.messages.create(model="claude-sonnet-4-5-v2@20241022", max_tokens=200,
                                           messages=[{"role": "user", "content": q}])
''', "TB303") == [], head


# ------------------------------------------------------------------------------ precision: unknown model
@pytest.mark.parametrize("model_expr", ["model", "os.environ['MODEL']", "settings.model", "MODELS[tier]"])
def test_unresolved_model_keeps_model_rules_silent(model_expr):
    found = lint(f'''
        import os
        import anthropic
        client = anthropic.Anthropic()
        def ask(q, model, settings, tier, MODELS):
            return client.messages.create(model={model_expr}, max_tokens=5,
                messages=[{{"role": "user", "content": "Is this spam? Answer yes or no." + q}},
                          {{"role": "assistant", "content": "{{"}}])
        ''', ["TB301", "TB302", "TB303", "TB503"])
    assert found == []


def test_kwargs_model_keeps_model_rules_silent():
    assert lint('''
        import anthropic
        client = anthropic.Anthropic()
        def ask(q, **opts):
            return client.messages.create(max_tokens=5, messages=[{"role": "user", "content": "yes or no?" + q}],
                                          **opts)
        ''', ["TB301", "TB302", "TB303", "TB503"]) == []


# ------------------------------------------------------------------------------ TB401
def _loop(body: str, header: str = "def run(items):") -> str:
    return "import anthropic\nclient = anthropic.Anthropic()\n" + header + "\n" + textwrap.indent(
        textwrap.dedent(body).strip("\n"), "    ") + "\n"


def test_tb401_for_loop_over_a_collection():
    [f] = lint_source(_loop('''
        for item in items:
            print(client.messages.create(model="claude-opus-5-5", max_tokens=100,
                                         messages=[{"role": "user", "content": item}]))
        '''), settings=_settings(), select=["TB401"])
    assert "50% less" in f.message and "for loop over items" in f.message
    assert "input $4 -> $2, output $20 -> $10 per MTok" in f.message
    assert f.properties["saving_percent"] == "50"


def test_tb401_nested_handfuls_say_what_they_multiply_to():
    header = 'KINDS = ["a", "b", "c", "d", "e"]\nTONES = ("x", "y", "z", "w", "v", "u")\ndef run():'
    body = '''
        for kind in KINDS:
            for tone in TONES:
                client.messages.create(model="claude-haiku-5-5", max_tokens=100,
                                       messages=[{"role": "user", "content": kind + tone}])
        '''
    [f] = lint_source(_loop(body, header), settings=_settings(), select=["TB401"])
    assert "one by one in nested for loops over KINDS x TONES (30 requests):" in f.message
    small = _loop(body.replace("for tone in TONES", 'for tone in ("x", "y")'), header)  # 5 x 2: a sweep
    assert lint_source(small, settings=_settings(), select=["TB401"]) == []


@pytest.mark.parametrize("body", [
    # the response feeds the next request
    '''
    history = []
    for item in items:
        r = client.messages.create(model="claude-sonnet-5-5", max_tokens=100, messages=history)
        history.append({"role": "assistant", "content": r.content})
    ''',
    # a search that stops at the first hit
    '''
    for item in items:
        r = client.messages.create(model="claude-sonnet-5-5", max_tokens=100,
                                   messages=[{"role": "user", "content": item}])
        if "yes" in r.content[0].text:
            break
    ''',
    # streaming
    '''
    for item in items:
        s = client.messages.create(model="claude-sonnet-5-5", max_tokens=100, stream=True,
                                   messages=[{"role": "user", "content": item}])
    ''',
    # stream may be on: unknown
    '''
    for item in items:
        s = client.messages.create(model="claude-sonnet-5-5", max_tokens=100, stream=items.stream,
                                   messages=[{"role": "user", "content": item}])
    ''',
    # a for loop inside a while loop (a conversation)
    '''
    while True:
        for item in items:
            client.messages.create(model="claude-sonnet-5-5", max_tokens=100,
                                   messages=[{"role": "user", "content": item}])
    ''',
    # the call is what the loop iterates over
    '''
    for event in client.messages.create(model="claude-sonnet-5-5", max_tokens=100, stream=True,
                                        messages=[{"role": "user", "content": "hi"}]):
        print(event)
    ''',
    # already a batch
    '''
    client.messages.batches.create(requests=[
        {"custom_id": f"r{i}", "params": {"model": "claude-sonnet-5-5", "max_tokens": 100,
                                          "messages": [{"role": "user", "content": it}]}}
        for i, it in enumerate(items)])
    ''',
    # count_tokens costs nothing
    '''
    for item in items:
        client.messages.count_tokens(model="claude-sonnet-5-5", messages=[{"role": "user", "content": item}])
    ''',
    # one identical request, timed n times: no collection of items
    """
    for run in range(50):
        start = time.perf_counter()
        client.messages.create(model="claude-sonnet-5-5", max_tokens=100, messages=[{"role": "user", "content": "Hi"}])
        print(run, time.perf_counter() - start)
    """,
    # a sweep over a setting, with one fixed prompt
    """
    for temperature in temperatures:
        client.messages.create(model="claude-sonnet-5-5", max_tokens=100, temperature=temperature,
                               messages=[{"role": "user", "content": "Name a colour."}])
    """,
])
def test_tb401_not_flagged(body):
    found = lint_source(_loop(body), settings=_settings(), select=["TB401"])
    assert found == [], [f.message for f in found]


def test_tb401_names_the_per_item_loop_around_a_sweep_or_repeated_runs():
    [f] = lint_source(_loop("""
        for item in items:
            for temperature in (0.0, 1.0):
                for _ in range(3):
                    client.messages.create(model="claude-sonnet-5-5", max_tokens=100, temperature=temperature,
                                           messages=[{"role": "user", "content": item}])
        """), settings=_settings(), select=["TB401"])
    assert "one by one in a for loop over items:" in f.message


@pytest.mark.parametrize(("body", "where"), [
    # a keyword named like the reply (.format(response=...)) is not the reply fed back
    ("""
    for item in items:
        response = client.messages.create(model="claude-sonnet-5-5", max_tokens=100,
                                          messages=[{"role": "user", "content": TEMPLATE.format(response=item)}])
        print(response)
    """, "for loop over items:"),
    # the reply stored into the loop's own item: the next pass has a new item
    ("""
    for instance in items:
        prompt = "Rate this summary: " + instance["source"]
        reply = client.messages.create(model="claude-sonnet-5-5", max_tokens=100,
                                       messages=[{"role": "user", "content": prompt}])
        instance["reply"] = reply.content[0].text
    """, "for loop over items:"),
    # n samples of one request under a progress bar, per item: the item loop is named
    ("""
    for doc in items:
        for _ in tqdm.tqdm(range(5)):
            client.messages.create(model="claude-sonnet-5-5", max_tokens=100,
                                   messages=[{"role": "user", "content": doc}])
    """, "for loop over items:"),
    # an abort on Ctrl-C and a run-wide test switch are not searches that stop at a hit
    ("""
    for item in items:
        try:
            client.messages.create(model="claude-sonnet-5-5", max_tokens=100,
                                   messages=[{"role": "user", "content": item}])
        except KeyboardInterrupt:
            break
        if first_only:
            break
    """, "for loop over items:"),
])
def test_tb401_per_item_loops_that_only_look_dependent(body, where):
    [f] = lint_source(_loop(body), settings=_settings(), select=["TB401"])
    assert f"one by one in a {where}" in f.message


def test_tb401_bedrock_client_is_not_told_about_message_batches():
    src = _loop('''
        for item in items:
            client.messages.create(model="anthropic.claude-sonnet-4-6", max_tokens=100,
                                   messages=[{"role": "user", "content": item}])
        ''').replace("anthropic.Anthropic()", "anthropic.AnthropicBedrock()")
    assert lint_source(src, settings=_settings(), select=["TB401"]) == []


def test_tb401_async_for_and_nested_loops():
    src = _loop('''
        async for item in items:
            for variant in (item, item.upper()):
                await client.messages.create(model="claude-haiku-5-5", max_tokens=100,
                                             messages=[{"role": "user", "content": variant}])
        ''', header="async def run(items):").replace("anthropic.Anthropic()", "anthropic.AsyncAnthropic()")
    [f] = lint_source(src, settings=_settings(), select=["TB401"])
    # the inner loop runs over variants of one item (a sweep): the per-item loop is the outer one
    assert "one by one in an async for loop over items:" in f.message


# ------------------------------------------------------------------------------ TB501
@pytest.mark.parametrize(("text", "asks"), [
    ("Respond only with valid JSON.", True),
    ("Return a JSON object with keys name and total.", True),
    ("Output the result in JSON.", True),
    ("Format your answer as JSON", True),
    ("Answer in plain prose, not JSON.", False),
    ("Do not return JSON; write a paragraph.", False),
    ("Explain what a JSON schema is to a beginner.", False),
    ("Summarise the JSONL export in two sentences.", False),
])
def test_tb501_json_ask_detection(text, asks):
    found = lint(f'''
        import anthropic
        client = anthropic.Anthropic()
        def ask(q):
            return client.messages.create(model="claude-sonnet-5-5", max_tokens=512,
                                          messages=[{{"role": "user", "content": "{text}\\n" + q}}])
        ''', "TB501")
    assert bool(found) is asks


@pytest.mark.parametrize("extra", [
    'tools=TOOLS, tool_choice={"type": "any"},',
    'output_config={"format": {"type": "json_schema", "schema": {"type": "object"}}},',
    "tool_choice=choice, tools=TOOLS,",
    "output_config=cfg,",
])
def test_tb501_structure_or_unknown_structure_is_silent(extra):
    assert lint(f'''
        import anthropic
        client = anthropic.Anthropic()
        TOOLS = [{{"name": "r", "description": "d", "input_schema": {{"type": "object"}}}}]
        def ask(q, choice, cfg):
            return client.messages.create(model="claude-sonnet-5-5", max_tokens=512, {extra}
                                          messages=[{{"role": "user", "content": "Reply in JSON: " + q}}])
        ''', "TB501") == []


def test_tb501_tools_without_forcing_still_flagged():
    [f] = lint('''
        import anthropic
        client = anthropic.Anthropic()
        TOOLS = [{"name": "search", "description": "d", "input_schema": {"type": "object"}}]
        def ask(q):
            return client.messages.create(model="claude-sonnet-5-5", max_tokens=512, tools=TOOLS,
                                          messages=[{"role": "user", "content": "Reply in JSON: " + q}])
        ''', "TB501")
    assert "output_config" in f.message


def test_tb501_openai_compatible_call():
    code = '''
        from openai import OpenAI
        client = OpenAI(base_url="https://api.anthropic.com/v1/")
        def ask(q):
            return client.chat.completions.create(model="claude-sonnet-5-5", max_tokens=512, {extra}
                messages=[{{"role": "system", "content": "Return JSON only."}}, {{"role": "user", "content": q}}])
        '''
    [f] = lint(code.format(extra=""), "TB501")
    assert "response_format" in f.message
    assert lint(code.format(extra='response_format={"type": "json_object"},'), "TB501") == []


# ------------------------------------------------------------------------------ TB502 / TB503
PREFILL = '''
    import anthropic
    client = anthropic.Anthropic()
    def ask(q, history, tools):
        return client.messages.create(model="{model}", max_tokens=512, {extra}
                                      messages={messages})
    '''


@pytest.mark.parametrize("model", ["claude-opus-4-6", "claude-sonnet-4-6", "claude-opus-5-5", "claude-haiku-5-5",
                                   "claude-fable-5-2"])
def test_tb503_models_that_reject_prefill(model):
    [f] = lint(PREFILL.format(model=model, extra="", messages='[*history, {"role": "assistant", "content": "{"}]'),
               "TB503")
    assert f.severity == "error" and "400" in f.message


@pytest.mark.parametrize("model", ["claude-opus-4-5", "claude-sonnet-4-5", "claude-haiku-4-5"])
def test_tb503_pre_46_models_accept_prefill(model):
    assert lint(PREFILL.format(model=model, extra="", messages='[{"role": "user", "content": q}, '
                               '{"role": "assistant", "content": "{"}]'), "TB503") == []


@pytest.mark.parametrize("messages", ["history", "[*history]", '[{"role": "user", "content": q}, *history]',
                                      '[{"role": "user", "content": q}]'])
def test_prefill_rules_silent_when_the_last_message_is_unknown_or_user(messages):
    extra = 'tool_choice={"type": "any"}, tools=tools,'
    assert lint(PREFILL.format(model="claude-sonnet-5-5", extra=extra, messages=messages), ["TB502", "TB503"]) == []


@pytest.mark.parametrize(("choice", "flagged"), [('{"type": "tool", "name": "x"}', True), ('{"type": "any"}', True),
                                                 ('{"type": "auto"}', False), ("choice", False)])
def test_tb502_forced_tool_choice(choice, flagged):
    src = PREFILL.replace("history, tools", "history, tools, choice").format(
        model="claude-haiku-4-5", extra=f"tools=tools, tool_choice={choice},",
        messages='[{"role": "user", "content": q}, {"role": "assistant", "content": "{"}]')
    assert bool(lint(src, "TB502")) is flagged


# ------------------------------------------------------------------------------ corpus
def _expected(path: Path) -> set[tuple[int, str]]:
    out = set()
    for i, line in enumerate(path.read_text().splitlines(), 1):
        m = EXPECT.search(line)
        if m:
            out.update((i, code) for code in m.group(1).split())
    return out


@pytest.mark.parametrize("name", CASE_FILES)
def test_case_files_match_their_comments(name):
    path = CASES / name
    found = lint_source(path.read_text(), path=str(path), settings=_settings({"today": "2026-11-24"}))
    got = {(f.line, f.code) for f in found}
    assert got == _expected(path), sorted(got ^ _expected(path))


@pytest.mark.parametrize("name", CASE_FILES)
def test_case_files_have_negative_and_positive_cases(name):
    text = (CASES / name).read_text()
    assert len(_expected(CASES / name)) >= 3
    assert "not flagged" in text.lower()


def test_other_case_files_only_gain_findings_that_are_real():
    """On the TB1xx/TB2xx case files these families add only TB302 (claude-sonnet-4-5 is deprecated)."""
    codes = set()
    for path in CASES.glob("*.py"):
        if path.name in CASE_FILES:
            continue
        codes |= {f.code for f in lint_source(path.read_text(), path=str(path), settings=_settings(),
                                              select=list(FAMILIES))}
    assert codes <= {"TB302"}


# ------------------------------------------------------------------------------ docs
def test_rule_table_lists_every_rule_with_fix_column():
    table = rule_table_markdown()
    lines = table.strip().splitlines()
    assert lines[0] == "| code | name | summary | fix |"
    assert len(lines) == 2 + len(registry())
    row = {ln.split(" | ")[0].strip("| "): ln for ln in lines[2:]}
    assert row["TB303"].endswith("| yes |") and row["TB204"].endswith("| yes (unsafe) |")
    assert row["TB301"].endswith("| no |") and row["TB900"].endswith("| yes |")


def test_rule_text_and_listing():
    text = rule_text("TB401")
    assert text.startswith("TB401 loop-could-batch") and "Flagged:" in text and "Not flagged:" in text
    assert rule_text("loop-could-batch") == text and rule_text("TB999") is None
    assert all(code in rules_listing() for code in registry())


def test_odd_catalog_rows_and_options_do_not_break_the_rules(tmp_path):
    cat = shipped_catalog().with_overrides({"claude-free-1": {"input": 0, "output": 0, "tier": "economy"}},
                                           where="test")
    code = textwrap.dedent('''
        import anthropic
        client = anthropic.Anthropic()
        def label(t):
            return client.messages.create(model="claude-opus-5-5", max_tokens=5,
                                          messages=[{"role": "user", "content": t}])
        ''')
    found = lint_source(code, settings=LintSettings(root=tmp_path, cache=False, catalog=cat,
                                                    options={**OPTION_DEFAULTS, "today": "not a date"}))
    assert [f.code for f in found] == ["TB301"] and "internal error" not in found[0].message


def test_tb401_break_of_an_inner_loop_does_not_hide_the_outer_one_but_return_does():
    inner_break = _loop('''
        for item in items:
            r = client.messages.create(model="claude-sonnet-5-5", max_tokens=100,
                                       messages=[{"role": "user", "content": item}])
            for block in r.content:
                break
        ''')
    assert [f.code for f in lint_source(inner_break, settings=_settings(), select=["TB401"])] == ["TB401"]
    inner_return = inner_break.replace("break", "return block")
    assert lint_source(inner_return, settings=_settings(), select=["TB401"]) == []


def test_rule_modules_do_not_import_libcst_at_import_time():
    import subprocess
    import sys

    code = ("import sys; import pytest_tokenbudget.lint.rules.registry, pytest_tokenbudget.lint.fixes.edits, "
            "pytest_tokenbudget.lint.api, pytest_tokenbudget.lint.docs, "
            "pytest_tokenbudget.lint.suppressions; print('libcst' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"



@pytest.mark.parametrize(("body", "batched"), [
    # what the next request reads grows only when this reply allows it: a dedupe against what was kept
    ('''
    kept = []
    for item in items:
        r = client.messages.create(model="claude-sonnet-5-5", max_tokens=100,
                                   messages=[{"role": "user", "content": f"{kept} {item}"}])
        if "duplicate" in r.content[0].text:
            continue
        kept.append(item)
    ''', False),
    ('''
    kept = []
    for item in items:
        r = client.messages.create(model="claude-sonnet-5-5", max_tokens=100,
                                   messages=[{"role": "user", "content": f"{kept} {item}"}])
        print(r)
        kept.append(item)
    ''', True),  # grown whatever the reply says: the requests can be written out beforehand
])
def test_tb401_a_collection_grown_on_the_reply_s_say_so(body, batched):
    found = lint_source(_loop(body), settings=_settings(), select=["TB401"])
    assert [f.code for f in found] == (["TB401"] if batched else [])
