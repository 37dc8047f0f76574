"""The requests built from the helpers in arms.py."""
import anthropic

from app.arms import analyst_prompt, short_or_full

client = anthropic.Anthropic()


def analyse(paper: str) -> str:
    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=500,
                                   messages=[{"role": "user", "content": analyst_prompt(paper)}])  # TB101
    return reply.content[0].text


def analyse_either(paper: str, short: bool) -> str:
    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=500,
                                   messages=[{"role": "user", "content": short_or_full(paper, short)}])
    return reply.content[0].text
