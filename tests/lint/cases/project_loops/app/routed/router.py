"""A process-wide router made by a cached factory beside its class and re-exported by its
package: callers hold what ``get_router()`` hands out, never the class itself."""
from functools import lru_cache

from anthropic import Anthropic


class Router:
    def __init__(self):
        self.client = Anthropic()

    def ask(self, text):
        return self.client.messages.create(model="claude-sonnet-4-6", max_tokens=800,  # TB401
                                           messages=[{"role": "user", "content": text}])


@lru_cache(maxsize=1)
def get_router() -> Router:
    return Router()
