"""A wrapper that picks the request by its arguments: large answers stream, short ones use create.
Each caller's request takes one branch only (switch_callers.py)."""
import anthropic

from app.prompts import POLICY

client = anthropic.Anthropic()


def call(content, max_tokens=4096, stream=None):
    use_stream = stream if stream is not None else max_tokens > 2048
    if use_stream:
        # only the policy review (max_tokens=8192) streams: its large prompt, uncached
        with client.messages.stream(model="claude-sonnet-4-6", max_tokens=max_tokens,
                                    messages=[{"role": "user", "content": content}]) as s:  # TB101
            return s.get_final_message()
    # only the short dedup question reaches create
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=max_tokens,
                                  messages=[{"role": "user", "content": content}])


def review(document):
    return call(POLICY + "\n\n" + document, max_tokens=8192)


def dedup(title):
    return call("Is this a duplicate? " + title, max_tokens=1024)


def forced(document):
    # the caller says stream=False: create, whatever the size
    return send(POLICY + document, max_tokens=8192, stream=False)


def send(content, max_tokens=4096, stream=None):
    if stream is None or stream:
        return None
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=max_tokens,
                                  messages=[{"role": "user", "content": content}])  # TB101
