"""The one request of the agents package: the model comes from its callers."""
import anthropic

client = anthropic.Anthropic()


def complete(model, q):
    return client.messages.create(model=model, max_tokens=400,  # TB302
                                  messages=[{"role": "user", "content": q}])
