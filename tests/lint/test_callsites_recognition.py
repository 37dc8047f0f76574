"""Call recognition on real code: clients from factories and other methods, aliases,
the old prompt-caching namespace, instructor; and the look-alikes that must stay silent."""

from __future__ import annotations

import textwrap

import libcst as cst

from pytest_tokenbudget.lint.analysis.callsites import extract_call_sites


def sites(src: str):
    return extract_call_sites(cst.parse_module(textwrap.dedent(src)))


def test_client_returned_by_a_factory_function():
    (s,) = sites("""
        import anthropic
        def get_client():
            return anthropic.Anthropic()
        def go(q):
            client = get_client()
            return client.messages.create(model="claude-haiku-4-5", max_tokens=10, messages=q)
    """)
    assert s.client.traced and s.client.variant == "Anthropic"


def test_client_stored_on_self_in_another_method_and_returned_by_a_getter():
    found = sites("""
        import anthropic
        class Svc:
            def __init__(self):
                self.client = None
            def connect(self, key):
                if not self.client:
                    self.client = anthropic.AsyncAnthropic(api_key=key)
            def _get_client(self):
                return self.client
            async def ask(self, q):
                c = self._get_client()
                return await c.messages.create(model="claude-haiku-4-5", max_tokens=10, messages=q)
    """)
    (s,) = found
    assert s.client.traced and s.client.variant == "AsyncAnthropic" and s.is_async


def test_messages_alias_chosen_by_a_condition():
    (s,) = sites("""
        import anthropic
        client = anthropic.Anthropic()
        def go(q, beta):
            messages = client.beta.messages if beta else client.messages
            return messages.create(model="claude-haiku-4-5", max_tokens=10, messages=q)
    """)
    assert s.client.traced and s.api == "beta.messages.create"


def test_old_prompt_caching_namespace():
    (s,) = sites("""
        import anthropic
        client = anthropic.Anthropic()
        client.beta.prompt_caching.messages.create(model="claude-3-haiku-20240307", max_tokens=10, messages=[])
    """)
    assert s.api == "beta.prompt_caching.messages.create" and s.kind == "create"


def test_old_tool_use_beta_namespace():
    # the spring-2024 tool-use beta: client.beta.tools.messages.create(...) (DannyMac180/claude-3-tools)
    (s,) = sites("""
        import anthropic
        client = anthropic.Anthropic()
        client.beta.tools.messages.create(model="claude-3-opus-20240229", max_tokens=1024, tools=[], messages=[])
    """)
    assert s.api == "beta.tools.messages.create" and s.kind == "create" and s.client.traced


def test_instructor_over_anthropic_runs_claude_in_both_shapes():
    found = sites("""
        import anthropic, instructor
        client = instructor.from_anthropic(anthropic.Anthropic())
        patched = instructor.patch(anthropic.Anthropic())
        client.chat.completions.create(model="claude-haiku-4-5", max_tokens=10, response_model=int, messages=[])
        patched.messages.create(model="claude-haiku-4-5", max_tokens=10, response_model=int, messages=[])
    """)
    assert [(s.sdk, s.client.wrapper) for s in found] == [("anthropic", "instructor")] * 2
    assert all(s.has("response_model") for s in found)


def test_instructor_over_a_client_handed_in_is_still_claude():
    # halfprice06/bookmarker: DocumentTranscriber(model_client, provider) patches whatever it is given;
    # instructor.from_anthropic accepts only Anthropic's clients, instructor.patch any
    found = sites("""
        import instructor
        class Transcriber:
            def __init__(self, model_client, provider="anthropic"):
                self.claude = instructor.from_anthropic(model_client)
                self.other = instructor.patch(model_client)
            def page(self, text, Model):
                self.claude.chat.completions.create(model="claude-sonnet-4-6", max_tokens=800, messages=[],
                                                    response_model=Model)
                self.other.chat.completions.create(model="gpt-4o", max_tokens=800, messages=[], response_model=Model)
    """)
    assert [(s.sdk, s.client.wrapper, s.args["model"]) for s in found] == [
        ("anthropic", "instructor", "claude-sonnet-4-6")]


def test_look_alikes_stay_silent():
    assert sites("""
        import instructor, openai
        from twilio.rest import Client
        tw = Client("sid", "token")
        tw.messages.create(body="hi", to="+15551234567", from_="+15557654321")
        oc = openai.OpenAI()
        oc.beta.threads.messages.create(thread_id="t", role="user", content="hi")
        ic = instructor.from_openai(openai.OpenAI())
        ic.chat.completions.create(model="gpt-4o", response_model=int, messages=[])
        def make():
            return openai.OpenAI()
        make().chat.completions.create(model="gpt-4o-mini", messages=[])
    """) == []


