import anthropic

client = anthropic.Anthropic()


def chat(text: str) -> str:
    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=1024,  # TB401
                                   messages=[{"role": "user", "content": text}])
    return reply.content[0].text


def demo_chat(text: str) -> str:
    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=1024,
                                   messages=[{"role": "user", "content": text}])
    return reply.content[0].text
