"""Requests sent through retry wrappers and retry loops (`while True:` whose try leaves on success, a
lambda handed to a retry helper). A call marked with a TB401 comment is looped over by run.py;
every retry loop here is a retry, never a batch."""
import functools
import time

import anthropic
import backoff
from tenacity import Retrying, retry, stop_after_attempt, wait_exponential

client = anthropic.Anthropic()
MODEL = "claude-haiku-4-5"


def with_retries(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        for attempt in range(5):
            try:
                return fn(*args, **kwargs)
            except anthropic.APIError:
                time.sleep(2 ** attempt)
    return wrapper


@retry(stop=stop_after_attempt(3), wait=wait_exponential())
def tenacity_decorated(doc):
    return client.messages.create(model=MODEL, max_tokens=300, messages=[{"role": "user", "content": doc}])  # TB401


@backoff.on_exception(backoff.expo, anthropic.RateLimitError, max_tries=5)
def backoff_decorated(doc):
    return client.messages.create(model=MODEL, max_tokens=300, messages=[{"role": "user", "content": doc}])  # TB401


@with_retries
def local_decorated(doc):
    return client.messages.create(model=MODEL, max_tokens=300, messages=[{"role": "user", "content": doc}])  # TB401


create = retry(stop=stop_after_attempt(3))(client.messages.create)


def wrapped_method(doc):
    return create(model=MODEL, max_tokens=300, messages=[{"role": "user", "content": doc}])  # TB401


def wrapped_inline(doc):
    return backoff.on_exception(backoff.expo, anthropic.RateLimitError)(client.messages.create)(  # TB401
        model=MODEL, max_tokens=300, messages=[{"role": "user", "content": doc}])


def call_with_retry(fn, *args, **kwargs):
    for i in range(4):
        try:
            return fn(*args, **kwargs)
        except anthropic.APIError:
            time.sleep(i)


def through_helper(doc):
    return call_with_retry(client.messages.create, model=MODEL, max_tokens=300,  # TB401
                           messages=[{"role": "user", "content": doc}])


def through_retrying(doc):
    retryer = Retrying(stop=stop_after_attempt(3))
    return retryer(client.messages.create, model=MODEL, max_tokens=300,  # TB401
                   messages=[{"role": "user", "content": doc}])


def retry_loop_only(doc):
    for attempt in range(3):
        try:
            return client.messages.create(model=MODEL, max_tokens=300, messages=[{"role": "user", "content": doc}])
        except anthropic.APIError:
            time.sleep(attempt)


def memoised(doc):
    return functools.lru_cache()(client.messages.create)(model=MODEL, max_tokens=300,
                                                         messages=[{"role": "user", "content": doc}])


def while_true_counted(doc):
    attempt = 0
    while True:  # a retry: the try leaves the loop on success, bookkeeping beside it
        attempt += 1
        try:
            return client.messages.create(model=MODEL, max_tokens=300,  # TB401
                                          messages=[{"role": "user", "content": doc}])
        except anthropic.RateLimitError:
            if attempt >= 5:
                raise
            time.sleep(2 ** attempt)


def while_true_break(doc):
    while True:
        try:
            reply = client.messages.create(model=MODEL, max_tokens=300,  # TB401
                                           messages=[{"role": "user", "content": doc}])
            break
        except anthropic.APIError:
            time.sleep(3)
    return reply


def through_lambda(doc):
    return call_with_retry(lambda: client.messages.create(model=MODEL, max_tokens=300,  # TB401
                                                          messages=[{"role": "user", "content": doc}]))


def chat_service(queue):
    # not a retry: the try never leaves the loop, each cycle serves the next message
    while True:
        message = queue.get()
        try:
            print(client.messages.create(model=MODEL, max_tokens=300,
                                         messages=[{"role": "user", "content": message}]))
        except anthropic.APIError:
            time.sleep(1)


def with_fallback_request(doc):
    # the handler re-sends the request that failed: the loop's finding is the try's request's alone
    try:
        return client.messages.create(model=MODEL, max_tokens=300, messages=[{"role": "user", "content": doc}])  # TB401
    except anthropic.APIStatusError:
        return client.messages.create(model=MODEL, max_tokens=300, messages=[{"role": "user", "content": doc}])
