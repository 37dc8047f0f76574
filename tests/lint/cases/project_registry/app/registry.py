"""One table of model records: the Claude models this project can send (app/service.py)."""
from dataclasses import dataclass

ANTHROPIC = "anthropic"


@dataclass
class ModelSpec:
    provider: str
    api_model: str
    paid: bool = False


MODELS = {
    "fast": ModelSpec(ANTHROPIC, "claude-3-haiku-20240307"),  # retired
    "smart": ModelSpec(ANTHROPIC, "claude-opus-4-5-20251124", paid=True),  # never a real id
    "mini": ModelSpec("openai", "gpt-4o-mini"),
}


def resolve(name):
    return MODELS.get(name, MODELS["mini"])
