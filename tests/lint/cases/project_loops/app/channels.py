"""A summariser class with a run() method, and a script that calls asyncio.run() once per channel:
asyncio.run is not Summarizer.run, so no loop calls the request (no TB401)."""
import asyncio

import anthropic

client = anthropic.Anthropic()


class Summarizer:
    def run(self, text):
        return client.messages.create(model="claude-haiku-4-5", max_tokens=300,
                                      messages=[{"role": "user", "content": f"Summarise: {text}"}])
