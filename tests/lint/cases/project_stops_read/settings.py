from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    model: str = "claude-haiku-4-5"
    max_tokens: int = 300
    stop_sequences: list[str] = ["</answer>"]


settings = Settings()
