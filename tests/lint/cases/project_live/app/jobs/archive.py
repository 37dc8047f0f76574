"""A nightly job over every archived contract: the same per-clause request is batch work here."""
from app.services.clauses import review_clause


def review_archive(clauses):
    return [review_clause(c) for c in clauses]
