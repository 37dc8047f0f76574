"""A function that calls the classifier in both arms of a test on its own flag (the user's override
is applied to the result, or not): the flag does not decide whether the request is sent, so the
loop over the evaluation's files sends one request per file either way."""
from anthropic import Anthropic

client = Anthropic()


def classify(text):
    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=300,  # TB401
                                   messages=[{"role": "user", "content": f"Which form is this? {text}"}])
    return {"form": reply.content[0].text}


def process(path, override=None):
    text = open(path).read()
    if override:
        result = classify(text)
        result["form"] = override
    else:
        result = classify(text)
    return result


def evaluate(paths):
    for path in paths:
        print(process(path))
