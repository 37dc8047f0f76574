"""Async clients, streaming, batches and cache breakpoints."""
import time

from anthropic import AsyncAnthropic, Anthropic

aclient = AsyncAnthropic()
sync = Anthropic()
CC = {"type": "ephemeral"}


async def long_report(topic):
    # streaming: no TB206
    async with aclient.messages.stream(model="claude-sonnet-4-5", max_tokens=16000,
                                       messages=[{"role": "user", "content": topic}]) as stream:
        return await stream.get_final_message()


async def long_report_blocking(topic):
    return await aclient.messages.create(model="claude-sonnet-4-5", max_tokens=30000,  # TB203 TB206
                                         messages=[{"role": "user", "content": topic}])


def nightly(items):
    return sync.messages.batches.create(requests=[
        {"custom_id": f"item-{i}", "params": {"model": "claude-haiku-4-5", "max_tokens": 100_000,  # TB202 TB203
                                               "messages": [{"role": "user", "content": text}]}}
        for i, text in enumerate(items)
    ])


def fixed_batch():
    return sync.messages.batches.create(requests=[
        {"custom_id": "a", "params": {"model": "claude-haiku-4-5", "max_tokens": 50, "messages": []}},
        {"custom_id": "b", "params": {"model": "claude-haiku-4-5", "messages": []}},  # TB201
    ])


def stamped(q):
    return sync.messages.create(model="claude-sonnet-4-5", max_tokens=300, messages=[
        {"role": "user", "content": [
            {"type": "text", "text": f"Session started {time.time()}", "cache_control": CC},  # TB104
            {"type": "text", "text": q}]}])


def five_breakpoints(q):
    return sync.messages.create(model="claude-sonnet-4-5", max_tokens=300, cache_control=CC,  # TB103
                                tools=[{"name": "a", "input_schema": {}, "cache_control": CC},
                                       {"name": "b", "input_schema": {}, "cache_control": CC}],
                                system=[{"type": "text", "text": "s", "cache_control": CC}],
                                messages=[{"role": "user", "content": [{"type": "text", "text": q, "cache_control": CC}]}])


def tiny_cache(q):
    return sync.messages.create(model="claude-sonnet-4-5", max_tokens=300,
                                system=[{"type": "text", "text": "Be terse.", "cache_control": CC}],  # TB102
                                messages=[{"role": "user", "content": q}])
