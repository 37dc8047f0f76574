"""Loops around calls: nightly jobs that could batch, and agent / chat / streaming loops that cannot."""
import asyncio
import time

import anthropic
from pydantic import BaseModel

client = anthropic.Anthropic()
aclient = anthropic.AsyncAnthropic()
MODEL = "claude-sonnet-5-5"
TOOLS = [{"name": "lookup", "description": "Look up an order", "input_schema": {"type": "object"}}]


def nightly_summaries(reviews: list[str]) -> list[str]:
    out = []
    for review in reviews:
        reply = client.messages.create(  # TB401
            model=MODEL,
            max_tokens=300,
            messages=[{"role": "user", "content": f"Summarise this review:\n{review}"}],
        )
        out.append(reply.content[0].text)
    return out


async def translate_all(texts: list[str]):
    return await asyncio.gather(*[
        aclient.messages.create(model=MODEL, max_tokens=400,  # TB401
                                messages=[{"role": "user", "content": f"Translate to French:\n{t}"}])
        for t in texts
    ])


def grade(essays: dict[str, str]) -> dict[str, str]:
    return {
        student: client.messages.create(model="claude-haiku-5-5", max_tokens=50,  # TB401
                                        messages=[{"role": "user", "content": f"Grade A-F:\n{text}"}]).content[0].text
        for student, text in essays.items()
    }


def agent(task: str, steps: int = 8):
    # Not flagged: each response goes back into the conversation.
    messages = [{"role": "user", "content": task}]
    for _ in range(steps):
        reply = client.messages.create(model=MODEL, max_tokens=1024, tools=TOOLS, messages=messages)
        messages.append({"role": "assistant", "content": reply.content})
        if reply.stop_reason != "tool_use":
            break
        messages.append({"role": "user", "content": [{"type": "tool_result", "tool_use_id": "x", "content": "ok"}]})
    return messages


def chat():
    # Not flagged: a while loop over a conversation.
    history = []
    while True:
        history.append({"role": "user", "content": input("> ")})
        reply = client.messages.create(model=MODEL, max_tokens=1024, messages=history)
        history.append({"role": "assistant", "content": reply.content})


def live_captions(frames: list[str]):
    # Not flagged: streaming to a user.
    for frame in frames:
        with client.messages.stream(model=MODEL, max_tokens=200,
                                    messages=[{"role": "user", "content": frame}]) as stream:
            for text in stream.text_stream:
                print(text, end="")


def long_reports(topics: list[str]) -> list[str]:
    # Not flagged: a stream, even one only waited on for its final message (TB401 is defined for
    # non-streaming requests; the corpus applies it so)
    out = []
    for topic in topics:
        with client.messages.stream(model=MODEL, max_tokens=8000,
                                    messages=[{"role": "user", "content": f"Report on {topic}"}]) as stream:
            out.append(stream.get_final_message().content[0].text)
    return out


def drain_queue(fetch_pending, mark_done) -> None:
    # pages through a work queue: each pass fetches the next rows, the last pass's being marked done
    for _ in range(20):
        rows = fetch_pending(limit=15)
        if not rows:
            break
        reply = client.messages.create(model=MODEL, max_tokens=2000,  # TB401
                                       messages=[{"role": "user", "content": f"Classify each:\n{rows}"}])
        mark_done(rows, reply.content[0].text)


def repair(path: str, check, max_iters: int = 5) -> None:
    # Not flagged: a repair loop, stopping when the check of the file finds nothing; each pass sends
    # the problems the last reply left in the file (no page of new work: the check takes no size)
    for _ in range(max_iters):
        errors = check(path)
        if not errors:
            break
        with open(path) as fh:
            code = fh.read()
        reply = client.messages.create(model=MODEL, max_tokens=4000,
                                       messages=[{"role": "user", "content": f"Fix {errors} in:\n{code}"}])
        with open(path, "w") as fh:
            fh.write(reply.content[0].text)


def sample_answers(question: str, settings) -> list[str]:
    # Not flagged: the same request five times (a sampling run), whatever the body reads first
    out = []
    for _ in range(5):
        temperature = settings.get("temperature")
        reply = client.messages.create(model=MODEL, max_tokens=200, temperature=temperature,
                                       messages=[{"role": "user", "content": question}])
        out.append(reply.content[0].text)
    return out


