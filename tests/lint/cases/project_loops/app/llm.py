"""The request helpers; the loops that call them live in runner.py."""
import functools

import anthropic

client = anthropic.Anthropic()
aclient = anthropic.AsyncAnthropic()
MODEL = "claude-sonnet-4-6"


def summarize(doc):
    return client.messages.create(model=MODEL, max_tokens=512,  # TB401
                                  messages=[{"role": "user", "content": "Summarise:\n" + doc}])


def label(item):
    return client.messages.create(model=MODEL, max_tokens=16,  # TB401
                                  messages=[{"role": "user", "content": item}])


def classify(row):
    return client.messages.create(model=MODEL, max_tokens=16,  # TB401
                                  messages=[{"role": "user", "content": row}])


async def ask_async(q):
    return await aclient.messages.create(model=MODEL, max_tokens=256,  # TB401
                                         messages=[{"role": "user", "content": q}])


def ask_model(model, q):
    # called in a sweep over models: not a batch
    return client.messages.create(model=model, max_tokens=256, messages=[{"role": "user", "content": q}])


def translate(text):
    # called in a retry loop: not a batch
    return client.messages.create(model=MODEL, max_tokens=256, messages=[{"role": "user", "content": text}])


def reply(q):
    # called in an interactive loop: not a batch
    return client.messages.create(model=MODEL, max_tokens=256, messages=[{"role": "user", "content": q}])


def converse(history):
    # each request carries the previous answer: dependent
    return client.messages.create(model=MODEL, max_tokens=256, messages=history)


@functools.lru_cache(maxsize=None)
def lookup(term):
    # memoised: repeats are free
    return client.messages.create(model=MODEL, max_tokens=64, messages=[{"role": "user", "content": term}])


def once(q):
    # called once, outside any loop
    return client.messages.create(model=MODEL, max_tokens=64, messages=[{"role": "user", "content": q}])


class Analyst:
    def classify_item(self, item):
        return client.messages.create(model=MODEL, max_tokens=16,  # TB401
                                      messages=[{"role": "user", "content": item}])


def extract(page):
    return client.messages.create(model=MODEL, max_tokens=1024,  # TB401
                                  messages=[{"role": "user", "content": page}])


def process(pdf):
    # no loop here: the loop is in process()'s caller
    return extract(pdf)


def fix(text):
    return client.messages.create(model=MODEL, max_tokens=256,  # TB401
                                  messages=[{"role": "user", "content": text}])


def grade(row):
    return client.messages.create(model=MODEL, max_tokens=16,  # TB401
                                  messages=[{"role": "user", "content": row}])


def grade_chunk(rows):
    return client.messages.create(model=MODEL, max_tokens=512, messages=[{"role": "user", "content": str(rows)}])  # TB401
