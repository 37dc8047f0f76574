"""Structured-output rules (TB5xx): JSON asked for in prose, and assistant prefills that conflict or fail."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from pytest_tokenbudget.lint.analysis.intent import asks_for_json, forced_tool_choice, prefill
from pytest_tokenbudget.lint.rules.base import Invalid, Rule, RuleContext, register
from pytest_tokenbudget.lint.types import MISSING, CallSite, Report

# The same prompt text is asked about for each variant of a call (callers' values) and each call
# of a shared prompt: the answer depends on the text alone.
_asks_for_json = functools.lru_cache(maxsize=256)(asks_for_json)

__all__ = ["JsonWithoutStructure", "PrefillWithForcedTool", "PrefillUnsupported"]


def _prefill_node(call: CallSite) -> Any:
    """The node of the last message (the prefill) when the list is written in the call."""
    import libcst as cst

    node = call.arg_nodes.get("messages")
    if isinstance(node, cst.List) and node.elements:
        last = node.elements[-1]
        if isinstance(last, cst.Element):
            return last.value
    return node if node is not None else call.anchor


def _structured(call: CallSite) -> bool | None:
    """True when the request constrains the output shape; None when that cannot be known."""
    for key in ("output_format", "response_format", "response_model"):  # response_model: instructor
        if call.has(key):
            return True
    if call.kind == "parse":  # messages.parse / beta.messages.parse: the SDK's structured outputs
        return True
    cfg = call.get("output_config", MISSING)
    if cfg is not MISSING:
        if not isinstance(cfg, dict):
            return None
        if "format" in cfg:
            return True
        if getattr(cfg, "open", False):
            return None
    forced = forced_tool_choice(call)
    if forced is None:
        return None
    if forced:
        return True
    if call.open_kwargs:
        return None  # **kwargs may carry any of the above
    return False


@register
class JsonWithoutStructure(Rule):
    code = "TB501"
    name = "json-without-structure"
    summary = "The prompt asks for JSON, but the request has no structured output, forced tool or prefill."
    rationale = (
        "JSON asked for in prose comes back wrapped in explanations or code fences often enough that "
        "callers strip, re-parse and retry: each retry pays the whole request again, and the wrapping "
        "is paid output. Structured outputs (output_config={\"format\": {\"type\": \"json_schema\", ...}}, "
        "messages.parse(output_format=...)) or a forced tool (tools=[...] with tool_choice={\"type\": "
        "\"tool\", ...}) return only the JSON, valid against the schema, on the first try."
    )
    severity = "warning"
    precision = "medium"
    KINDS = frozenset({"create", "stream", "parse", "batch", "tool_runner"})  # (the runner's final reply)
    VALID = [
        # Structured outputs.
        """
        import anthropic
        client = anthropic.Anthropic()
        def extract(text, schema):
            return client.messages.create(model="claude-sonnet-5-5", max_tokens=1024,
                output_config={"format": {"type": "json_schema", "schema": schema}},
                messages=[{"role": "user", "content": "Return the invoice fields as JSON:\\n" + text}])
        """,
        # JSON asked for together with a forced tool.
        """
        import anthropic
        client = anthropic.Anthropic()
        TOOLS = [{"name": "record", "description": "Record the fields", "input_schema": {"type": "object"}}]
        def extract(text):
            return client.messages.create(model="claude-sonnet-5-5", max_tokens=1024, tools=TOOLS,
                tool_choice={"type": "tool", "name": "record"},
                messages=[{"role": "user", "content": "Return the invoice fields as JSON:\\n" + text}])
        """,
        # A prefill on a model that accepts it.
        """
        import anthropic
        client = anthropic.Anthropic()
        def extract(text):
            return client.messages.create(model="claude-haiku-4-5", max_tokens=1024,
                messages=[{"role": "user", "content": "Return the invoice fields as JSON:\\n" + text},
                          {"role": "assistant", "content": "{"}])
        """,
        # Negated.
        """
        import anthropic
        client = anthropic.Anthropic()
        def explain(text):
            return client.messages.create(model="claude-sonnet-5-5", max_tokens=1024,
                messages=[{"role": "user", "content": "Answer in plain prose, not JSON:\\n" + text}])
        """,
        # instructor's response_model is structured output (over Claude, either API shape)
        """
        import anthropic, instructor
        from pydantic import BaseModel
        class User(BaseModel):
            name: str
        client = instructor.from_anthropic(anthropic.Anthropic())
        def extract(text):
            return client.chat.completions.create(model="claude-sonnet-5-5", max_tokens=1024, response_model=User,
                messages=[{"role": "user", "content": "Return the user as JSON:\\n" + text}])
        """,
        # messages.parse is structured output
        """
        import anthropic
        client = anthropic.Anthropic()
        def extract(text, User):
            return client.beta.messages.parse(model="claude-sonnet-5-5", max_tokens=1024, output_format=User,
                messages=[{"role": "user", "content": "Return the user as JSON:\\n" + text}])
        """,
        # instructor over OpenAI with a GPT model is not a Claude call
        """
        import instructor, openai
        client = instructor.from_openai(openai.OpenAI())
        def extract(text):
            return client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "JSON only: " + text}])
        """,
        # "JSON" only inside the pasted input, not in the instructions
        """
        import anthropic
        client = anthropic.Anthropic()
        def summarise(ticket):
            return client.messages.create(model="claude-sonnet-5-5", max_tokens=1024, messages=[{"role": "user",
                "content": "Summarise the ticket in two sentences.\\n<ticket>Customer: the export should return JSON, "
                           "not CSV. " + ticket + "</ticket>"}])
        """,
        # **kwargs may carry output_config.
        """
        import anthropic
        client = anthropic.Anthropic()
        def extract(text, **opts):
            return client.messages.create(model="claude-sonnet-5-5", max_tokens=1024, **opts,
                messages=[{"role": "user", "content": "Respond with JSON only:\\n" + text}])
        """,
    ]
    INVALID = [
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def extract(text):
                return client.messages.create(
                    model="claude-sonnet-5-5",
                    max_tokens=1024,
                    system="You extract invoice fields. Respond only with valid JSON.",
                    messages=[{"role": "user", "content": text}])
            """,
            message="output_config",
            line=4,
        ),
        # the prompt comes from a helper in the same module
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def prompt_template(data):
                return f"You are a technical writer. Return your response in VALID JSON ONLY.\\n{data}"
            def summarise(data):
                return client.messages.create(model="claude-sonnet-5-5", max_tokens=1024,
                    messages=[{"role": "user", "content": prompt_template(data)}])
            """,
            message="output_config",
        ),
        # the instructions sent as an opening assistant turn (commentlint), the code in the user turn
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def check(code):
                return client.messages.create(model="claude-sonnet-5-5", max_tokens=1024, messages=[
                    {"role": "assistant", "content": "List the stale comments. Only output valid JSON."},
                    {"role": "user", "content": code}])
            """,
            message="output_config",
        ),
        # instructor-patched client used without a response_model
        Invalid(
            """
            import anthropic, instructor
            client = instructor.from_anthropic(anthropic.Anthropic())
            def extract(text):
                return client.messages.create(model="claude-sonnet-5-5", max_tokens=1024,
                    messages=[{"role": "user", "content": "Respond only with valid JSON.\\n" + text}])
            """,
            message="output_config",
        ),
    ]

    def check(self, call: CallSite, ctx: RuleContext) -> Iterator[Report]:
        if prefill(call) is not None or _structured(call) is not False:
            return
        from pytest_tokenbudget.lint.analysis.request_text import asked  # libcst: loaded only when linting
        from pytest_tokenbudget.lint.analysis.prompt_options import every_option

        where = asked(call, _asks_for_json)
        if where is None and every_option(call, _asks_for_json):  # each text a prompt helper may return
            where = ""
        if where is None:
            return
        if call.sdk == "openai":
            how = ("response_format={\"type\": \"json_schema\", ...} or a forced tool "
                   "(tool_choice={\"type\": \"function\", ...})")
        else:
            how = ("output_config={\"format\": {\"type\": \"json_schema\", \"schema\": ...}} (or "
                   "messages.parse(output_format=Model)), or a forced tool (tool_choice={\"type\": \"tool\", ...})")
        yield Report(
            "the prompt asks for JSON but nothing constrains the output: replies wrapped in prose or code "
            f"fences fail to parse and each retry pays the whole request again; use {how}{where}",
        )


