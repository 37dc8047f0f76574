"""A facade shaped like the SDK client that runs the local ``claude`` command line instead."""

import json
import subprocess


class _Messages:
    def __init__(self, owner):
        self._owner = owner

    def create(self, model, messages, system=None, **_ignored):
        prompt = "\n\n".join(m["content"] for m in messages)
        out = subprocess.run(["claude", "-p", prompt, "--model", model, "--output-format", "json"],
                             capture_output=True, text=True, check=True)
        return json.loads(out.stdout)


class ClaudeCLI:
    def __init__(self, cwd="."):
        self.cwd = cwd
        self.messages = _Messages(self)
