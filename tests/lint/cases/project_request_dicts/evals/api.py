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


def judge(verdict_prompt, schema=None):
    # the format is set one level down, under the key the dict already has: a structured reply
    params = {"model": "claude-sonnet-4-6", "max_tokens": 1000, "output_config": {"effort": "low"},
              "system": "Reply with a JSON object {\"verdict\": \"yes\" or \"no\"}.",
              "messages": [{"role": "user", "content": verdict_prompt}]}
    if schema is not None:
        params["output_config"]["format"] = {"type": "json_schema", "schema": schema}
    return client.messages.create(**params)


def judge_low_effort(verdict_prompt):
    # only the effort is set one level down: the JSON asked for is still unconstrained
    params = {"model": "claude-sonnet-4-6", "max_tokens": 1000, "output_config": {},
              "system": "Reply with a JSON object {\"verdict\": \"yes\" or \"no\"}.",
              "messages": [{"role": "user", "content": verdict_prompt}]}
    params["output_config"]["effort"] = "low"
    return client.messages.create(**params)  # TB501
