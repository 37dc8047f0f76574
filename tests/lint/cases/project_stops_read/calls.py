"""The project passes settings.stop_sequences to one call: the other may leave it out on purpose."""
import anthropic

from settings import settings

client = anthropic.Anthropic()


def extract(q):
    return client.messages.create(model=settings.model, max_tokens=settings.max_tokens,
                                  stop_sequences=settings.stop_sequences, messages=[{"role": "user", "content": q}])


def chat(q):
    return client.messages.create(model=settings.model, max_tokens=settings.max_tokens,
                                  messages=[{"role": "user", "content": q}])
