"""The requests read their prompt from the configuration object they were built with."""
import anthropic

from review.config import EnvConfig, ReviewConfig


class Reviewer:
    def __init__(self, config: ReviewConfig):
        self.config = config
        self.client = anthropic.Anthropic()

    def review(self, diff):
        return self.client.messages.create(model=self.config.model, max_tokens=800,
                                           system=self.config.system_prompt,  # TB101
                                           messages=[{"role": "user", "content": diff}])


class EnvReviewer:
    def __init__(self, config: EnvConfig):
        self.config = config
        self.client = anthropic.Anthropic()

    def review(self, diff):
        return self.client.messages.create(model=self.config.model, max_tokens=800,
                                           system=self.config.system_prompt,  # TB101
                                           messages=[{"role": "user", "content": diff}])
