"""The same handbook, but the history comes from a module that writes cache markers: silent."""
from datetime import datetime

import anthropic

from app.bot import HANDBOOK
from app.history_store import remember

client = anthropic.Anthropic()


def answer(chat_id, text):
    system = f"""{HANDBOOK}
Now: {datetime.now().strftime("%H:%M")}"""
    return client.messages.create(
        model="claude-sonnet-4-5", max_tokens=512, system=system,
        messages=remember(chat_id, text))
