import json

from .evals.mmlu import MMLUEval
from .samplers.claude import ClaudeSampler


def main(path: str) -> None:
    examples = [json.loads(line) for line in open(path)]
    print(MMLUEval(examples)(ClaudeSampler()))
