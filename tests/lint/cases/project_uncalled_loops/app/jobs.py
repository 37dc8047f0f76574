"""The nightly job: run as a script, over every document."""

import sys

import typer

from app.helpers import grade_all, normalise
from app.helpers import score_all as scores
from app.llm import summarize, tag

cli = typer.Typer()


def nightly(docs):
    scores(docs)
    return [summarize(normalise(d)) for d in docs]


@cli.command()
def label_all(path: str):
    # called by the CLI framework, not by name
    for row in open(path):
        tag(row)


if __name__ == "__main__":
    nightly(open(sys.argv[1]).read().split("\n\n"))
