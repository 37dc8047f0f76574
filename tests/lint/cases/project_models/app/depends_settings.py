"""A FastAPI route gets its settings from a dependency: FastAPI calls get_settings() for it.
(A pydantic BaseSettings there stays unknown: the environment may override its defaults, see
project_config_objects.)"""
from dataclasses import dataclass
from functools import lru_cache

import anthropic
from fastapi import APIRouter, Depends

client = anthropic.Anthropic()
router = APIRouter()


@dataclass
class Settings:
    claude_model: str = "claude-3-5-sonnet-20241022"
    max_tokens: int = 1024


@lru_cache
def get_settings() -> Settings:
    return Settings()


def complete(question, model, max_tokens):
    return client.messages.create(model=model, max_tokens=max_tokens,  # TB302
                                  messages=[{"role": "user", "content": question}])


@router.post("/chat")
def chat(question: str, settings: Settings = Depends(get_settings)):
    return complete(question, settings.claude_model, settings.max_tokens)
