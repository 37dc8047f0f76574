"""Queues drained page by page by a ``while`` loop: each pass fetches the next page of work and the
loop stops when none is left, so its requests are per-item work (TB401), not a service loop, a
conversation or one request repeated. A loop that waits when the queue is empty is a service."""
import time

from anthropic import Anthropic

client = Anthropic()
MODEL = "claude-sonnet-4-6"


class Categorizer:
    def categorize(self, rows):
        return client.messages.create(model=MODEL, max_tokens=400,  # TB401
                                      messages=[{"role": "user", "content": "\n".join(rows)}])

    def label(self, row):
        return client.messages.create(model=MODEL, max_tokens=50,  # TB401
                                      messages=[{"role": "user", "content": row}])

    def watch(self, row):  # reached only from the polling service below
        return client.messages.create(model=MODEL, max_tokens=50,
                                      messages=[{"role": "user", "content": row}])


def run(sheet, max_batches=100):
    categorizer = Categorizer()
    batch = 0
    while batch < max_batches:  # the next page each pass, until the sheet has none left
        batch += 1
        try:
            rows = sheet.uncategorized(limit=50, offset=0)
        except TimeoutError:
            time.sleep(60)
            rows = sheet.uncategorized(limit=50, offset=0)
        if not rows:
            break
        sheet.write(categorizer.categorize(rows))


def label_all(queue):
    categorizer = Categorizer()
    while True:
        page = queue.pending(batch_size=20)
        if not page:
            break
        for row in page:
            queue.done(row, categorizer.label(row))


def serve(queue):
    categorizer = Categorizer()
    while True:  # a service: an empty queue means wait, not done
        page = queue.pending(batch_size=20)
        if not page:
            time.sleep(30)
            continue
        for row in page:
            queue.done(row, categorizer.watch(row))