def first_match(candidates: list[str]):
    # Not flagged: stops at the first hit.
    for c in candidates:
        reply = client.messages.create(model=MODEL, max_tokens=200, messages=[{"role": "user", "content": c}])
        if reply.content[0].text.startswith("MATCH"):
            return c
    return None


def already_batched(items: list[str]):
    # Not flagged: this is the batch.
    return client.messages.batches.create(requests=[
        {"custom_id": f"item-{i}", "params": {"model": MODEL, "max_tokens": 300,
                                              "messages": [{"role": "user", "content": item}]}}
        for i, item in enumerate(items)
    ])


def tool_turn(question: str, tools: list[dict]):
    # Not flagged: the loop goes through one reply's blocks; the request in it sends the tool result
    # back, the next turn of that conversation (meetrais/claude-advanced-tool-use).
    messages = [{"role": "user", "content": question}]
    response = client.messages.create(model=MODEL, max_tokens=1024, tools=tools, messages=messages)
    for block in response.content:
        if block.type == "tool_use":
            followup = [{"role": "assistant", "content": response.content},
                        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": block.id,
                                                      "content": "done"}]}]
            final = client.messages.create(model=MODEL, max_tokens=1024, tools=tools, messages=messages + followup)
            print(final.content[0].text)


def summarise_sections(report):
    for section in report.content:
        client.messages.create(model=MODEL, max_tokens=300,  # TB401
                               messages=[{"role": "user", "content": section}])


class Invoice(BaseModel):
    vendor: str
    total: float


def extract_invoices(pages: list[str]) -> list[Invoice]:
    # Structured output (messages.parse) is a plain request too: the Batch API takes the same params
    return [client.messages.parse(model=MODEL, max_tokens=500, output_format=Invoice,  # TB401
                                  messages=[{"role": "user", "content": f"Extract the invoice:\n{p}"}]).parsed_output
            for p in pages]


def watch_invoices(inbox):
    while True:  # a service loop: each invoice is handled as it arrives
        page = inbox.get()
        print(client.messages.parse(model=MODEL, max_tokens=500, output_format=Invoice,
                                    messages=[{"role": "user", "content": page}]).parsed_output)


def compare_effort(question: str):
    # Not flagged: three settings named in the code, the same question at each (a sweep, not items)
    levels = ["low", "medium", "high"]
    for level in levels:
        client.messages.create(model=MODEL, max_tokens=4096, output_config={"effort": level},
                               messages=[{"role": "user", "content": question}])


def compare_strategies(question: str):
    # Not flagged: a dict of three strategies written out in the code, one request each (a sweep)
    strategies = {"fixed": "Fixed chunks", "semantic": "Semantic chunks", "hierarchical": "Parent/child"}
    for key, name in strategies.items():
        client.messages.create(model=MODEL, max_tokens=300, system=name,
                               messages=[{"role": "user", "content": f"{key}: {question}"}])


def answer_questions(path: str):
    questions = open(path).read().splitlines()
    for q in questions:
        client.messages.create(model=MODEL, max_tokens=300,  # TB401
                               messages=[{"role": "user", "content": q}])


def label_rows(rows: list[str]) -> list:
    # a lambda handed to map (builtin, a pool's, tqdm's thread_map) runs once per item, as a loop body
    return list(map(lambda row: client.messages.create(model=MODEL, max_tokens=50,  # TB401
                                                       messages=[{"role": "user", "content": row}]), rows))


def label_frame(df):
    df["label"] = df["text"].apply(lambda text: client.messages.create(  # TB401
        model=MODEL, max_tokens=50, messages=[{"role": "user", "content": text}]))
    return df


def post_edit(rows: list, args) -> list:
    from tqdm import tqdm

    out = []
    for row in tqdm(rows, desc=f"Running {args.models}"):  # the label names the model, the loop is over rows
        out.append(client.messages.create(  # TB401
            model=MODEL, max_tokens=300, messages=[{"role": "user", "content": row}]))
    return out


def grade_all(rows: list, dimensions: list, limit: int = 0) -> list:
    graded = []
    total_calls = 0
    for row in rows:
        if limit and total_calls >= limit:
            break  # a cap on the requests sent (counted before each one), not a search
        for dimension in dimensions:
            total_calls += 1
            graded.append(client.messages.create(  # TB401
                model=MODEL, max_tokens=5, messages=[{"role": "user", "content": f"{dimension}? {row}"}]))
    return graded


