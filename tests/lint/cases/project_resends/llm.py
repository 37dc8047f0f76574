"""A request sent again because its reply fell short is a re-send, not one more item: the loop in
run.py is reported once, on the first request. A second request that is a next step on the reply
(its own settings) is per-item work too."""
import anthropic

client = anthropic.Anthropic()
MODEL = "claude-haiku-4-5"
AUDIT_TOOL = {"name": "audit", "description": "Record the audit.", "input_schema": {"type": "object"}}


def audit(doc, expected):
    reply = client.messages.create(model=MODEL, max_tokens=2000, tools=[AUDIT_TOOL],  # TB401
                                   messages=[{"role": "user", "content": doc}])
    found = {block.input.get("code") for block in reply.content if block.type == "tool_use"}
    missing = sorted(set(expected) - found)
    if missing:  # the same request again, with a correction: it waits on the first reply
        again = [{"role": "user", "content": doc + "\nYou left out: " + ", ".join(missing)}]
        reply = client.messages.create(model=MODEL, max_tokens=2000, tools=[AUDIT_TOOL], messages=again)
    return reply


def continue_cut_off(doc):
    reply = client.messages.create(model=MODEL, max_tokens=1000,  # TB401
                                   messages=[{"role": "user", "content": doc}])
    if reply.stop_reason == "max_tokens":  # the same request with the cut-off answer to carry on from
        turns = [{"role": "user", "content": doc}, {"role": "assistant", "content": reply.content[0].text}]
        reply = client.messages.create(model=MODEL, max_tokens=1000, messages=turns)
    return reply


def describe(doc):
    kind = client.messages.create(model=MODEL, max_tokens=10,  # TB401
                                  messages=[{"role": "user", "content": "Hardware or software? " + doc}])
    if kind.content[0].text.strip() == "hardware":  # a next step, its own request: batch work as well
        return client.messages.create(model=MODEL, max_tokens=2048,  # TB401
                                      messages=[{"role": "user", "content": "Describe for builders: " + doc}])
    return kind
