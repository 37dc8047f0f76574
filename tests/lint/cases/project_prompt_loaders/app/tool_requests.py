"""Requests that import a tool loaded in another module by a helper called with the file's name."""
import anthropic

from app.tool_folder import EXTRACT

client = anthropic.Anthropic()


def extract_by_name(contract):  # load_tool("extract_contract"): that JSON file
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=2048,
                                  tools=[EXTRACT],  # TB101
                                  messages=[{"role": "user", "content": contract}])
