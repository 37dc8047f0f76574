"""A nightly script: its coroutine runs under asyncio.run, so its sequential loop is batch work;
the same loop in a coroutine nothing runs as a script is live work (someone awaits it)."""
import asyncio
import json
import sys

from anthropic import Anthropic, AsyncAnthropic

client = AsyncAnthropic()
blocking = Anthropic()
MODEL = "claude-sonnet-4-6"


async def digest(doc):
    reply = await client.messages.create(model=MODEL, max_tokens=300,  # TB401
                                         messages=[{"role": "user", "content": doc}])
    return reply.content[0].text


async def answer(question):
    reply = await client.messages.create(model=MODEL, max_tokens=300,
                                         messages=[{"role": "user", "content": question}])
    return reply.content[0].text


def label(text):  # a blocking call collected in a list that is never gathered: not a fan-out
    return blocking.messages.create(model=MODEL, max_tokens=5, messages=[{"role": "user", "content": text}])


async def main(path):
    digests = []
    for doc in json.load(open(path)):
        digests.append(await digest(doc))
    json.dump(digests, open("digests.json", "w"))


async def label_each(texts):  # one after another in async code: live work
    labels = []
    for text in texts:
        labels.append(label(text))
    return labels


async def answer_each(questions):  # awaited by whoever asks: live work
    answers = []
    for question in questions:
        answers.append(await answer(question))
    return answers


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