def test_a_factory_that_returns_none_without_a_key_still_makes_the_client():
    # credibility-index: the client or None; a request made only with **kwargs is recognised by its receiver
    (s,) = sites("""
        import os
        from typing import Optional
        import anthropic
        class Analyzer:
            def __init__(self):
                self.client = self._init_client()
            def _init_client(self) -> Optional[anthropic.Anthropic]:
                key = os.getenv("ANTHROPIC_API_KEY")
                if not key:
                    return None
                try:
                    return anthropic.Anthropic(api_key=key)
                except Exception:
                    return
            def send(self, **kwargs):
                return self.client.messages.create(**kwargs)
    """)
    assert s.client.traced and s.client.variant == "Anthropic"


def test_a_client_rebound_to_its_instructor_patch_is_the_patched_client():
    # wpatipon-jaist/LLMs4OL: client = Anthropic(...); client = instructor.from_anthropic(client)
    (s,) = sites("""
        import asyncio
        import instructor
        from anthropic import Anthropic
        client = Anthropic()
        client = instructor.from_anthropic(client)
        async def one(item, Model):
            return await asyncio.to_thread(client.chat.completions.create, model="claude-sonnet-4-5",
                                           response_model=Model, messages=item, max_tokens=300)
    """)
    assert s.client.traced and s.client.variant == "Anthropic" and s.args["model"] == "claude-sonnet-4-5"


def test_factory_with_different_clients_is_untraced():
    (s,) = sites("""
        import anthropic, openai
        def make(kind):
            if kind:
                return anthropic.Anthropic()
            return anthropic.AnthropicBedrock()
        def go(q):
            return make(1).messages.create(model="claude-haiku-4-5", max_tokens=10, messages=q)
    """)
    assert not s.client.traced


def test_prompt_returned_by_a_same_module_helper_keeps_its_static_text():
    (s,) = sites('''
        import anthropic
        client = anthropic.Anthropic()
        def prompt_template(data):
            return f"You are a technical writer. Return your response in VALID JSON ONLY.\\n{data}"
        def short(name):
            return name
        def go(data):
            return client.messages.create(model=short("x"), max_tokens=10,
                messages=[{"role": "user", "content": prompt_template(data)}])
    ''')
    content = s.args["messages"][0]["content"]
    assert "VALID JSON ONLY" in content.static and content.holes
    assert s.model is None  # a short value computed by a helper is not guessed


def test_batch_requests_built_by_a_helper_with_the_sdk_typed_dicts():
    found = sites('''
        import anthropic
        from anthropic.types.message_create_params import MessageCreateParamsNonStreaming
        from anthropic.types.messages.batch_create_params import Request
        client = anthropic.Anthropic()
        def run(prompts, system):
            def make_request(i, prompt):
                return Request(custom_id=str(i), params=MessageCreateParamsNonStreaming(
                    model="claude-3-7-sonnet-20250219", max_tokens=100, system=system,
                    messages=[{"role": "user", "content": prompt}]))
            requests = [make_request(k, v) for k, v in prompts.items()]
            client.messages.batches.create(requests=requests)
            client.messages.batches.create(requests=[Request(custom_id="a", params=MessageCreateParamsNonStreaming(
                model="claude-haiku-4-5", max_tokens=10, messages=[]))])
    ''')
    assert [(s.kind, s.model, s.max_tokens) for s in found] == [
        ("batch", "claude-3-7-sonnet-20250219", 100), ("batch", "claude-haiku-4-5", 10)]


def test_an_env_var_default_is_the_model_that_reaches_the_call():
    found = sites('''
        import os, anthropic
        client = anthropic.Anthropic()
        MODEL = os.environ.get("MODEL_NAME", "claude-sonnet-4-5")
        class Provider:
            def __init__(self):
                self.model = os.getenv("ANTHROPIC_MODEL", "claude-3-5-haiku-latest")
            def ask(self, q):
                return client.messages.create(model=self.model, max_tokens=10, messages=q)
        def ask(q):
            return client.messages.create(model=MODEL, max_tokens=10, messages=q)
        def no_default(q):
            return client.messages.create(model=os.getenv("MODEL"), max_tokens=10, messages=q)
    ''')
    assert [s.model for s in found] == ["claude-3-5-haiku-latest", "claude-sonnet-4-5", None]


