"""A check picked by a function that returns one of several (``checker = pick(case)``), then run on
every file: each check is sent once per file."""
from anthropic import Anthropic

client = Anthropic()
MODEL = "claude-sonnet-4-6"


def check_complaints(text):
    return client.messages.create(model=MODEL, max_tokens=300,  # TB401
                                  messages=[{"role": "user", "content": f"Complaints in:\n{text}"}])


def check_disclosure(text):
    return client.messages.create(model=MODEL, max_tokens=300,  # TB401
                                  messages=[{"role": "user", "content": f"Disclosures in:\n{text}"}])


def summarize(text):  # picked too, but its picker's result runs once per call: silent
    return client.messages.create(model=MODEL, max_tokens=300,
                                  messages=[{"role": "user", "content": f"Summarize:\n{text}"}])


def pick(case):
    if case == "complaint":
        return check_complaints
    return check_disclosure


def pick_summary():
    return summarize


def run(case, paths):
    checker = pick(case)
    for path in paths:
        with open(path) as f:
            checker(f.read())


def report(text):
    return pick_summary()(text)
