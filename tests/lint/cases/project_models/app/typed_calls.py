"""Models read from a configuration object received as an annotated parameter (app/typed_config.py)."""
from typing import Optional

import anthropic

from app.typed_config import (AgentSettings, ChatConfig, CliConfig, LoadedSettings, MixedConfig, NeverBuilt,
                              OpenSettings, ReviewSettings)

client = anthropic.Anthropic()


class ChatClient:
    def __init__(self, config: Optional[ChatConfig] = None):
        self.config = config

    def ask(self, q):
        # every ChatConfig comes from ChatConfig.from_env: the env default is retired
        return client.messages.create(model=self.config.claude_model, max_tokens=400,  # TB302
                                      messages=[{"role": "user", "content": q}])


def review(settings: ReviewSettings | None, q):
    return client.messages.create(model=settings.model, max_tokens=400,  # TB302
                                  messages=[{"role": "user", "content": q}])


def mixed(config: MixedConfig, q):  # one construction passes a current model
    return client.messages.create(model=config.model, max_tokens=400,
                                  messages=[{"role": "user", "content": q}])


def spread(settings: OpenSettings, q):  # built from a dict: the field cannot be told
    return client.messages.create(model=settings.model, max_tokens=400,
                                  messages=[{"role": "user", "content": q}])


def never(settings: NeverBuilt, q):  # no construction in the project: its objects come from elsewhere
    return client.messages.create(model=settings.model, max_tokens=400,
                                  messages=[{"role": "user", "content": q}])


def set_later(config: CliConfig, q):  # the field is assigned after construction
    return client.messages.create(model=config.cli_model, max_tokens=400,
                                  messages=[{"role": "user", "content": q}])


def validated(settings: LoadedSettings, q):  # also built by model_validate from data
    return client.messages.create(model=settings.model, max_tokens=400,
                                  messages=[{"role": "user", "content": q}])


class Agent:
    def __init__(self, config: Optional[AgentSettings] = None):
        self.config = config or AgentSettings()  # the fallback construction relies on the field's default

    def run(self, q):
        # every AgentSettings (the fallback, typed_config.build) carries a retired id
        return client.messages.create(model=self.config.model, max_tokens=self.config.max_tokens,  # TB302
                                      messages=[{"role": "user", "content": q}])


class MixedAgent:
    def __init__(self, config: Optional[MixedConfig] = None):
        self.config = config or MixedConfig()

    def run(self, q):  # one MixedConfig construction passes a current model
        return client.messages.create(model=self.config.model, max_tokens=400,
                                      messages=[{"role": "user", "content": q}])