PROVIDER_SWITCH = """
    import os, anthropic, openai
    MODEL = os.getenv("MODEL_NAME", "claude-opus-4-7")
    def ask_claude(q):
        return anthropic.Anthropic().messages.create(model=MODEL, max_tokens=512, messages=q)
    def ask_openai(q):
        client = openai.OpenAI(api_key=os.environ["OPENAI_API_KEY"])
        return client.chat.completions.create(model=MODEL, max_tokens=512, messages=q)
"""


def test_openai_branch_of_a_provider_switch_is_not_a_claude_call():
    # OpenAI() with no base_url talks to api.openai.com, and OpenRouter is not the Claude API:
    # the shared Claude id is the Anthropic branch's
    openrouter = PROVIDER_SWITCH.replace('api_key=os.environ["OPENAI_API_KEY"]', 'base_url="https://openrouter.ai/api/v1"')
    for src in (PROVIDER_SWITCH, openrouter):
        assert [s.client.sdk for s in sites(src)] == ["anthropic"], src


def test_openai_client_still_counts_when_it_could_reach_claude():
    # a base_url from a setting (a gateway), the Claude API's own OpenAI-compatible endpoint, a model
    # written at the call, or a setting no Anthropic call shares
    with_gateway = PROVIDER_SWITCH.replace('api_key=os.environ["OPENAI_API_KEY"]', 'base_url=os.environ["GATEWAY"]')
    written_at_call = PROVIDER_SWITCH.replace("completions.create(model=MODEL", 'completions.create(model="claude-opus-4-7"')
    own_setting = PROVIDER_SWITCH.replace("completions.create(model=MODEL", "completions.create(model=OTHER").replace(
        "    def ask_claude", '    OTHER = "claude-opus-4-7"\n    def ask_claude')
    claude_api = PROVIDER_SWITCH.replace('api_key=os.environ["OPENAI_API_KEY"]', 'base_url="https://api.anthropic.com/v1/"')
    for src in (with_gateway, claude_api, written_at_call, own_setting):
        assert [s.client.sdk for s in sites(src)] == ["anthropic", "openai"], src


def test_a_client_handed_in_or_made_by_default_is_that_sdk_s_client():
    # HarnessClient(client=None): ``client or anthropic.Anthropic()``, a stub injected by the tests;
    # the request built as a dict with an item added under a condition still counts
    (s,) = sites("""
        import anthropic
        from typing import Any
        class HarnessClient:
            def __init__(self, client: anthropic.Anthropic | None = None) -> None:
                self._client = client or anthropic.Anthropic()
            def create_message(self, *, model: str, messages: list, system: str | None = None):
                kwargs: dict[str, Any] = {"model": model, "max_tokens": 4096, "messages": messages}
                if system is not None:
                    kwargs["system"] = system
                return self._client.messages.create(**kwargs)
    """)
    assert s.client.traced and s.client.sdk == "anthropic" and s.client.variant == "Anthropic"


def test_a_default_client_does_not_hide_another_sdk_handed_in():
    (s,) = sites("""
        import anthropic, openai
        def ask(q, client: openai.OpenAI = openai.OpenAI()):
            c = client or anthropic.Anthropic()
            return c.messages.create(model="claude-haiku-4-5", max_tokens=10, messages=q)
    """)
    assert not s.client.traced  # (a Claude-shaped request all the same: the call site stays)


def test_batch_requests_appended_in_a_loop_are_each_a_request():
    found = sites("""
        import anthropic
        from anthropic.types.messages.batch_create_params import Request
        from anthropic.types.message_create_params import MessageCreateParamsNonStreaming
        client = anthropic.Anthropic()
        def submit(terms):
            requests = []
            for i, term in enumerate(terms):
                requests.append(Request(custom_id=f"term-{i}", params=MessageCreateParamsNonStreaming(
                    model="claude-haiku-4-5", max_tokens=200,
                    messages=[{"role": "user", "content": term}])))
            return client.messages.batches.create(requests=requests).id
    """)
    (s,) = found
    assert s.kind == "batch" and s.batch_template and s.model == "claude-haiku-4-5" and s.get("max_tokens") == 200


def test_a_batch_request_bound_to_a_name_before_it_is_appended_is_a_request():
    (s,) = sites("""
        import anthropic
        from anthropic.types.messages.batch_create_params import Request
        client = anthropic.Anthropic()
        def submit(terms):
            requests = []
            for i, term in enumerate(terms):
                req = Request(custom_id=f"term-{i}", params={
                    "model": "claude-haiku-4-5", "messages": [{"role": "user", "content": term}]})
                requests.append(req)
            return client.messages.batches.create(requests=requests)
    """)
    assert s.kind == "batch" and s.model == "claude-haiku-4-5" and "max_tokens" not in s.args  # (TB201)
