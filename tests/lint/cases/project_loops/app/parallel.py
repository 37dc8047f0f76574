"""Per-item runs through joblib, a concurrency wrapper (``asyncio.to_thread``) and threads."""
import asyncio
import threading

import anthropic
from joblib import Parallel, delayed

client = anthropic.Anthropic()
MODEL = "claude-sonnet-4-6"


def score(text):
    return client.messages.create(model=MODEL, max_tokens=16,  # TB401
                                  messages=[{"role": "user", "content": text}])


def tag(text):
    return client.messages.create(model=MODEL, max_tokens=16,  # TB401
                                  messages=[{"role": "user", "content": text}])


def translate(text):
    return client.messages.create(model=MODEL, max_tokens=16,  # TB401
                                  messages=[{"role": "user", "content": text}])


def headline(text):  # once per run, through the same wrapper: not a loop
    return client.messages.create(model=MODEL, max_tokens=16,
                                  messages=[{"role": "user", "content": text}])


def score_all(texts):
    return Parallel(n_jobs=8)(delayed(score)(t) for t in texts)


async def limited(sem, fn, *args):
    async with sem:
        return await asyncio.to_thread(fn, *args)


async def tag_all(texts):
    sem = asyncio.Semaphore(4)
    return await asyncio.gather(*[limited(sem, tag, t) for t in texts])


async def front_page(text):
    return await limited(asyncio.Semaphore(1), headline, text)


def translate_all(texts):
    workers = [threading.Thread(target=translate, args=(t,)) for t in texts]
    for w in workers:
        w.start()
