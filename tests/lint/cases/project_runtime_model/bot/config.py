"""Models and prompts of a chat bot whose model is a per-conversation setting stored in a database."""
import os

DEFAULT_MODEL = os.getenv("DEFAULT_MODEL", "claude-sonnet-4-6")
MODELS = {"sonnet": "claude-sonnet-4-6", "haiku": "claude-haiku-4-5"}

FORMAT_RULES = "Reply in plain text with short paragraphs and no markdown headers. " * 120  # ~1,560 tokens
OWNER_CONTEXT = "The customer runs a bakery chain with twelve shops and a central kitchen. " * 100  # ~1,500

PROMPTS = {
    "default": FORMAT_RULES + OWNER_CONTEXT + "Be concise.",
    "code": FORMAT_RULES + OWNER_CONTEXT + "Answer as a senior engineer.",
}
