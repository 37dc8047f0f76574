import anthropic

client = anthropic.Anthropic()


def label(state):
    reply = client.messages.create(model="claude-haiku-4-5", max_tokens=200,  # TB401
                                   messages=[{"role": "user", "content": f"Label this ticket: {state['text']}"}])
    return {"label": reply.content[0].text}


def summarize(state):
    reply = client.messages.create(model="claude-haiku-4-5", max_tokens=200,  # TB401
                                   messages=[{"role": "user", "content": f"Summarize: {state['text']}"}])
    return {"summary": reply.content[0].text}


def answer(state):
    reply = client.messages.create(model="claude-haiku-4-5", max_tokens=400,
                                   messages=state["history"])
    return {"history": [*state["history"], {"role": "assistant", "content": reply.content[0].text}]}