@register
class PrefillWithForcedTool(Rule):
    code = "TB502"
    name = "prefill-with-forced-tool"
    summary = "An assistant prefill combined with a forced tool_choice."
    rationale = (
        "A forced tool_choice ({\"type\": \"tool\"} or {\"type\": \"any\"}) makes the model answer with a "
        "tool call whose input follows the tool's schema; an assistant prefill on top of it conflicts "
        "with the forced tool call (the request is rejected, or the prefill text is paid and thrown "
        "away). Drop the prefill: the tool schema already fixes the output's shape."
    )
    severity = "warning"
    precision = "high"
    SDKS = frozenset({"anthropic"})
    VALID = [
        """
        import anthropic
        client = anthropic.Anthropic()
        def extract(text, tools):
            return client.messages.create(model="claude-haiku-4-5", max_tokens=512, tools=tools,
                tool_choice={"type": "tool", "name": "record"},
                messages=[{"role": "user", "content": text}])
        """,
        """
        import anthropic
        client = anthropic.Anthropic()
        def extract(text):
            return client.messages.create(model="claude-haiku-4-5", max_tokens=512,
                messages=[{"role": "user", "content": text}, {"role": "assistant", "content": "{"}])
        """,
    ]
    INVALID = [
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def extract(text, tools):
                return client.messages.create(model="claude-haiku-4-5", max_tokens=512, tools=tools,
                    tool_choice={"type": "any"},
                    messages=[{"role": "user", "content": text},
                              {"role": "assistant", "content": "{"}])
            """,
            message="forced tool_choice",
            line=7,
        ),
    ]

    def check(self, call: CallSite, ctx: RuleContext) -> Iterator[Report]:
        if prefill(call) is None or forced_tool_choice(call) is not True:
            return
        yield Report(
            "assistant prefill with a forced tool_choice: the forced tool call already fixes the output's "
            "shape and the prefill conflicts with it; remove the trailing assistant message",
            node=_prefill_node(call),
        )


@register
class PrefillUnsupported(Rule):
    code = "TB503"
    name = "prefill-unsupported"
    summary = "An assistant prefill on a model that rejects prefills (the 4.6+ generation)."
    rationale = (
        "Claude 4.6 and later models (and Mythos Preview) answer a request that ends with an assistant "
        "message with 400 invalid_request_error (\"This model does not support assistant message "
        "prefill\"): the call always fails, and retries fail again. Use structured outputs "
        "(output_config.format) or a system instruction for the output's shape. Which models reject "
        "prefills is the catalog's prefill flag."
    )
    severity = "error"
    precision = "very-high"
    SDKS = frozenset({"anthropic"})
    VALID = [
        """
        import anthropic
        client = anthropic.Anthropic()
        def extract(text):
            return client.messages.create(model="claude-haiku-4-5", max_tokens=512,
                messages=[{"role": "user", "content": text}, {"role": "assistant", "content": "{"}])
        """,
        # The model is not known.
        """
        import anthropic
        client = anthropic.Anthropic()
        def extract(text, model):
            return client.messages.create(model=model, max_tokens=512,
                messages=[{"role": "user", "content": text}, {"role": "assistant", "content": "{"}])
        """,
    ]
    INVALID = [
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def extract(text):
                return client.messages.create(model="claude-sonnet-5-5", max_tokens=512,
                    messages=[{"role": "user", "content": text},
                              {"role": "assistant", "content": "{"}])
            """,
            message="claude-sonnet-5-5 rejects an assistant prefill",
            line=6,
        ),
    ]

    def check(self, call: CallSite, ctx: RuleContext) -> Iterator[Report]:
        if prefill(call) is None:
            return
        info = ctx.model_info(call)
        if info is None or info.prefill is not False:
            return
        yield Report(
            f"{info.id} rejects an assistant prefill: the request fails with 400 invalid_request_error "
            "(\"This model does not support assistant message prefill\"); end with a user message and use "
            "structured outputs (output_config.format) or a system instruction instead",
            node=_prefill_node(call),
            properties={"model": info.id},
        )

