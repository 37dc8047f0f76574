import json

from .providers import Provider, Summarizer


def evaluate(provider: Provider, path: str) -> list[str]:
    print("provider:", provider.describe())  # once per run: not a loop
    rows = [json.loads(line) for line in open(path)]
    answers = []
    for row in rows:  # one request per sample, results stored: a batch
        answers.append(provider.generate(row["question"]))
    return answers


def summaries(docs: list[str]) -> list[str]:
    summarizer = Summarizer()
    return [summarizer.summarize(d) for d in docs]
