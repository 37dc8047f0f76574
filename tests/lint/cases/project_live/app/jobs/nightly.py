"""A scheduled job: it loops over the documents it collected itself (batch work)."""
from app.services.facts import summarise_all


def main(paths):
    docs = [open(p).read() for p in paths]
    return summarise_all(docs)
