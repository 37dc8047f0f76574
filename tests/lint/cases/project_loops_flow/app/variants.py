"""A second, stricter prompt when the first answer does not parse: a retry, so the loop over the
tickets in the caller decides. A bounded tool loop that sends each reply back is a conversation."""
import json

import anthropic

client = anthropic.Anthropic()
STRICT = "\n\nReply with the JSON object only."


def draft(ticket):
    for variant in range(2):
        reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, messages=[  # TB401
            {"role": "user", "content": f"Draft a reply to:\n{ticket}" + (STRICT if variant else "")}])
        try:
            return json.loads(reply.content[0].text)
        except json.JSONDecodeError:
            continue
    return None


def draft_all(tickets):
    return [draft(t) for t in tickets]


def research(question, tools, run_tool):
    messages = [{"role": "user", "content": question}]
    for _ in range(5):
        reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, tools=tools, messages=messages)
        if reply.stop_reason != "tool_use":
            return reply.content[0].text
        use = next(b for b in reply.content if b.type == "tool_use")
        messages.append({"role": "assistant", "content": reply.content})
        messages.append({"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": use.id, "content": run_tool(use)}]})
    return None


def research_all(questions, tools, run_tool):
    return [research(q, tools, run_tool) for q in questions]
