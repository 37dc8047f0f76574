"""A caller passes ``self.config.summary_model``: what every construction of the config class gives the field."""
from dataclasses import dataclass
from typing import Optional

import anthropic

client = anthropic.Anthropic()


@dataclass
class RunConfig:
    summary_model: str = "claude-3-opus-20240229"
    retries: int = 2


def summarize(text, model):
    return client.messages.create(model=model, max_tokens=300,  # TB302
                                  messages=[{"role": "user", "content": text}])


class Runner:
    def __init__(self, config: Optional[RunConfig] = None):
        self.config = config or RunConfig()

    def finish(self, text):
        return summarize(text, model=self.config.summary_model)


@dataclass
class MixedConfig:
    summary_model: str = "claude-3-opus-20240229"


def summarize_mixed(text, model):
    return client.messages.create(model=model, max_tokens=300,  # one construction sets a current id
                                  messages=[{"role": "user", "content": text}])


class MixedRunner:
    def __init__(self, config: MixedConfig):
        self.config = config

    def finish(self, text):
        return summarize_mixed(text, model=self.config.summary_model)


def main():
    Runner(RunConfig(retries=3)).finish("x")
    MixedRunner(MixedConfig()).finish("x")
    MixedRunner(MixedConfig(summary_model="claude-sonnet-5-5")).finish("y")
