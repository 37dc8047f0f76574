"""A router dispatching by task name to a provider whose requests pass ``**kwargs`` on and hand the
reply to a wrapping helper: a loop asking for "vision" reaches only the vision request."""
from anthropic import Anthropic


class Provider:
    def __init__(self):
        self.client = Anthropic()

    def chat(self, text, **kwargs):
        resp = self.client.messages.create(model="claude-sonnet-4-6", max_tokens=800,
                                           messages=[{"role": "user", "content": text}], **kwargs)
        return self._wrap(resp)

    def vision(self, text, **kwargs):
        resp = self.client.messages.create(model="claude-haiku-4-5", max_tokens=800,  # TB401
                                           messages=[{"role": "user", "content": text}], **kwargs)
        return self._wrap(resp)

    def _wrap(self, resp):
        return "".join(b.text for b in resp.content if b.type == "text")  # read whole: never a stream


class Router:
    def __init__(self):
        self.provider = Provider()

    def call(self, task, text, **kwargs):
        if task == "vision":
            return self.provider.vision(text, **kwargs)
        return self.provider.chat(text, **kwargs)


def pages_to_products(pages):
    router = Router()
    return [router.call(task="vision", text=f"List the products:\n{p}") for p in pages]  # a batch
