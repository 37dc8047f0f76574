import asyncio
import json

from .async_llm import reply_to, score_cell, score_task


async def run_grid(lengths, depths):
    """A long-context grid: every (length, depth) cell an independent request, gathered."""
    tasks = []
    for length in lengths:
        for depth in depths:
            tasks.append(score_cell(f"{length} tokens, needle at {depth}%"))
    results = await asyncio.gather(*tasks)
    json.dump(results, open("grid.json", "w"))


async def run_tasks(rows):
    pending = []
    for row in rows:
        task = score_task(row)  # a coroutine, handed on: asyncio.create_task(score_task(row)) alike
        pending.append(task)
    return await asyncio.gather(*pending)


async def converse(turns):
    answers = []
    for turn in turns:  # each awaited before the next: a sequential loop in async code
        answers.append(await reply_to(turn))
    return answers
