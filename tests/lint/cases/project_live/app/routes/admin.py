"""A maintenance helper that lives in the web folder but answers no request: batch work stays batch."""
from app.services.facts import summarise_all


def rebuild_summaries(docs):
    return summarise_all(docs)
