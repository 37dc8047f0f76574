"""A conversation: every request carries the replies before it, so the turns cannot be batched."""
import anthropic

client = anthropic.Anthropic()


def turn(history):
    params = {"model": "claude-sonnet-4-6", "max_tokens": 500, "messages": history}
    reply = client.messages.create(**params)
    return reply.content[0].text


def debate(openings):
    history = []
    for opening in openings:
        history.append({"role": "user", "content": opening})
        answer = turn(history)
        history.append({"role": "assistant", "content": answer})
    return history
