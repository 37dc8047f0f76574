"""A settings object in a sub-folder package (run from backend/: `from api.config import settings`)."""
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    CLAUDE_MODEL: str = "claude-3-sonnet-20240229"


settings = Settings()