def first_hits(rows: list, wanted: int = 3) -> list:
    hits, found = [], 0
    for row in rows:
        if found >= wanted:
            break  # enough answers found: a search, counted after each reply
        for question in ("Is it urgent?", "Is it a refund?"):
            reply = client.messages.create(model=MODEL, max_tokens=5,
                                           messages=[{"role": "user", "content": f"{question} {row}"}])
            if "yes" in reply.content[0].text.lower():
                found += 1
                hits.append(row)
    return hits


def score_first(df, total_runs: int = 100) -> None:
    count = 0
    for _, row in df.iterrows():
        count = count + 1  # every pass counted: `count > total_runs` caps the rows, it ends no search
        if count > total_runs:
            break
        reply = client.messages.create(model=MODEL, max_tokens=100,  # TB401
                                       messages=[{"role": "user", "content": row["abstract"]}])
        print(reply.content[0].text)


def until_two_hits(rows: list) -> list:
    hits = 0
    for row in rows:
        if hits > 1:
            break  # enough answers: a search, counted after each reply that says yes
        reply = client.messages.create(model=MODEL, max_tokens=5, messages=[{"role": "user", "content": row}])
        if "yes" in reply.content[0].text.lower():
            hits = hits + 1
    return hits


def translate_units(units: list, size: int = 20) -> None:
    for start in range(0, len(units), size):
        chunk = units[start:start + size]
        texts = [text for _, text in chunk]  # (this `text` is the comprehension's, not the loop's below)
        reply = client.messages.create(model=MODEL, max_tokens=2000,  # TB401
                                       messages=[{"role": "user", "content": "\n".join(texts)}])
        for (unit, text), line in zip(chunk, reply.content[0].text.splitlines()):
            unit.target = line


def compare_models(question: str) -> list:
    # Not flagged: a map over models is a sweep, the same question to each
    return list(map(lambda model: client.messages.create(model=model, max_tokens=300,
                                                         messages=[{"role": "user", "content": question}]),
                    ["claude-haiku-5-5", "claude-sonnet-5-5"]))


def serve_forever(queue):
    while True:  # a service loop: each batch of the queue is handled as it arrives, mapped or not
        rows = queue.get()
        print(list(map(lambda row: client.messages.create(model=MODEL, max_tokens=50,
                                                          messages=[{"role": "user", "content": row}]), rows)))


def drain_sheet(sheet) -> None:
    # a while loop paging through a work queue until it is empty: per-item work
    while True:
        rows = sheet.pending(page_size=25)
        if not rows:
            break
        reply = client.messages.create(model=MODEL, max_tokens=2000,  # TB401
                                       messages=[{"role": "user", "content": f"Categorise each:\n{rows}"}])
        sheet.write(rows, reply.content[0].text)


def watch_inbox(inbox) -> None:
    # Not flagged: a service loop that waits when the inbox is empty (each mail answered as it comes)
    while True:
        mails = inbox.fetch(limit=10)
        if not mails:
            time.sleep(30)
            continue
        reply = client.messages.create(model=MODEL, max_tokens=500,
                                       messages=[{"role": "user", "content": f"Triage:\n{mails}"}])
        inbox.reply(mails, reply.content[0].text)


def write_stories(prompts: list[str]) -> list[str]:
    # the same request again until the story is complete, inside a loop over prompts: one story per
    # prompt in the end, so the prompts are the batch (the inner loop is a retry)
    stories = []
    for prompt in prompts:
        while True:
            reply = client.messages.create(model=MODEL, max_tokens=1500,  # TB401
                                           messages=[{"role": "user", "content": prompt}])
            story = reply.content[0].text
            if story.rstrip().endswith("."):
                break
        stories.append(story)
    return stories


def write_chapters(outline: str, count: int) -> list[str]:
    # Not flagged: each pass asks for the next chapter after the ones written so far (a chain)
    chapters: list[str] = []
    while True:
        reply = client.messages.create(model=MODEL, max_tokens=1500, messages=[
            {"role": "user", "content": f"{outline}\n\nSo far:\n{chapters}\n\nWrite the next chapter."}])
        chapters = [*chapters, reply.content[0].text]
        if len(chapters) >= count:
            return chapters
