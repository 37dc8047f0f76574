"""Callers of fallback.py. The system prompt is grown by re-assigning one local: the policy first,
then appendices under branches; the static policy stays the prefix."""
import anthropic

from app.fallback import create_with_fallback, send_plain
from app.prompts import POLICY, SHORT

client = anthropic.Anthropic()
EDITOR_NOTES = ""


def build_system(extra=None):
    prompt = POLICY
    if EDITOR_NOTES:
        prompt = f"{prompt}\n\n---\n{EDITOR_NOTES}"
    if not extra:
        return prompt
    prompt += "\n\nLATEST NOTES\n"
    return f"{prompt}{extra}"


def reply(message, notes=None):
    system = build_system(notes)
    return create_with_fallback(client, model="claude-sonnet-4-6", max_tokens=512,
                                system=f"{system}\n\n---\nKeep it short.",
                                messages=[{"role": "user", "content": message}])


def greet(name):
    return send_plain(client, max_tokens=64, system=SHORT, messages=[{"role": "user", "content": name}])
