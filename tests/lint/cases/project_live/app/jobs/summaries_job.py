"""A nightly job summarising the archive: the same summaries, offline."""
from app.services.summaries import summarise_docs


def main(paths):
    return summarise_docs([open(p).read() for p in paths])
