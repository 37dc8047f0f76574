"""A nightly job over every new document."""
from app.extract import extract_fields


def run(documents):
    return [extract_fields(prompt="Extract the title and the authors.", chunk=d) for d in documents]
