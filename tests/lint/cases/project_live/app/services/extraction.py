"""Per-document requests whose only runs start from the Streamlit dashboard, through a pipeline
module: the user watches each result come in (live work, no TB401), like a loop in the page."""
import anthropic

client = anthropic.Anthropic()


def extract_fields(doc):
    return client.messages.create(model="claude-sonnet-5-5", max_tokens=400,
                                  messages=[{"role": "user", "content": f"Extract the fields of: {doc}"}])


def extract_all(docs):
    return [extract_fields(d) for d in docs]  # run from the dashboard only: no TB401
