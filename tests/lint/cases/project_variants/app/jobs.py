"""Callers of the wrapper: what each request asks for."""

from app.wrapper import chat, chat_mixed, chat_unknown

RATE = "Rate the novelty of this paper on a scale from 1 to 5. Reply ONLY with JSON: {\"score\": <int>}"
LABEL = "Classify the sentiment of this review as positive, negative or neutral."
ESSAY = "Write a detailed three-page essay on the history of the paper's field, with citations."


def score(paper):
    return chat([{"role": "system", "content": RATE}, {"role": "user", "content": paper}], max_tokens=256)


def label(review):
    return chat([{"role": "system", "content": LABEL}, {"role": "user", "content": review}], max_tokens=512)


def mixed(paper):  # a rating and an essay: not every caller asks for a simple task
    chat_mixed([{"role": "user", "content": RATE + paper}])
    return chat_mixed([{"role": "user", "content": ESSAY + paper}], max_tokens=8000)


def unknown(history):  # the messages are not known here: silent
    return chat_unknown(history)


def triage(ticket):
    from app.wrapper import chat_as_assistant, chat_reasoning

    chat_reasoning([{"role": "user", "content": LABEL + "\n" + ticket}])
    return chat_as_assistant([{"role": "user", "content": LABEL + "\n" + ticket}])
