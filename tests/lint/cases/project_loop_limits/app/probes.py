"""A judge run over every sentence, and a smoke run over the first five."""

from concurrent.futures import ProcessPoolExecutor, as_completed

from tqdm import tqdm

from app.llm import grade_until_answered, judge_first_few, judge_until_done, judge_with_capped_tries, plan


def judge_all(sentences):
    return [judge_until_done(s) for s in sentences]


def judge_each(sentences):
    return [judge_with_capped_tries(s) for s in sentences]


def grade_all(sentences):
    with ProcessPoolExecutor(max_workers=4) as pool:
        futures = {pool.submit(grade_until_answered, s): s for s in sentences}
        return [f.result() for f in as_completed(futures)]


def smoke(sentences):
    for j in tqdm(range(5)):  # five sentences: a check by hand, not a batch
        print(judge_first_few(sentences[j]))


def steps_of(task):
    return [step.strip() for step in plan(task)]  # plan() runs once, before the items
