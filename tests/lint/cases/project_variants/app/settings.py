"""Settings with defaults (read from the environment at run time)."""

from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    bot_language: str = "de"
    fallback_language: str = "en"


settings = Settings()
