"""Settings read through a small env wrapper: ``_env("SONNET_MODEL", cls.sonnet_model)`` is the class default while the variable is unset."""
import os
from dataclasses import dataclass

import anthropic


@dataclass
class BotSettings:
    sonnet_model: str = "claude-3-opus-20240229"
    haiku_model: str = "claude-haiku-5-5"

    @classmethod
    def from_env(cls):
        def _env(key, default=""):
            return os.environ.get(f"BOT_{key}", default)

        return cls(sonnet_model=_env("SONNET_MODEL", cls.sonnet_model),
                   haiku_model=_env("HAIKU_MODEL", cls.haiku_model))


@dataclass
class TunedSettings:
    model: str = "claude-3-opus-20240229"

    @classmethod
    def from_env(cls):
        return cls(model=os.environ.get("TUNED_MODEL", cls.model))


class Planner:
    def __init__(self, settings: BotSettings):
        self.settings = settings
        self.client = anthropic.Anthropic()

    def plan(self, q):
        return self.client.messages.create(model=self.settings.sonnet_model, max_tokens=300,  # TB302
                                           messages=[{"role": "user", "content": q}])

    def ack(self, q):
        return self.client.messages.create(model=self.settings.haiku_model, max_tokens=30,  # a current default
                                           messages=[{"role": "user", "content": q}])


class Tuned:
    def __init__(self, settings: TunedSettings):
        self.settings = settings
        self.client = anthropic.Anthropic()

    def plan(self, q):
        return self.client.messages.create(model=self.settings.model, max_tokens=300,  # tuning.py may set it
                                           messages=[{"role": "user", "content": q}])


def main():
    Planner(BotSettings.from_env()).plan("x")
    Tuned(TunedSettings.from_env()).plan("x")
