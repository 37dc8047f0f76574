"""Offline jobs: each loops over a collection and sends one independent request per item."""
import click

from app import llm
from app.llm import Writer, call_claude, with_retries
from app.pipeline import process_all, run_suite


def store(result):
    print(result)


def load_items():
    return []


def label_pending(items):
    from app.llm import classify as llm_classify

    for item in items:
        store(llm_classify(item))


def evaluate(dataset):
    return run_suite(generate=llm.generate, prompt="Answer briefly.", dataset=dataset)


def summarize_all(docs):
    fn = llm.summarize
    return process_all(docs, fn)


def translate_all(texts):
    for text in texts:
        store(with_retries(text))


def ask_all(questions):
    results = []
    for q in questions:
        results.append(call_claude([{"role": "user", "content": q}]))
    return results


def grade_all(rows):
    for row in rows:
        trials = 0
        while trials < 5:
            trials += 1
            try:
                store(llm.grade(row))
                break
            except ValueError:
                pass


class Campaign:
    def __init__(self):
        self.writer = Writer()

    def _draft(self, lead):
        return self.writer.write(lead)

    def process(self, lead):
        return self._draft(lead)

    def run(self, leads):
        for lead in leads:
            store(self.process(lead))


@click.command()
def tag_all():
    for item in load_items():
        store(llm.tag(item))


def demo():
    for key in ("alpha", "beta", "gamma"):
        store(llm.describe(key))


def find_answer(questions):
    for q in questions:
        reply = llm.first_answer(q)
        if reply:
            return reply
    return None


def score_column(df):
    df["score"] = df["text"].apply(llm.score)
    return df


def rewrite_all(texts):
    return list(map(lambda t: llm.rewrite(t), texts))


def agent(task):
    from concurrent.futures import ThreadPoolExecutor

    messages = [{"role": "user", "content": task}]
    while True:
        blocks = llm.plan(messages)
        if not blocks:
            return messages
        with ThreadPoolExecutor() as pool:
            messages.extend(pool.map(lambda b: llm.run_tool(b), blocks))
