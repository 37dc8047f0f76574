"""An OpenAI client pointed at OpenRouter with a Claude slug: OpenRouter's API and bill (its own model
slugs, no Message Batches), not a Claude API call site, so silent. The same request through
Anthropic's OpenAI-compatible endpoint is one."""
import os

from openai import OpenAI

router = OpenAI(api_key=os.environ["OPENROUTER_API_KEY"], base_url="https://openrouter.ai/api/v1")
claude = OpenAI(api_key=os.environ["ANTHROPIC_API_KEY"], base_url="https://api.anthropic.com/v1/")


def label_via_openrouter(review: str):
    return router.chat.completions.create(model="anthropic/claude-sonnet-4.5",
                                          messages=[{"role": "user", "content": review}])


def label_via_claude(review: str):
    return claude.chat.completions.create(model="claude-sonnet-4-6",  # TB201
                                          messages=[{"role": "user", "content": review}])


class ClaudeCompat:
    """The OpenAI SDK sent to the Claude API through a class constant: every model it runs is Claude's."""

    BASE_URL = "https://api.anthropic.com/v1/"

    def __init__(self, model: str, base_url: str | None = None):
        self.model = model
        self.client = OpenAI(api_key=os.environ["ANTHROPIC_API_KEY"], base_url=base_url or self.BASE_URL)

    def label(self, review: str):
        return self.client.chat.completions.create(model=self.model,  # TB201
                                                   messages=[{"role": "user", "content": review}])
