"""Chapters of a report, each with the master prompt read from prompts/ when it is there."""
import os

import anthropic

client = anthropic.Anthropic()


def write_chapters(chart: str, chapters: list[int]) -> list[str]:
    path = os.path.join(os.path.dirname(__file__), "prompts", "master.txt")
    master = None  # (no file: the button that calls this stays disabled)
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            master = f.read()
    out = []
    for number in chapters:
        reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=8000, system=master,  # TB101 TB401
                                       messages=[{"role": "user", "content": f"{chart}\n\nWrite chapter {number}."}])
        out.append(reply.content[0].text)
    return out
