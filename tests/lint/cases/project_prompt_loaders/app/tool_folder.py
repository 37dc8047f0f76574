"""Tool definitions kept one JSON file each in ``tools/``, loaded by a loop over the folder."""
import json
from pathlib import Path

import anthropic

client = anthropic.Anthropic()
TOOL_DIR = Path(__file__).parent / "tools"


def load_tool(name):
    with open(TOOL_DIR / f"{name}.json") as fh:
        return json.load(fh)


def all_tools():
    tools = {}
    for file in TOOL_DIR.glob("*.json"):
        tool_name = file.stem
        tools[tool_name] = load_tool(tool_name)
    return tools


def listed_tools():  # the loop skips some files: which ones is not known here
    tools = {}
    for file in sorted(TOOL_DIR.iterdir()):
        if file.suffix == ".json":
            tools[file.stem] = json.loads(file.read_text())
    return tools


TOOLS = all_tools()
EXTRACT = load_tool("extract_contract")
SOME = listed_tools()


def extract(contract):  # the 40-field tool is read from its file through the folder's dict
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=2048,
                                  tools=[TOOLS["extract_contract"]],  # TB101
                                  messages=[{"role": "user", "content": contract}])


def flag(contract):  # the one-field tool is far below the minimum
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=256, tools=[TOOLS["flag_risk"]],
                                  messages=[{"role": "user", "content": contract}])


def filtered(contract):  # a loop with a filter in it: the dict is not known, nothing to say
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=2048, tools=[SOME["extract_contract"]],
                                  messages=[{"role": "user", "content": contract}])
