"""Calls whose model is kept in config (app/config.py, app/constants.py) or is a defaulted parameter."""
import anthropic

from app import config
from app.config import configured, limits, settings
from app.constants import DEFAULT_MODELS

client = anthropic.Anthropic()


def env_default(q):
    return client.messages.create(model=config.CLAUDE_MODEL, max_tokens=400,  # TB302
                                  messages=[{"role": "user", "content": q}])


def env_current(q):
    return client.messages.create(model=config.FAST_MODEL, max_tokens=400,
                                  messages=[{"role": "user", "content": q}])


def env_without_default(q):
    return client.messages.create(model=config.ANY_MODEL, max_tokens=400,
                                  messages=[{"role": "user", "content": q}])


def env_or_fallback(q):
    return client.messages.create(model=config.JUDGE_MODEL, max_tokens=400,  # TB302
                                  messages=[{"role": "user", "content": q}])


def settings_field(q):
    return client.messages.create(model=settings.REVIEW_MODEL, max_tokens=400,  # TB302
                                  messages=[{"role": "user", "content": q}])


def pydantic_field_default(q):
    return client.messages.create(model=settings.SUMMARY_MODEL, max_tokens=400,  # TB302
                                  messages=[{"role": "user", "content": q}])


def pydantic_field_positional(q):
    return client.messages.create(model=settings.WRITER_MODEL, max_tokens=400,  # TB302
                                  messages=[{"role": "user", "content": q}])


def required_field(q):
    return client.messages.create(model=settings.ROUTER_MODEL, max_tokens=400,
                                  messages=[{"role": "user", "content": q}])


def dataclass_field(q):
    return client.messages.create(model=limits.model, max_tokens=400,  # TB302
                                  messages=[{"role": "user", "content": q}])


def constructor_sets_it(q):
    return client.messages.create(model=configured.REVIEW_MODEL, max_tokens=400,
                                  messages=[{"role": "user", "content": q}])


class Provider:
    def __init__(self, model=None):
        self.model = model or DEFAULT_MODELS["anthropic"]

    async def generate(self, prompt):
        async def _gen(key):
            return await anthropic.AsyncAnthropic(api_key=key).messages.create(
                model=self.model, max_tokens=400,  # TB302
                messages=[{"role": "user", "content": prompt}])
        return await _gen("k")


def provider():
    return Provider()


class Configurable:
    def __init__(self, model=None):
        self.model = model or DEFAULT_MODELS["anthropic"]

    def ask(self, q):
        # Configurable() relies on the retired fallback (another caller passes a current model): TB302
        return client.messages.create(model=self.model, max_tokens=400,  # TB302
                                      messages=[{"role": "user", "content": q}])


def configurables():
    return [Configurable(), Configurable(model="claude-sonnet-5-5")]
