"""Loops that are not per-item work by themselves, and per-item loops they sit in."""
import json
import time

import anthropic

client = anthropic.Anthropic()
MODEL = "claude-haiku-4-5"


def judge(prompt):
    return client.messages.create(model=MODEL, max_tokens=50,  # TB401
                                  messages=[{"role": "user", "content": prompt}])


def majority(prompt, passes=3):
    votes = []
    for _ in range(passes):  # the same request three times (a majority vote): looked through
        votes.append(judge(prompt).content[0].text)
    return max(set(votes), key=votes.count)


def grade(case):
    return majority(f"Grade this answer from 1 to 5: {case}")


def grade_all(path, first_only=False):
    """Three callers above the request: grade_all -> grade -> majority -> judge."""
    out = []
    for case in json.load(open(path)):
        try:
            out.append(grade(case))
        except KeyboardInterrupt:  # an abort, not a search that stops when it finds something
            break
        if first_only:  # a run-wide switch
            break
    return out


def extract_tasks(page):
    return client.messages.create(model=MODEL, max_tokens=500,  # TB401
                                  messages=[{"role": "user", "content": f"List the tasks in:\n{page}"}])


def extract_all(pages):
    for page in pages:
        tasks = extract_tasks(page)
        if not tasks:  # the run gives up on an empty reply: error handling, not a search
            print("No tasks extracted. Stop.")
            return
        print(tasks)


def ping(prompt):
    return client.messages.create(model=MODEL, max_tokens=50, messages=[{"role": "user", "content": prompt}])


def time_model(prompt, runs=50):
    timings = []
    for i in range(runs):  # one identical request, timed: no collection of items
        start = time.perf_counter()
        ping(prompt)
        timings.append((i, time.perf_counter() - start))
    return timings


def first_match(questions):
    for q in questions:
        reply = ping(q)
        if "yes" in reply.content[0].text:  # a search: stops at the first hit
            return q
    return None


TOOLS = [{"name": "fetch_page", "description": "Fetch a web page",
          "input_schema": {"type": "object", "properties": {"url": {"type": "string"}}}}]


def fetch(url):
    return f"<html>{url}</html>"


def links_of(url):
    messages = [{"role": "user", "content": f"Find the job links on {url}"}]
    for _ in range(5):  # at most five turns of a tool conversation: each reply goes back in
        response = client.messages.create(model=MODEL, max_tokens=1024, tools=TOOLS, messages=messages)
        if response.stop_reason != "tool_use":
            return response.content[0].text
        block = next(b for b in response.content if b.type == "tool_use")
        messages.append({"role": "assistant", "content": response.content})
        messages.append({"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": block.id, "content": fetch(block.input["url"])}]})
    return None


def scan(sources):
    return [links_of(s) for s in sources]  # one conversation per source: not one request per item
