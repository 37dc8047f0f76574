"""Loops that call a request helper for a handful of items, or for steps of one task: no batch."""
from app.llm import describe_video, extract_document, story, verdict


def pick(both: bool, key: str):
    keys = ["manutd", "lakers"] if both else [key]
    return [story(k) for k in keys]


def top_matches(matches):
    for match in matches[:5]:
        story(match)


def clarify(pitch):
    for name, section in pitch.items():
        story(section)


def verify(task_types):
    for task_type in task_types:
        story(task_type)


def run_tools(tool_calls):
    for tc in tool_calls:
        story(tc)


def extract_all(documents):
    for doc in documents.values():
        extract_document(doc)


def review_candidates(candidates):
    # one cycle of the trading service below: its verdicts are acted on at once
    for c in candidates:
        verdict(c)


def serve(fetch, sleep):
    while True:
        review_candidates(fetch())
        sleep(60)



def backfill_page(page):
    for video in page:
        describe_video(video)


def backfill(videos):
    # pages through a collection: batch work, even inside a while loop
    start = 0
    while start < len(videos):
        backfill_page(videos[start:start + 50])
        start += 50


def reply_to_mentions(client):
    # a bot's tick: at most five new mentions, each answered at once
    mentions = client.get_mentions(max_results=5)
    for mention in mentions:
        story(mention)
    for post in client.search(query="claude", limit=3):
        story(post)
