"""The eval over dataset.json: three rows today, the eval set tomorrow (a batch either way)."""
import json

from llm import chat


def run_eval(dataset):
    return [chat(case["task"]) for case in dataset]


with open("dataset.json") as fh:
    dataset = json.load(fh)
print(run_eval(dataset))
