"""Offline runs over a file of tickets (batch work), and a chat (live: silent)."""
import json

from triage.graph import build_chat, build_summarizer, run


def label_all(path):
    return [run(t["text"]) for t in json.load(open(path))]


def summarize_all(path):
    summarizer = build_summarizer()
    out = []
    for ticket in json.load(open(path)):
        out.append(summarizer.invoke({"text": ticket["text"]}))
    return out


def chat():
    app = build_chat()
    history = []
    while True:
        history.append({"role": "user", "content": input("> ")})
        history = app.invoke({"history": history})["history"]
