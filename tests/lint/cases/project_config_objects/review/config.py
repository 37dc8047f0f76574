"""Configuration objects that carry the prompt as a field default (``Reviewer(ReviewConfig())``)."""
from dataclasses import dataclass, field

from pydantic_settings import BaseSettings

from review.prompts import RUBRIC


@dataclass
class ReviewConfig:
    model: str = "claude-sonnet-4-6"
    system_prompt: str = RUBRIC  # a default that is a constant of another module
    labels: list = field(default_factory=list)


class EnvConfig(BaseSettings):  # the defaults are what runs when the environment sets nothing
    model: str = "claude-sonnet-4-6"
    system_prompt: str = RUBRIC
