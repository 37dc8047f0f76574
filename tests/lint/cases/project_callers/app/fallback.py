"""A model-fallback wrapper: the client is an untyped parameter and every field but the model comes
from the callers' keywords (``**kwargs``), the model popped from them. persona.py sends through it."""
from anthropic import NotFoundError

DEFAULT_MODEL = "claude-sonnet-4-6"
FALLBACK_MODELS = ("claude-sonnet-4-6", "claude-haiku-4-5")


def create_with_fallback(client, **kwargs):
    primary = kwargs.pop("model", None) or DEFAULT_MODEL
    for name in [primary, *FALLBACK_MODELS]:
        try:
            # persona.reply sends the large POLICY-based system prompt, uncached
            return client.messages.create(model=name, **kwargs)  # TB101
        except NotFoundError:
            continue
    raise RuntimeError("no model answered")


def send_plain(client, **kwargs):
    # the only caller sends a one-line system prompt: nothing to cache
    return client.messages.create(model=DEFAULT_MODEL, **kwargs)
