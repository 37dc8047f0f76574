"""One request per abstract; the tool's input_schema is a pydantic model's JSON schema (about 1,200
tokens with the tool-use prompt), re-sent uncached every time (TB101). The same request with a schema
whose config changes it has a tool of unknown size: silent."""
import anthropic

from app.schemas import Screening, Tagged

client = anthropic.Anthropic()


def screen(abstract):
    response = client.messages.create(
        model="claude-sonnet-4-6",
        max_tokens=1024,
        system="You screen research abstracts for a systematic review.",  # TB101
        tools=[{"name": "record_screening", "description": "Record the screening of one abstract",
                "input_schema": Screening.model_json_schema()}],
        tool_choice={"type": "tool", "name": "record_screening"},
        messages=[{"role": "user", "content": abstract}],
    )
    return Screening(**response.content[0].input)


def tag(abstract):
    response = client.messages.create(
        model="claude-sonnet-4-6",
        max_tokens=1024,
        system="You screen research abstracts for a systematic review.",
        tools=[{"name": "record_tag", "description": "Record the tag of one abstract",
                "input_schema": Tagged.model_json_schema()}],
        tool_choice={"type": "tool", "name": "record_tag"},
        messages=[{"role": "user", "content": abstract}],
    )
    return Tagged(**response.content[0].input)
