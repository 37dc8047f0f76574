"""Commands: a dry run over a few unread messages by default, and an export of every message."""

from app.llm import label_export, label_message


def fetch_messages(limit=None, max_retries=0):
    return []


def classify(limit: int = 5):
    messages = fetch_messages(limit=limit)

    def run():
        for message in messages:  # five unless told otherwise: each verdict printed as it comes
            print(label_message(message))

    run()


def export(limit: int = 5000, max_retries: int = 3):
    messages = fetch_messages(limit=limit, max_retries=max_retries)  # (a retry count caps no items)

    def run():
        for message in messages:
            print(label_export(message))

    run()


def eval_cmd(path: str = "golden.jsonl"):
    import asyncio
    import json

    from app.evals import run_evals

    items = [json.loads(line) for line in open(path)]
    print(asyncio.run(run_evals(items)))
