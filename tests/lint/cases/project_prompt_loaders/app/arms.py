"""Prompt helpers that pick the body in the arms of an ``if`` / ``else`` (Pubmed_Miner's pass2_prompt)."""
from pathlib import Path

_TEMPLATE = (Path(__file__).resolve().parent / "prompts" / "core.md").read_text(encoding="utf-8")


def analyst_prompt(text: str) -> str:
    template = _TEMPLATE.strip()
    if "{TEXT}" in template:
        body = template.replace("{TEXT}", text)
    else:
        body = template + "\n\nTEXT\n" + text
    return body


def short_or_full(text: str, short: bool) -> str:  # one arm sends the text alone: no static prefix shared
    if short:
        body = text
    else:
        body = _TEMPLATE + "\n\n" + text
    return body
