from enum import Enum


class Tier(Enum):
    FAST = "claude-3-haiku-20240307"
    SMART = "claude-opus-4-7"
