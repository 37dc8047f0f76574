import anthropic

from .base import Reviewer

MODEL = "claude-haiku-4-5"


class ClaudeReviewer(Reviewer):
    def __init__(self):
        self.client = anthropic.Anthropic()

    def scan(self, section):
        def make_request():
            return self.client.messages.create(model=MODEL, max_tokens=400,  # TB401
                                               messages=[{"role": "user", "content": section}])

        return self._retry(make_request)

    def label(self, text):
        def make_request():
            return self.client.messages.create(model=MODEL, max_tokens=400,  # TB401
                                               messages=[{"role": "user", "content": text}])

        return make_request()

    def summarize(self, text):
        def make_request():
            return self.client.messages.create(model=MODEL, max_tokens=400,
                                               messages=[{"role": "user", "content": text}])

        return self._retry(make_request)

    def _send(self, text):
        return self.client.messages.create(model=MODEL, max_tokens=400,  # TB401
                                           messages=[{"role": "user", "content": text}])

    def translate(self, text):
        def attempt():
            return self._send(text)

        return self._retry(attempt)

    def _send_once(self, text):
        return self.client.messages.create(model=MODEL, max_tokens=400,
                                           messages=[{"role": "user", "content": text}])

    def describe(self, text):
        def attempt():
            return self._send_once(text)

        return attempt()
