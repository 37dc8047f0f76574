"""Request helpers that build their keywords as a dict, one optional key at a time."""
import anthropic

client = anthropic.Anthropic()


def chat(messages, system=None, stop_sequences=None):
    # every key is a constant and none is "stream": one whole message per call
    params = {"model": "claude-sonnet-4-6", "max_tokens": 1000, "messages": messages}
    if system:
        params["system"] = system
    if stop_sequences:
        params["stop_sequences"] = stop_sequences
    response = client.messages.create(**params)  # TB401
    return response


def chat_extra(messages, extra):
    # keys merged from the caller: stream may be among them
    params = {"model": "claude-sonnet-4-6", "max_tokens": 1000, "messages": messages}
    params.update(extra)
    return client.messages.create(**params)


def chat_maybe_streamed(messages, stream=False):
    params = {"model": "claude-sonnet-4-6", "max_tokens": 1000, "messages": messages}
    if stream:
        params["stream"] = True
    return client.messages.create(**params)


def text_of(message):
    return message.content[0].text
