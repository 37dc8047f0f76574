"""Requests kept in a cache the function looks up first: a repeat costs nothing, so a loop over
them is not batching advice (as with @lru_cache). An early return that is not a cache hit changes nothing,
and nor does a cache on disk: it lets a rerun resume, but the first run still sends every item. Nor does
a cache the caller hands in and the function only reads: the record of a previous run's output."""
import json
import sqlite3
from pathlib import Path

from anthropic import Anthropic

client = Anthropic()
MODEL = "claude-sonnet-4-6"
CACHE_DIR = Path(".answers")


class Summariser:
    def __init__(self):
        self._cache = {}

    def summarise(self, text):
        if text in self._cache:
            return self._cache[text]
        reply = client.messages.create(model=MODEL, max_tokens=300, messages=[{"role": "user", "content": text}])
        self._cache[text] = reply
        return reply


_MEMO = {}


def _cache_get(key):
    return _MEMO.get(key)


def label(key, text):
    cached = _cache_get(key)
    if cached is not None:
        return cached
    return client.messages.create(model=MODEL, max_tokens=300, messages=[{"role": "user", "content": text}])


def _stored(key):
    path = CACHE_DIR / f"{key}.json"
    return json.loads(path.read_text()) if path.exists() else None


def classify(key, text):
    cached = _stored(key)  # a checkpoint on disk: a rerun skips what is done
    if cached is not None:
        return cached
    return client.messages.create(model=MODEL, max_tokens=300,  # TB401
                                  messages=[{"role": "user", "content": f"Classify: {text}"}])


def extract(key, text):
    path = CACHE_DIR / f"{key}.extract.json"
    if path.exists():
        return json.loads(path.read_text())
    return client.messages.create(model=MODEL, max_tokens=300,  # TB401
                                  messages=[{"role": "user", "content": f"Extract: {text}"}])


def grade(item, cache):
    if item["id"] in cache:  # what an earlier run finished (the caller loads it from its output file)
        return cache[item["id"]]
    return client.messages.create(model=MODEL, max_tokens=300,  # TB401
                                  messages=[{"role": "user", "content": f"Grade: {item['text']}"}])


def remember(item, cache):
    if item["id"] in cache:  # a memo the function fills: a repeat is free
        return cache[item["id"]]
    cache[item["id"]] = client.messages.create(model=MODEL, max_tokens=300,
                                               messages=[{"role": "user", "content": f"Note: {item['text']}"}])
    return cache[item["id"]]


def tag(text):
    if not text:  # an empty item: not a cache
        return None
    return client.messages.create(model=MODEL, max_tokens=300,  # TB401
                                  messages=[{"role": "user", "content": text}])


class AnswerStore:
    """Answers kept in SQLite: a checkpoint across runs, like the files above."""

    def __init__(self, path):
        self.conn = sqlite3.connect(path)

    def get(self, key):
        row = self.conn.execute("SELECT answer FROM answers WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None


class Translator:
    def __init__(self):
        self.cache = AnswerStore("answers.db")

    def translate(self, key, text):
        cached = self.cache.get(key)  # the store's get runs an SQL query: a rerun resumes, no more
        if cached is not None:
            return cached
        return client.messages.create(model=MODEL, max_tokens=300,  # TB401
                                      messages=[{"role": "user", "content": f"Translate: {text}"}])


def run(rows):
    summariser = Summariser()
    summaries = [summariser.summarise(text) for _, text in rows]
    labels = [label(key, text) for key, text in rows]
    tags = [tag(text) for _, text in rows]
    classes = [classify(key, text) for key, text in rows]
    extracts = [extract(key, text) for key, text in rows]
    done = json.loads(Path("grades.json").read_text())
    grades = [grade({"id": key, "text": text}, done) for key, text in rows]
    notes = [remember({"id": key, "text": text}, done) for key, text in rows]
    translator = Translator()
    translations = [translator.translate(key, text) for key, text in rows]
    return summaries, labels, tags, classes, extracts, grades, notes, translations
