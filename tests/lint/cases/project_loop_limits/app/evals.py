"""An eval suite run from the command line (cli.py hands it to asyncio.run), and a coroutine that
answers a user's questions one by one as they wait (someone awaits each answer)."""

from app.llm import answer_eval, answer_live


async def run_evals(items):
    rows = []
    for item in items:
        rows.append(await answer_eval(item["question"]))
    return rows


async def answer_each(questions):
    return [await answer_live(q) for q in questions]
