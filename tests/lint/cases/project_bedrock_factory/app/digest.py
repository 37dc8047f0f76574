"""Per-item requests through a client another module's factory makes. Sent a Bedrock id, the client
is Bedrock's (the Claude API would answer 404): no TB303 for the id's spelling and no Message
Batches advice (Bedrock's batch inference is another API). Sent a Claude API id, the same loop is
batch work."""
from app.backend import make_client


def translate_all(items, config):
    client = make_client(config)
    model = config.get("model", "us.anthropic.claude-opus-4-6-v1")
    out = []
    for item in items:
        reply = client.messages.create(model=model, max_tokens=2048,
                                       messages=[{"role": "user", "content": "Translate to French: " + item}])
        out.append(reply.content[0].text)
    return out


def summarize_all(items, config):
    client = make_client(config)
    out = []
    for item in items:
        reply = client.messages.create(model="claude-opus-4-6", max_tokens=2048,  # TB401
                                       messages=[{"role": "user", "content": "Summarize: " + item}])
        out.append(reply.content[0].text)
    return out
