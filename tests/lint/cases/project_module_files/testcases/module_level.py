"""The baseline loaded once, at import, by the same kind of helper."""

import importlib.util
from pathlib import Path

HERE = Path(__file__).parent


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BASELINE = load(HERE.parent / "baseline" / "all_tools.py", "all_tools")


def ask(question):
    return BASELINE.client.messages.create(model=BASELINE.MODEL, max_tokens=1024, tools=BASELINE.TOOL_LIBRARY,  # TB101
                                           messages=[{"role": "user", "content": question}])
