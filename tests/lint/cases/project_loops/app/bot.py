"""A bot's cycle over at most two picked posts (a cap the call spells out), and a chat route whose
background thread updates a few topics: live work, not batches."""
import threading

import anthropic
from fastapi import FastAPI

client = anthropic.Anthropic()
app = FastAPI()


def quote(post):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=100,
                                  messages=[{"role": "user", "content": f"Quote this: {post}"}])


def pick(posts, max_daily=3):
    return posts[:max_daily]


def quote_cycle(posts):
    for post in pick(posts, max_daily=2):
        quote(post)


def note(topic, text):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=100,
                                  messages=[{"role": "user", "content": f"Update the notes on {topic}: {text}"}])


def note_all(text):
    for topic in text.split():
        note(topic, text)


def save_in_background(text):
    def work():
        note_all(text)
    threading.Thread(target=work).start()


@app.post("/chat")
def chat(text: str):
    save_in_background(text)
    return {"ok": True}
