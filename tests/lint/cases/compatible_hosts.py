"""The Anthropic SDK sent to another provider's Anthropic-compatible endpoint: their models, not
Claude. None of these is a Claude call site."""
import os

import anthropic

DEFAULT_BASE_URL = "https://api.deepseek.com/anthropic"

kimi = anthropic.Anthropic(base_url="https://api.moonshot.ai/anthropic")
kimi.messages.create(model="kimi-k2", max_tokens=50000, messages=[{"role": "user", "content": "hi"}])


def create_client() -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=os.getenv("ANTHROPIC_BASE_URL", DEFAULT_BASE_URL))


def run_turn(client: anthropic.Anthropic, messages: list) -> str:
    # the client this module makes for DeepSeek, handed in
    reply = client.messages.create(model="deepseek-chat", max_tokens=50000, messages=messages)
    return reply.content[0].text
