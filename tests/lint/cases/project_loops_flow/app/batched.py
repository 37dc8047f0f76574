"""Requests sent under a batching library's context: the library turns them into a Message Batch."""
import asyncio

import anthropic
from batchlib import batch_context, batchify

from app import llm

aclient = anthropic.AsyncAnthropic()


async def build(questions):
    return [aclient.messages.create(model="claude-sonnet-4-6", max_tokens=64,
                                    messages=[{"role": "user", "content": q}]) for q in questions]


async def main():
    return await asyncio.gather(*await build(["What is 2 + 2?", "Name a colour."]))


async def run():
    async with batchify():
        await main()


def ask_all(questions):
    with batch_context():
        return [llm.ask(q) for q in questions]
