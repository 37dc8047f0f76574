"""Helpers the jobs use; the loop below is dead code (no file calls it), so it is no batch work."""

from django.core.management.base import BaseCommand

from app.llm import abstract, brief, classify, condense, grade, headline, outline, score


def normalise(text):
    return " ".join(text.split())


def grade_all(items):
    # imported by app/jobs.py, which never calls it: dead code
    return [grade(i) for i in items]


def score_all(items):
    # imported under another name by app/jobs.py, which calls it by that name
    return [score(i) for i in items]


def classify_all(emails):
    results = []
    for email in emails:
        results.append(classify(email))
    return results


class Digest:
    def run(self, docs):
        return self._headlines(docs)

    def _headlines(self, docs):
        # private, but run() calls it: its loop runs
        return [headline(d) for d in docs]

    def _outline_all(self, docs):
        # private and named nowhere else: dead code
        return [outline(d) for d in docs]

    def __abstract_all(self, docs):
        # name-mangled private, named nowhere else: dead code too
        return [abstract(d) for d in docs]


class Summarizer:
    def condense_all(self, docs):
        # public, but no file names it and the project imports this module for its other names: dead
        return [condense(d) for d in docs]


class Command(BaseCommand):
    def handle(self, *docs):
        # a framework's subclass: Django calls handle() by name, so its loop runs
        return [brief(d) for d in docs]
