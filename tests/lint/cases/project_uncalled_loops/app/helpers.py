"""Helpers the jobs use; the loop below is dead code (no file calls it), so it is no batch work."""

from app.llm import classify


def normalise(text):
    return " ".join(text.split())


def classify_all(emails):
    results = []
    for email in emails:
        results.append(classify(email))
    return results
