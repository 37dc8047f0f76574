"""An eval library's decoder: the API namespace picked by name (``getattr(client, name).create``),
the request's arguments in ``**kwargs``, the reply dumped whole, one prompt per pool task."""
import functools
import time
from concurrent.futures import ThreadPoolExecutor

import anthropic


def completions(prompts, model_name="claude-haiku-4-5", client_function_name="messages", **decoding_kwargs):
    helper = functools.partial(_helper, model=model_name, client_function_name=client_function_name,
                               **decoding_kwargs)
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(helper, prompts))


def _helper(prompt, client_function_name="messages", n_retries=3, **kwargs):
    client = anthropic.Anthropic()
    for _ in range(n_retries):  # a retry loop inside the per-prompt task does not hide it
        try:
            response = getattr(client, client_function_name).create(  # TB401
                messages=[{"role": "user", "content": prompt}], max_tokens=300, **kwargs)
            return response.model_dump()
        except anthropic.RateLimitError:
            time.sleep(1)


def by_unknown_name(prompts, namespace, **kwargs):
    client = anthropic.Anthropic()
    # the namespace cannot be pinned (messages? the legacy completions?): not a call site, silent
    return [getattr(client, namespace).create(prompt=p, max_tokens_to_sample=300, **kwargs) for p in prompts]


def summarise(docs, model="claude-haiku-4-5"):
    summarise_one = functools.partial(_summary, model=model)
    return list(map(summarise_one, docs))  # the builtin map over a bound partial


def _summary(doc, model):
    client = anthropic.Anthropic()
    return client.messages.create(model=model, max_tokens=300,  # TB401
                                  messages=[{"role": "user", "content": doc}]).content[0].text


def first_only(docs):
    pick = functools.partial(_first, model="claude-haiku-4-5")
    return pick(docs[0])  # one call: nothing to batch


def _first(doc, model):
    client = anthropic.Anthropic()
    return client.messages.create(model=model, max_tokens=300,
                                  messages=[{"role": "user", "content": doc}]).content[0].text


def translate_all(docs, model="claude-haiku-4-5"):
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(functools.partial(_translate, model=model), docs))  # made where it is mapped


def _translate(doc, model):
    client = anthropic.Anthropic()
    return client.messages.create(model=model, max_tokens=300,  # TB401
                                  messages=[{"role": "user", "content": doc}]).content[0].text
