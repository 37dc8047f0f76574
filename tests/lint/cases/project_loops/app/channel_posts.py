"""Posts to each channel with asyncio.run(...) in a loop; the summariser runs once, for the digest."""
import asyncio

from app.channels import Summarizer


async def post(channel, text):
    return channel, text


def main(channels, digest):
    text = Summarizer().run(digest)
    for channel in channels:
        asyncio.run(post(channel, text))
