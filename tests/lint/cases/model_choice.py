"""Model choice in a ticket-triage service: premium models on labels, retired and gateway ids.

Dates: the expectations hold from 2026-11-24 on (claude-sonnet-4-5 is TB302 either as deprecated
or, after 2026-11-30, as retired).
"""
import os

import anthropic
from anthropic import AnthropicBedrock

client = anthropic.Anthropic()
bedrock = AnthropicBedrock()
TRIAGE_MODEL = "claude-opus-5-5"
FALLBACK = "claude-sonnet-4.5"  # the gateway spelling copied from an OpenRouter config


def is_urgent(ticket: str) -> bool:
    reply = client.messages.create(
        model=TRIAGE_MODEL,  # TB301
        max_tokens=5,
        messages=[{"role": "user", "content": f"Is this ticket urgent? Answer yes or no.\n{ticket}"}],
    )
    return reply.content[0].text.strip().lower() == "yes"


def summarise(ticket: str) -> str:
    # Not flagged: real work for a premium model.
    reply = client.messages.create(
        model=TRIAGE_MODEL,
        max_tokens=2000,
        messages=[{"role": "user", "content": f"Write a detailed report of what went wrong:\n{ticket}"}],
    )
    return reply.content[0].text


def legacy_answer(question: str) -> str:
    reply = client.messages.create(
        model="claude-opus-4-1-20250805",  # TB302
        max_tokens=800,
        messages=[{"role": "user", "content": question}],
    )
    return reply.content[0].text


def fallback_answer(question: str) -> str:
    reply = client.messages.create(
        model=FALLBACK,  # one finding, not two: its message names the retirement too  # TB303
        max_tokens=800,
        messages=[{"role": "user", "content": question}],
    )
    return reply.content[0].text


def typo_answer(question: str) -> str:
    return client.messages.create(model="claude-sonet-5-5", max_tokens=800,  # TB303
                                  messages=[{"role": "user", "content": question}])


def configured_answer(question: str) -> str:
    # Not flagged: the model comes from the environment.
    return client.messages.create(model=os.environ.get("MODEL", "x"), max_tokens=5,
                                  messages=[{"role": "user", "content": "yes or no? " + question}])


def bedrock_answer(question: str) -> str:
    # Not flagged: Bedrock ids and Bedrock's own model lifecycle.
    return bedrock.messages.create(model="us.anthropic.claude-opus-4-1-20250805-v1:0", max_tokens=800,
                                   messages=[{"role": "user", "content": question}])


ROUTE_TOOL = {
    "name": "extract_ticket_fields",
    "description": "Extract the customer, the product and the order number named in the ticket.",
    "input_schema": {"type": "object", "properties": {"customer": {"type": "string"},
                                                      "product": {"type": "string"},
                                                      "order_number": {"type": ["string", "null"]}}},
}


def ticket_fields(ticket: str) -> dict:
    # A forced extraction tool (the SDK's typed tool_choice): an extraction for the cheaper model.
    reply = client.messages.create(
        model=TRIAGE_MODEL,  # TB301
        max_tokens=1024,
        tools=[ROUTE_TOOL],
        tool_choice=anthropic.types.ToolChoiceToolParam(type="tool", name="extract_ticket_fields"),
        messages=[{"role": "user", "content": ticket}],
    )
    return reply.content[0].input


def attachment_kind(pdf_b64: str) -> str:
    # One of three quoted labels, though the prompt opens with "Analyze": a classification.
    reply = client.messages.create(
        model=TRIAGE_MODEL,  # TB301
        max_tokens=2000,
        messages=[{"role": "user", "content": [
            {"type": "text", "text": 'Analyze the attached file. Its kind is "invoice" or "receipt" or "other".'},
            {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": pdf_b64}},
        ]}],
    )
    return reply.content[0].text


def attachment_lines(pdf_b64: str) -> str:
    # Not flagged: extracting every line of a scanned invoice is reading the scan.
    reply = client.messages.create(
        model=TRIAGE_MODEL,
        max_tokens=16000,
        output_config={"format": {"type": "json_schema", "schema": {"type": "object"}}},
        messages=[{"role": "user", "content": [
            {"type": "text", "text": "Extract every line item with its amount. Return ONLY valid JSON."},
            {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": pdf_b64}},
        ]}],
    )
    return reply.content[0].text
