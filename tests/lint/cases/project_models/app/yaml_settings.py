"""Settings read from a YAML file when it is there, with the dataclass's default before it."""
from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass
class PipelineConfig:
    anthropic_model: str = "claude-sonnet-4-6"


def load_pipeline_config() -> PipelineConfig:
    root = Path(__file__).resolve().parent.parent
    path = root / "pipeline.yaml"
    data = {}
    if path.exists():
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    models = data.get("models", {})
    return PipelineConfig(anthropic_model=models.get("anthropic", "claude-sonnet-4-6"))
