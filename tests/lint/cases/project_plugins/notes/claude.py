"""Note titles from Claude. No module is handed around here: a parameter's .title() is not this."""
import anthropic

client = anthropic.Anthropic()


def title(note):
    reply = client.messages.create(model="claude-haiku-4-5", max_tokens=30,
                                   messages=[{"role": "user", "content": f"Title for: {note}"}])
    return reply.content[0].text
