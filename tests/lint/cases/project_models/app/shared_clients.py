"""Clients made once at module level and imported by app/imported_calls.py."""
import os

import anthropic
from openai import OpenAI

client = anthropic.Anthropic(api_key=os.getenv("ANTHROPIC_API_KEY"))
router = OpenAI(base_url="https://openrouter.ai/api/v1")  # a gateway: its own model lifecycle
