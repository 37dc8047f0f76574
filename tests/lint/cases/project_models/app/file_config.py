"""Settings read from a YAML file in the user's home: the class default runs unless the file sets the key."""
from dataclasses import dataclass
from pathlib import Path

import anthropic
import yaml


@dataclass
class WriterConfig:
    writer_model: str = "claude-3-opus-20240229"

    @classmethod
    def load(cls, path=None):
        data: dict = {}
        target = path or Path.home() / ".writer" / "config.yaml"
        if target.exists():
            with open(target) as f:
                data = yaml.safe_load(f) or {}
        return cls(writer_model=data.get("writer_model", cls.writer_model))


@dataclass
class ReviewConfig:
    reviewer_model: str = "claude-3-opus-20240229"

    @classmethod
    def load(cls, path):
        with open(path) as f:
            data = yaml.safe_load(f)
        return cls(reviewer_model=data.get("reviewer_model", cls.reviewer_model))


class Writer:
    def __init__(self, config: WriterConfig):
        self.config = config
        self.client = anthropic.Anthropic()

    def write(self, q):
        return self.client.messages.create(model=self.config.writer_model, max_tokens=300,  # TB302
                                           messages=[{"role": "user", "content": q}])


class Reviewer:
    def __init__(self, config: ReviewConfig):
        self.config = config
        self.client = anthropic.Anthropic()

    def review(self, q):
        return self.client.messages.create(model=self.config.reviewer_model, max_tokens=300,  # review.yaml sets it
                                           messages=[{"role": "user", "content": q}])


def main(path):
    Writer(WriterConfig.load()).write("x")
    Reviewer(ReviewConfig.load(path)).review("x")
