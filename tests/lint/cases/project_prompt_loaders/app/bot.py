"""A chat bot whose handbook is a prompt file loaded by name through a hedging loader helper."""
import os
from datetime import datetime

import anthropic

client = anthropic.Anthropic()
conversations = {}


def load_file_content(filename, default_text=""):
    try:
        path = f"app/prompts/{filename}"
        if not os.path.exists(path):
            path = filename
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                return f.read()
    except OSError:
        pass
    return default_text


HANDBOOK = load_file_content("core.md", "You are a support assistant.")
MISSING = load_file_content("absent.md", "You are a support assistant.")


def answer(chat_id, text):
    history = conversations.setdefault(chat_id, [])
    history.append({"role": "user", "content": text})
    system = f"""{HANDBOOK}
Now: {datetime.now().strftime("%H:%M")}"""
    reply = client.messages.create(
        model="claude-sonnet-4-5", max_tokens=512, system=system,  # TB101
        messages=history)
    history.append({"role": "assistant", "content": reply.content[0].text})
    return reply


def answer_short(chat_id, text):
    # the file does not exist: the loader's fallback is all that is sent (a few tokens)
    system = f"""{MISSING}
Now: {datetime.now().strftime("%H:%M")}"""
    return client.messages.create(
        model="claude-sonnet-4-5", max_tokens=512, system=system,
        messages=conversations.setdefault(chat_id, []))
