"""One request per call; which of them run per item depends on who loops over them."""

import anthropic

client = anthropic.Anthropic()


def classify(email):
    # only a dead helper in app/helpers.py loops over it
    return client.messages.create(model="claude-haiku-4-5", max_tokens=20,
                                  messages=[{"role": "user", "content": f"Spam or not? {email}"}])


def summarize(doc):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=300,  # TB401
                                  messages=[{"role": "user", "content": f"Summarize: {doc}"}])


def tag(row):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=30,  # TB401
                                  messages=[{"role": "user", "content": f"Tags for: {row}"}])


def translate(text):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=400,  # TB401
                                  messages=[{"role": "user", "content": f"In French: {text}"}])


def outline(doc):
    # only a private method nothing calls loops over it (app/helpers.py)
    return client.messages.create(model="claude-haiku-4-5", max_tokens=300,
                                  messages=[{"role": "user", "content": f"Outline: {doc}"}])


def headline(doc):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=30,  # TB401
                                  messages=[{"role": "user", "content": f"A headline for: {doc}"}])


def condense(doc):
    # only a public method nothing names loops over it (in app/helpers.py)
    return client.messages.create(model="claude-haiku-4-5", max_tokens=300,
                                  messages=[{"role": "user", "content": f"Condense: {doc}"}])


def brief(doc):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=300,  # TB401
                                  messages=[{"role": "user", "content": f"Brief: {doc}"}])


def abstract(doc):
    # only a name-mangled private method nothing calls loops over it (in app/helpers.py)
    return client.messages.create(model="claude-haiku-4-5", max_tokens=300,
                                  messages=[{"role": "user", "content": f"Abstract: {doc}"}])


def grade(item):
    # only a helper app/jobs.py imports and never calls loops over it (app/helpers.py)
    return client.messages.create(model="claude-haiku-4-5", max_tokens=20,
                                  messages=[{"role": "user", "content": f"Grade 1-5: {item}"}])


def score(item):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=20,  # TB401
                                  messages=[{"role": "user", "content": f"Score 1-5: {item}"}])
