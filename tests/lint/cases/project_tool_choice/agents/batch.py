"""One Message Batch of extraction requests, with the plain or the strict tool set."""

from anthropic import Anthropic
from anthropic.types.message_create_params import MessageCreateParamsNonStreaming
from anthropic.types.messages.batch_create_params import Request

from tools.definitions import SMALL, SMALL_MARKED, TOOLS, TOOLS_STRICT

SYSTEM = (
    "You are a financial data extraction agent. You receive the text of an annual or quarterly filing "
    "and submit its figures with the extract_financials tool. Read the income statement, the balance "
    "sheet and the cash flow statement; prefer the consolidated figures; report values in the currency "
    "and scale the filing states and say nothing the filing does not state. When two figures disagree, "
    "prefer the audited statement over the narrative sections and the most recent period over earlier ones."
)


def create_batch(filings, strict=False):
    client = Anthropic()
    tools = TOOLS_STRICT if strict else TOOLS
    requests = []
    for f in filings:
        requests.append(Request(
            custom_id=f["id"],
            params=MessageCreateParamsNonStreaming(  # TB101
                model="claude-sonnet-4-6", max_tokens=2048, system=SYSTEM, tools=tools,
                tool_choice={"type": "any"},
                messages=[{"role": "user", "content": f"FILING TEXT:\n{f['text']}"}],
            ),
        ))
    return client.messages.batches.create(requests=requests)


def create_small_batch(filings, strict=False):
    # either list is a single tiny tool: the prefix stays below the minimum
    client = Anthropic()
    tools = [*SMALL, TOOLS[0]] if strict else [*SMALL, {"name": "pong", "input_schema": {"type": "object"}}]
    requests = [Request(custom_id=f["id"], params=MessageCreateParamsNonStreaming(
        model="claude-sonnet-4-6", max_tokens=2048, tools=tools,
        messages=[{"role": "user", "content": f["text"]}])) for f in filings]
    return client.messages.batches.create(requests=requests)


def create_marked_batch(filings, marked=False):
    # one of the lists carries a cache marker: whether the prefix is cached depends on the run
    client = Anthropic()
    tools = [*TOOLS, *SMALL_MARKED] if marked else [*TOOLS, *SMALL]
    requests = [Request(custom_id=f["id"], params=MessageCreateParamsNonStreaming(
        model="claude-sonnet-4-6", max_tokens=2048, system=SYSTEM, tools=tools,
        messages=[{"role": "user", "content": f["text"]}])) for f in filings]
    return client.messages.batches.create(requests=requests)
