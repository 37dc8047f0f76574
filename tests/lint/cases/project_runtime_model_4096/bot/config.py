"""The same bot, but every model the code names has a 4,096-token minimum (Haiku 4.5, Opus 4.6)."""
import os

DEFAULT_MODEL = os.getenv("DEFAULT_MODEL", "claude-haiku-4-5")
MODELS = {"opus": "claude-opus-4-6", "haiku": "claude-haiku-4-5"}

FORMAT_RULES = "Reply in plain text with short paragraphs and no markdown headers. " * 120  # ~1,560 tokens
OWNER_CONTEXT = "The customer runs a bakery chain with twelve shops and a central kitchen. " * 100  # ~1,500

PROMPTS = {
    "default": FORMAT_RULES + OWNER_CONTEXT + "Be concise.",
    "code": FORMAT_RULES + OWNER_CONTEXT + "Answer as a senior engineer.",
}
