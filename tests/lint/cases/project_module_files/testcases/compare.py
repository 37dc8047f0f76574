"""Loads the baseline by file path (importlib), as scripts beside a folder with a dash in its name do."""

import importlib.util
import os
import sys


def load_module_from_file(filepath, module_name):
    spec = importlib.util.spec_from_file_location(module_name, filepath)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def run_through_helper(queries):
    module_path = os.path.join(os.path.dirname(__file__), "..", "baseline", "all_tools.py")
    module = load_module_from_file(module_path, "all_tools")
    client = module.client
    messages = []
    for query in queries:
        messages.append({"role": "user", "content": query})
        reply = client.messages.create(model=module.MODEL, max_tokens=1024, tools=module.TOOL_LIBRARY,  # TB101
                                       messages=messages)
        messages.append({"role": "assistant", "content": reply.content})


def run_inline(queries):
    here = os.path.dirname(os.path.abspath(__file__))
    spec = importlib.util.spec_from_file_location("all_tools", os.path.join(here, "..", "baseline", "all_tools.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    messages = []
    for query in queries:
        messages.append({"role": "user", "content": query})
        reply = module.client.messages.create(model=module.MODEL, max_tokens=1024, tools=module.TOOL_LIBRARY,  # TB101
                                              messages=messages)
        messages.append({"role": "assistant", "content": reply.content})


def run_chosen(queries):
    # the file is named on the command line: its tools cannot be pinned, so nothing is claimed
    module = load_module_from_file(sys.argv[1], "chosen")
    messages = []
    for query in queries:
        messages.append({"role": "user", "content": query})
        reply = module.client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, tools=module.TOOL_LIBRARY,
                                              messages=messages)
        messages.append({"role": "assistant", "content": reply.content})
