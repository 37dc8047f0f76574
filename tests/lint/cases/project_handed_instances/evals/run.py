import json

from evals.model import Model
from evals.scoring import converse, score


def main(path):
    samples = [json.loads(line) for line in open(path)]
    print(score(Model(), samples))


def interactive():
    converse(Model())
