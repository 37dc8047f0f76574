"""Generic drivers that receive the request function as an argument."""
import json


def iterate(fn, prompt, dataset):
    results = []
    for req in dataset:
        results.append(json.loads(fn(prompt, json.dumps(req))))
    return results


def run_suite(generate, prompt, dataset):
    return iterate(generate, prompt, dataset)


def process_all(docs, handler):
    out = {}
    for i, doc in enumerate(docs):
        out[i] = handler(doc)
    return out
