"""Model parameters with a retired default: who relies on the default decides."""
import anthropic

client = anthropic.Anthropic()


def public_default(q, model="claude-3-opus-20240229"):
    # no caller in the project: the default is what a user of this function sends
    return client.messages.create(model=model, max_tokens=400,  # TB302
                                  messages=[{"role": "user", "content": q}])


def overridden_default(q, model="claude-3-opus-20240229"):
    # every caller passes its own current model: the default is never sent
    return client.messages.create(model=model, max_tokens=400,
                                  messages=[{"role": "user", "content": q}])


def unknown_default(q, model="claude-sonnet-4-7"):
    # an id that never existed: the caller that relies on it gets a 404 whatever the other caller sends
    return client.messages.create(model=model, max_tokens=400,  # TB303
                                  messages=[{"role": "user", "content": q}])


def run(q):
    overridden_default(q, model="claude-sonnet-5-5")
    unknown_default(q, model="claude-sonnet-5-5")
    unknown_default(q)
    return overridden_default(q, "claude-haiku-5-5")


class ContractAnalyzer:
    """A parameter default naming a class constant: defaults are evaluated in the class body."""

    DEFAULT_MODEL = "claude-sonnet-4-20250514"

    def __init__(self, api_key=None, model: str = DEFAULT_MODEL):
        self.client = anthropic.Anthropic(api_key=api_key)
        self.model = model

    def analyze(self, text):
        return self.client.messages.create(model=self.model, max_tokens=400,  # TB302
                                           messages=[{"role": "user", "content": text}])


def analyze_contract(text, api_key):
    return ContractAnalyzer(api_key=api_key).analyze(text)
