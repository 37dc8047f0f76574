"""The ways a module spells the path of a prompt file next to it or under the project root."""
import importlib.resources
import os
import tomllib
from pathlib import Path

import anthropic

client = anthropic.Anthropic()
ROOT = Path(__file__).resolve().parents[1]
FROM_ROOT = (ROOT / "app" / "prompts" / "core.md").read_text(encoding="utf-8")
SIBLING = Path(__file__).with_name("prompts").joinpath("core.md").read_text()
JOINED = Path(os.path.dirname(__file__), "prompts", "core.md").read_text()
PACKAGED = importlib.resources.read_text("app.prompts", "core.md")
# an environment variable may name another file; its default, made a string first, is this one
OVERRIDABLE = Path(os.environ.get("CORE_PROMPT", str(ROOT / "app" / "prompts" / "core.md")))
with open(Path(__file__).parent / "prompts" / "settings.toml", "rb") as fh:
    SETTINGS = tomllib.load(fh)


def from_root(q):
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=FROM_ROOT,  # TB101
                                  messages=[{"role": "user", "content": q}])


def sibling(q):
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=SIBLING,  # TB101
                                  messages=[{"role": "user", "content": q}])


def joined(q):
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=JOINED,  # TB101
                                  messages=[{"role": "user", "content": q}])


def packaged(q):
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=PACKAGED,  # TB101
                                  messages=[{"role": "user", "content": q}])


def from_settings(q):
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=512,
                                  system=SETTINGS["support"]["system"],  # TB101
                                  messages=[{"role": "user", "content": q}])


def overridable(q):  # the file the default names (a deployment may point elsewhere)
    text = OVERRIDABLE.read_text(encoding="utf-8")
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=512,
                                  messages=[{"role": "user", "content": text + "\n\n" + q}])  # TB101
