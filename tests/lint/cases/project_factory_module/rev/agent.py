"""The reviewer: a tool loop per proto file (a conversation, not batch work), and a per-file description job."""

from .adapters import create_adapter
from .adapters.anthropic_adapter import summarize_with
from .prompts import EVENT_SYSTEM_PROMPT, SYSTEM_PROMPT
from .tool_definitions import TOOL_DECLARATIONS


def review(proto, focus, provider=None, model_name=None):
    adapter = create_adapter(provider=provider, model_name=model_name)
    system_prompt = EVENT_SYSTEM_PROMPT if focus == "event" else SYSTEM_PROMPT
    messages = [{"role": "user", "content": proto}]
    while True:
        reply = adapter.generate(messages=messages, tools=TOOL_DECLARATIONS, system_prompt=system_prompt)
        if reply.stop_reason != "tool_use":
            return reply
        messages.append({"role": "assistant", "content": reply.content})


def describe_all(protos):
    adapter = create_adapter()
    return [adapter.describe(p) for p in protos]


def summarize_all(protos):
    adapter = create_adapter()
    return [summarize_with(adapter, p) for p in protos]
