"""A judge provider that forwards its callers' extra keywords (``**kwargs``) and reads the reply
through getattr (tolerating odd replies): a whole message, so the request does not stream, and a
benchmark reviews every case through it."""
import anthropic


class Provider:
    def __init__(self, model="claude-haiku-4-5", **defaults):
        self.model = model
        self.defaults = defaults
        self.client = anthropic.Anthropic()

    def complete(self, prompt, **kwargs):
        merged = {**self.defaults, **kwargs}
        response = self.client.messages.create(model=self.model, max_tokens=800,  # TB401
                                               messages=[{"role": "user", "content": prompt}], **merged)
        return "".join(getattr(block, "text", "") for block in getattr(response, "content", []))


def review_all(cases):
    provider = Provider()
    return [provider.complete(f"Review this answer:\n{case}") for case in cases]
