"""The request runs in a named local function handed to run_in_executor: one run per call of
short_summary, which app/executor_job.py makes once per channel (TB401)."""
import asyncio

import anthropic

client = anthropic.Anthropic()


class ChannelSummarizer:
    async def short_summary(self, text):
        loop = asyncio.get_running_loop()

        def create_short_summary():
            return client.messages.create(model="claude-haiku-4-5", max_tokens=300,  # TB401
                                          messages=[{"role": "user", "content": f"Shorten: {text}"}])

        return await loop.run_in_executor(None, create_short_summary)
