"""A settings instance re-exported by its package's ``__init__``: ``from app.conf import settings``."""
import anthropic

from app.conf import settings


class Scanner:
    def __init__(self):
        self.client = anthropic.Anthropic(api_key=settings.api_key)

    def summarize(self, page):
        return self.client.messages.create(model=settings.model, max_tokens=800,  # TB302
                                           messages=[{"role": "user", "content": page}])
