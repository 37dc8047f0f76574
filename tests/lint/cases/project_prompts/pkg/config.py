MODEL = "claude-sonnet-4-6"


class Settings:
    MAX_TOKENS = 512
