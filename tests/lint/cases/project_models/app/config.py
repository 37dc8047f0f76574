"""Where the model ids live: env defaults and a settings object (no call here)."""
import os
from dataclasses import dataclass, field

from pydantic import Field
from pydantic_settings import BaseSettings

CLAUDE_MODEL = os.getenv("CLAUDE_MODEL", "claude-3-sonnet-20240229")  # the default runs when unset
FAST_MODEL = os.environ.get("FAST_MODEL", default="claude-sonnet-5-5")
ANY_MODEL = os.getenv("ANY_MODEL")  # no default: nothing to judge


class Settings(BaseSettings):
    ANTHROPIC_API_KEY: str
    REVIEW_MODEL: str = "claude-3-haiku-20240307"
    SUMMARY_MODEL: str = Field(default="claude-3-opus-20240229")
    WRITER_MODEL: str = Field("claude-2.1", description="legacy")
    ROUTER_MODEL: str  # required: set from the environment, unknown here


@dataclass
class Limits:
    model: str = field(default="claude-3-5-haiku-20241022")


settings = Settings()
limits = Limits()
configured = Settings(REVIEW_MODEL="claude-sonnet-5-5")  # the constructor sets it: not the class default
JUDGE_MODEL = os.getenv("JUDGE_MODEL") or "claude-3-5-sonnet-20241022"  # the fallback runs when unset
