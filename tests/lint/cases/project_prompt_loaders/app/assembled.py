"""A system prompt assembled from prompt files by a helper: a list of parts, one appended when a flag
is on, joined by a generator that drops the empty ones (``"\\n".join(p for p in parts if p)``)."""
from pathlib import Path

import anthropic

_DIR = Path(__file__).resolve().parent / "prompts"
client = anthropic.Anthropic()


def _load(name: str) -> str:
    path = _DIR / name
    return path.read_text(encoding="utf-8") if path.exists() else ""


def system_prompt(with_workflow: bool = True) -> str:
    parts = [_load("core.md")]
    if with_workflow:
        extra = _load("workflow_review.md")
        if extra:
            parts.append("\n\n# Workflow\n\n" + extra)
    return "\n".join(p for p in parts if p)


def review(doc: str, with_workflow: bool) -> str:  # core.md alone clears the minimum, whatever the flag
    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=500,
                                   system=system_prompt(with_workflow),  # TB101
                                   messages=[{"role": "user", "content": doc}])
    return reply.content[0].text


def notes(doc: str, sections: list[str]) -> str:  # parts only known at run time: unknown size, silent
    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=500,
                                   system="\n".join(s for s in sections if s),
                                   messages=[{"role": "user", "content": doc}])
    return reply.content[0].text


def _review_requests(docs: list[str]) -> list[dict]:
    requests = []
    for i, doc in enumerate(docs):
        requests.append({"custom_id": f"doc-{i}", "params": {  # TB101
            "model": "claude-sonnet-4-6", "max_tokens": 500, "system": system_prompt(True),
            "messages": [{"role": "user", "content": doc}]}})
    return requests


def review_overnight(docs: list[str]) -> str:  # each request of a batch a helper builds is a call site
    return client.messages.batches.create(requests=_review_requests(docs)).id
