"""Request settings kept together, stop sequences included."""
import os
from dataclasses import dataclass, field

from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    model: str = "claude-haiku-4-5"
    max_tokens: int = 300
    stop_sequences: list[str] = ["</answer>"]


settings = Settings()


@dataclass
class LLMConfig:
    model: str = "claude-haiku-4-5"
    max_tokens: int = 300
    stop_sequences: list[str] = field(default_factory=lambda: ["</answer>"])  # not a constant: unknown


cfg = LLMConfig()

CONFIG = {"model": "claude-haiku-4-5", "max_tokens": 300, "stop_sequences": ["</label>"]}

MODEL = "claude-haiku-4-5"
STOP_SEQUENCES = ["</sql>"]


class EnvSettings(BaseSettings):
    model: str = "claude-haiku-4-5"
    stop: str | None = os.getenv("STOP")  # no default: unknown


env = EnvSettings()
