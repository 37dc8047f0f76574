"""A command-line tool written as coroutines: run() hands main() to the event loop, and the walk
awaits the per-file stage both directly and through the per-folder stage that recurses. Every path
leads to the script, so the per-block loop is batch work, not a request someone waits on."""
import asyncio
import os
import sys

import anthropic

client = anthropic.Anthropic()


async def describe(code):
    reply = client.messages.create(model="claude-haiku-4-5", max_tokens=300,  # TB401
                                   messages=[{"role": "user", "content": f"Write a docstring for:\n{code}"}])
    return reply.content[0].text


async def document_file(path):
    for block in open(path).read().split("\n\n"):
        print(await describe(block))


async def document_folder(folder):
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if os.path.isdir(path):
            await document_folder(path)
        elif name.endswith(".py"):
            await document_file(path)


async def document(target):
    if os.path.isdir(target):
        await document_folder(target)
    else:
        await document_file(target)


async def main():
    await document(sys.argv[1])


def run():
    asyncio.run(main())
