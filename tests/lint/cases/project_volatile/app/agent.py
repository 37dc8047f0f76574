"""The request wrapper caches the whole system text as one block; the prompts come from app.prompts."""
from datetime import datetime

import anthropic

from app.prompts import build_daily_prompt, build_plain_prompt, build_system_prompt


class Agent:
    def __init__(self):
        self.client = anthropic.Anthropic()

    def _call(self, system, messages, tools=None):
        kwargs = {
            "model": "claude-sonnet-4-6",
            "max_tokens": 1024,
            "system": [{"type": "text", "text": system, "cache_control": {"type": "ephemeral"}}],
            "messages": messages,
        }
        if tools:
            cached = list(tools)
            cached[-1] = {**cached[-1], "cache_control": {"type": "ephemeral"}}
            kwargs["tools"] = cached
        return self.client.messages.create(**kwargs)  # TB104

    def _call_uncached(self, system, messages):
        # the same time-stamped prompt, never cached: nothing to miss
        return self.client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, system=system,
                                           messages=messages)

    def answer(self, project, question, tools):
        system_prompt = build_system_prompt(project, ["Mail"])
        return self._call(system_prompt, [{"role": "user", "content": question}], tools=tools)

    def daily(self, project, question):
        return self._call(build_daily_prompt(project), [{"role": "user", "content": question}])

    def plain(self, project, question):
        # the time goes into the final user message, after the cache breakpoint
        text = f"Now: {datetime.now():%H:%M}. {question}"
        return self._call(build_plain_prompt(project), [{"role": "user", "content": text}])

    def quick(self, project, question):
        return self._call_uncached(build_system_prompt(project), [{"role": "user", "content": question}])
