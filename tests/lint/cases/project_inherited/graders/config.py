from dataclasses import dataclass

RUBRIC = "You grade answers against the rubric. " + "Rubric clause. " * 600


@dataclass
class GraderConfig:
    system_prompt: str = RUBRIC
    model: str = "claude-sonnet-4-6"
