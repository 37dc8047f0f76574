import asyncio
from concurrent.futures import ThreadPoolExecutor

from tqdm import tqdm

from app import llm
from app.llm import Analyst, fix, process
from app.llm import ask_async, ask_model, converse, label, lookup, once, reply, summarize, translate


def run(docs, items, rows, questions, df):
    summaries = [None] * len(docs)
    for i, doc in enumerate(tqdm(docs)):
        summaries[i] = summarize(doc)
    labels = [label(x) for x in items]
    with ThreadPoolExecutor(8) as pool:
        classes = list(pool.map(llm.classify, rows))
    answers = asyncio.run(asyncio.gather(*[ask_async(q) for q in questions]))
    for model in ["claude-haiku-4-5", "claude-sonnet-4-6"]:
        ask_model(model, "ping")
    for attempt in range(3):
        try:
            translate("bonjour")
            break
        except Exception:
            pass
    while True:
        print(reply(input("> ")))
    history = []
    for q in questions:
        history.append({"role": "user", "content": q})
        answer = converse(history)
        history.append({"role": "assistant", "content": answer})
    for term in ["a", "b", "a"]:
        lookup(term)
    once("hello")
    analyst = Analyst()
    for it in items:
        analyst.classify_item(it)
    extracted = [process(p) for p in docs]
    for x in items:
        for attempt in range(3):  # a retry inside the per-item loop
            try:
                fix(x)
                break
            except Exception:
                continue
    return summaries, labels, classes, answers


def evaluate(rows, predict):
    # the function is passed in: the loop calls it through the parameter
    with ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(predict, r) for r in rows]
    return [f.result() for f in futures]


def score_all(rows, chunks):
    evaluate(rows, llm.grade)
    for chunk in chunks:  # chunks of items, one independent request each: a batch of chunks (TB401)
        llm.grade_chunk(chunk)
    for temperature in [0.0, 0.5, 1.0]:  # a parameter sweep
        llm.grade_chunk(temperature)
