import json

from app.backoff import ask, ask_streaming


def ask_all(path):
    return [ask(q) for q in json.load(open(path))]


def ask_all_streaming(path):
    return [ask_streaming(q, True) for q in json.load(open(path))]
