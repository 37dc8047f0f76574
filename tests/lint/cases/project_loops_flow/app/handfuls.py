"""Loops that call a request helper for a handful of items, or for steps of one task: no batch."""
from app.llm import extract, story


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
        extract(doc)
