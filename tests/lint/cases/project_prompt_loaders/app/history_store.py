"""A history store that marks the latest turn for caching: requests built from it may be cached."""
HISTORIES = {}


def remember(chat_id, text):
    turns = HISTORIES.setdefault(chat_id, [])
    turns.append({"role": "user", "content": [{"type": "text", "text": text, "cache_control": {"type": "ephemeral"}}]})
    return turns
