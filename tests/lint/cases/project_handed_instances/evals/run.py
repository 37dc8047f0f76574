import json

from evals.backends import get_backend
from evals.grading import grade_all
from evals.model import Model
from evals.scoring import converse, score


def main(path):
    samples = [json.loads(line) for line in open(path)]
    print(score(Model(), samples))


def interactive():
    converse(Model())


def grade(path, name="claude"):
    backend = get_backend(name)
    rows = [json.loads(line) for line in open(path)]
    return grade_all(backend, rows)


def chat_with(name):
    converse(get_backend(name))
