"""Every tool sent up front: the baseline the test scripts load by file path."""

import json
import os

import anthropic

MODEL = "claude-sonnet-4-6"
client = anthropic.Anthropic()


def load_tools_from_json():
    json_path = os.path.join(os.path.dirname(__file__), "..", "tools_library.json")
    with open(json_path) as f:
        return json.load(f)["tools"]


TOOL_LIBRARY = load_tools_from_json()
