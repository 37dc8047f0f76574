"""Per-document summaries run from the dashboard and from an offline job: the job's run can wait
for a batch, so the loop is TB401's."""
import anthropic

client = anthropic.Anthropic()


def summarise_docs(docs):
    out = []
    for doc in docs:
        r = client.messages.create(model="claude-sonnet-5-5", max_tokens=300,  # TB401
                                   messages=[{"role": "user", "content": f"Summarise: {doc}"}])
        out.append(r)
    return out
