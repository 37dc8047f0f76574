"""A catalog class whose records are built by keyword; one Claude record is current."""
from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class ModelInfo:
    provider: str
    model_id: str
    display_name: str = ""


class ModelCatalog:
    _REGISTRY: ClassVar[dict[str, ModelInfo]] = {
        "old": ModelInfo(provider="anthropic", model_id="claude-3-haiku-20240307", display_name="Claude 3 Haiku"),
        "new": ModelInfo(provider="anthropic", model_id="claude-opus-5-5", display_name="Claude Opus 5.5"),
        "local": ModelInfo(provider="ollama", model_id="llama3.1"),
    }

    @classmethod
    def lookup(cls, model_id):
        return next(info for info in cls._REGISTRY.values() if info.model_id == model_id)
