"""A nightly script: one short summary per channel, written to a file."""
import asyncio

from app.executor_summary import ChannelSummarizer


async def main(channels):
    summarizer = ChannelSummarizer()
    return [await summarizer.short_summary(channel) for channel in channels]


if __name__ == "__main__":
    asyncio.run(main(["general", "random", "support", "sales", "ops", "dev", "design", "infra", "legal",
                      "finance", "hiring", "events"]))
