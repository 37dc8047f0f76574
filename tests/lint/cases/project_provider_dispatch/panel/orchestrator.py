"""A panel of models answers each round: the loop over the team dispatches on the member's name, so
Claude gets one request per call of query_all, whatever the team holds (after mAiFriend/CORTEX). The per-document loop
that names Claude itself sends one request per document: a batch candidate."""
import asyncio

import anthropic


class Orchestrator:
    def __init__(self):
        self.claude = anthropic.AsyncAnthropic()

    async def _query_claude(self, prompt):
        reply = await self.claude.messages.create(model="claude-sonnet-4-6", max_tokens=800,  # TB401
                                                  messages=[{"role": "user", "content": prompt}])
        return reply.content[0].text

    async def _query_other(self, name, prompt):
        return f"{name}: {prompt}"

    async def _query_single(self, ai_name, prompt):
        if ai_name == "claude":
            return await self._query_claude(prompt)
        elif ai_name in ("gpt", "gemini"):
            return await self._query_other(ai_name, prompt)
        raise ValueError(ai_name)

    async def _query_timed(self, ai_name, prompt):
        return await asyncio.wait_for(self._query_single(ai_name, prompt), timeout=60)

    async def query_all(self, team, topic):
        tasks = []
        for ai_name in team:
            tasks.append(asyncio.create_task(self._query_timed(ai_name, f"Discuss: {topic}")))
        return await asyncio.gather(*tasks)

    async def summarize_all(self, documents):
        tasks = [self._query_timed("claude", f"Summarize: {doc}") for doc in documents]
        return await asyncio.gather(*tasks)
