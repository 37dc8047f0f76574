"""A request helper bound with functools.partial and handed to a report runner in another module,
which calls it once per thread (TB401 names the loop in report.py)."""
from functools import partial

import anthropic

from app.report import summarize_all

client = anthropic.Anthropic()


def call_claude(text, system, model):
    return client.messages.create(model=model, max_tokens=300, system=system,  # TB401
                                  messages=[{"role": "user", "content": text}])


def main(threads):
    return summarize_all(threads, summarizer=partial(call_claude, system="Summarise the thread.",
                                                     model="claude-haiku-4-5"))
