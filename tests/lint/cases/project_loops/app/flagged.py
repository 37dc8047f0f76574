"""A per-item loop reaches the request only through a flag (after Meron-Abera/applied-ai-system-project):
``describe`` asks Claude only ``if use_llm:``. The catalogue loop leaves the flag at its false default,
so it never sends a request; the export loop passes ``use_llm=True`` for every row (TB401 on the
request, naming that loop); the review loop passes ``False`` written out."""
from anthropic import Anthropic

client = Anthropic()


def llm_description(row):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=300,  # TB401
                                  messages=[{"role": "user", "content": f"Describe: {row}"}])


def describe(row, use_llm=False):
    if use_llm:
        return llm_description(row).content[0].text
    return f"{row['name']} ({row['kind']})"


def catalogue(rows):
    return [describe(r) for r in rows]


def export(rows):
    return [describe(r, use_llm=True) for r in rows]


def review(rows):
    return [describe(r, False) for r in rows]
