"""Field classes whose objects reach the calls in app/typed_calls.py as annotated parameters."""
import os
from dataclasses import dataclass

from pydantic import BaseModel


@dataclass
class ChatConfig:
    api_key: str
    claude_model: str
    max_tokens: int = 400

    @classmethod
    def from_env(cls) -> "ChatConfig":
        return cls(api_key=os.getenv("KEY", ""), claude_model=os.getenv("CLAUDE_MODEL", "claude-3-opus-20240229"))


@dataclass
class AgentSettings:
    model: str = "claude-3-5-haiku-20241022"
    max_tokens: int = 400


@dataclass
class MixedConfig:
    model: str = "claude-3-haiku-20240307"


class ReviewSettings(BaseModel):
    model: str = "claude-3-sonnet-20240229"


class OpenSettings(BaseModel):
    model: str = "claude-3-sonnet-20240229"


class NeverBuilt(BaseModel):
    model: str = "claude-3-sonnet-20240229"


@dataclass
class CliConfig:
    cli_model: str = "claude-3-opus-20240229"


class LoadedSettings(BaseModel):
    model: str = "claude-3-opus-20240229"


def load():
    return {"model": input("model? ")}


def build():
    # MixedConfig gets a current model from one construction; OpenSettings is built from a dict
    # CliConfig's field is set after construction; LoadedSettings is also validated from data
    cli = CliConfig()
    cli.cli_model = input("model? ")
    loaded = [LoadedSettings(), LoadedSettings.model_validate(load())]
    agent = AgentSettings(model="claude-3-haiku-20240307", max_tokens=800)  # a retired id as well
    return [MixedConfig(), MixedConfig("claude-sonnet-5-5"), ReviewSettings(), OpenSettings(**load()), cli, loaded,
            agent]
