"""RuntimeSettings built by a factory with a branch per mode, through a helper that reads then falls back."""
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class RuntimeSettings:
    api_key: str
    mock_mode: bool
    claude_model: str
    draft_model: str


def _env(name: str, default: str = "") -> str:
    value = os.getenv(name, "").strip()
    return value or default


def get_runtime_settings() -> RuntimeSettings:
    claude_model = _env("CLAUDE_MODEL", "claude-sonnet-4-5-20250929")  # retired: what runs unless the variable is set
    if os.getenv("MOCK_MODE"):
        return RuntimeSettings(api_key="mock", mock_mode=True, claude_model=claude_model, draft_model=os.environ["DRAFT"])
    return RuntimeSettings(api_key=_env("ANTHROPIC_API_KEY"), mock_mode=False, claude_model=claude_model,
                    draft_model=os.environ["DRAFT"])
