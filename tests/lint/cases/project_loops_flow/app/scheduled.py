"""A scheduler that starts the whole job each cycle (a script's own event loop, then a long sleep):
the job's per-item requests are batch work. A service loop that handles each cycle's new items as
they come is live work: its answers are used at once."""
import asyncio
import time

import anthropic

client = anthropic.Anthropic()


def score(listing):
    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=300,  # TB401
                                   messages=[{"role": "user", "content": f"Score this job listing:\n{listing}"}])
    return reply.content[0].text


def score_all(listings):
    return [score(x) for x in listings]


async def run_job(source):
    return score_all(await source.fetch_all())


def run_on_schedule(source, interval_seconds):
    while True:
        asyncio.run(run_job(source))
        time.sleep(interval_seconds)


def triage(message):
    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=300,
                                   messages=[{"role": "user", "content": f"Triage this message:\n{message}"}])
    return reply.content[0].text


def triage_all(messages):
    return [triage(m) for m in messages]


def serve(inbox):
    while True:
        for label in triage_all(inbox.fetch_new()):
            inbox.apply(label)
        time.sleep(60)
