"""The digest is summarised by a Message Batch; only when the batch times out (the polling loop's
``else``) or fails does it send the items one by one: that loop is the way out, not a missed batch.
The same loop run as the main path is."""
import time

from anthropic import Anthropic

client = Anthropic()
MODEL = "claude-haiku-4-5"


def params(item):
    return {"model": MODEL, "max_tokens": 400, "messages": [{"role": "user", "content": f"Summarise: {item}"}]}


def summarize_batch(items):
    try:
        batch = client.messages.batches.create(
            requests=[{"custom_id": str(i), "params": params(item)} for i, item in enumerate(items)])
        waited = 0
        while waited < 3600:
            time.sleep(60)
            waited += 60
            if client.messages.batches.retrieve(batch.id).processing_status == "ended":
                break
        else:
            return summarize_sequential(items)
        return [r.result.message.content[0].text for r in client.messages.batches.results(batch.id)]
    except Exception:
        return summarize_sequential(items)


def summarize_sequential(items):
    return [client.messages.create(**params(item)).content[0].text for item in items]


def summarize_each(items):
    return [client.messages.create(  # TB401
        model=MODEL, max_tokens=400, messages=[{"role": "user", "content": f"Summarise: {item}"}]).content[0].text
        for item in items]


def main(items):
    print(summarize_batch(items), summarize_each(items), summarize_batch_or_each(items), summarize_chunk(items))


def summarize_one(item):
    return client.messages.create(**params(item)).content[0].text


def summarize_batch_or_each(items):
    # the handler goes over the items, but what failed was a Message Batch: still the way out
    try:
        batch = client.messages.batches.create(
            requests=[{"custom_id": str(i), "params": params(item)} for i, item in enumerate(items)])
        return batch.id
    except Exception:
        return [summarize_one(item) for item in items]


def _summarize_single(item):
    return client.messages.create(  # TB401
        model=MODEL, max_tokens=400, messages=[{"role": "user", "content": f"Summarise: {item}"}]).content[0].text


def summarize_chunk(items):
    # one request for the whole chunk; when its reply does not parse, one request per item: the way
    # out goes over the items itself, so it is per-item work
    reply = client.messages.create(
        model=MODEL, max_tokens=2000,
        messages=[{"role": "user", "content": "Summarise each, one per line:\n" + "\n".join(items)}])
    try:
        lines = reply.content[0].text.splitlines()
        if len(lines) != len(items):
            raise ValueError(len(lines))
        return lines
    except ValueError:
        return [_summarize_single(item) for item in items]
