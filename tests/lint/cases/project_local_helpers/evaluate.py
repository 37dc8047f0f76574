import json

from llm import judge
from retrying import retry_handler


def run_eval(items, out_path):
    @retry_handler(retry_limit=10)
    def api(ind, item, **kwargs):
        return judge(**kwargs)

    results = []
    for ind, item in enumerate(items):  # one judgement per item, stored: a batch
        results.append(api(ind, item, prompt=item["prompt"]))
    with open(out_path, "w") as f:
        json.dump(results, f)


async def research(ctx, query, sources):
    import asyncio

    from llm import chat_async

    async def read(source):
        return await chat_async(f"{query}\n\n{source}")

    # one request's fan-out, awaited on the spot (the user waits for the answer): not a batch
    return await asyncio.gather(*(read(s) for s in sources))
