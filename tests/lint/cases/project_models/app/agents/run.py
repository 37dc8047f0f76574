"""Builds the assistant through a dotted module path (import app.agents.assistant)."""
from dataclasses import dataclass

import app.agents.assistant


@dataclass
class LlmConfig:
    model: str
    temperature: float = 0.0


def main(q):
    config = LlmConfig(model="claude-3-haiku-20240307")
    return app.agents.assistant.Assistant(config).ask(q)
