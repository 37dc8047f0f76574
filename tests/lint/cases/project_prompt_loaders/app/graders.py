"""Prompts in a YAML file read with Path.read_text() and parsed with yaml.safe_load, nested keys."""
from pathlib import Path

import anthropic
import yaml

client = anthropic.Anthropic()
GRADERS = yaml.safe_load((Path(__file__).parent / "data" / "graders.yaml").read_text())


def grade_strictly(reply):
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=5,
                                  system=GRADERS["strict"]["system"],  # TB101
                                  messages=[{"role": "user", "content": reply}])


def grade_leniently(reply):  # a one-line prompt: nothing worth caching
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=5, system=GRADERS["lenient"]["system"],
                                  messages=[{"role": "user", "content": reply}])
