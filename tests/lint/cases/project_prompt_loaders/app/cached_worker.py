"""An unrelated module that caches its own prompt: it imports nothing from bot.py and bot.py
imports nothing from it, so it cannot put a marker into bot.py's histories."""
import anthropic

client = anthropic.Anthropic()
RULES = "Summarise the ticket in one line. " * 400


def summarise(ticket):
    return client.messages.create(
        model="claude-sonnet-4-5", max_tokens=128,
        system=[{"type": "text", "text": RULES, "cache_control": {"type": "ephemeral"}}],
        messages=[{"role": "user", "content": ticket}])
